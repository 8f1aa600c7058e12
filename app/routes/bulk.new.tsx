/**
 * A bulk run across users, step 1 (admins only): choose the users — a pasted list or a CSV, a search,
 * or an earlier run's users — and describe the change. Submitting makes the dry run: every entry is
 * resolved and every matched user's sessions judged, nothing is written to the core; then its page
 * opens (/bulk/across/:runId).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { crossUserRunPath } from "~/bulk/cross-user/actions.server";
import { MAX_ENTRIES } from "~/bulk/cross-user/entries";
import { parseUsersForm } from "~/bulk/cross-user/form.server";
import { planCrossUserRun, SearchQueryError } from "~/bulk/cross-user/plan.server";
import { getRunRow } from "~/bulk/store.server";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { ChangeForm } from "~/components/bulk/change-form";
import { UsersFields } from "~/components/bulk/cross-user/users-fields";
import { ErrorBoundary } from "~/components/route-error-boundary";
import { getConfig } from "~/config.server";
import { loadFromCore } from "~/core/problems.server";
import { listTenantIds } from "~/core/users.server";
import { requireStaff } from "~/staff/guard.server";
import { formatCount } from "~/utils/format";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

export { ErrorBoundary };

export const meta: MetaFunction = () => [{ title: "Bulk across users · Session Desk" }];

const fromSchema = z.string().regex(/^[0-9a-f]{16,40}$/);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, "admin");
  const from = fromSchema.safeParse(new URL(request.url).searchParams.get("from"));
  const tenants = await loadFromCore(() => listTenantIds());
  return json({ tenants, from: from.success ? from.data : "", reasonRequired: getConfig().AUDIT_REASON_REQUIRED, threshold: getConfig().BULK_APPROVAL_THRESHOLD });
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const form = await readFormData(request);
  const parsed = await parseUsersForm(form);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, { status: 400 });
  if (parsed.users.by === "run" && !(await getRunRow(parsed.users.runId))) {
    return json({ errors: { users: "There is no bulk run with that id." }, values: null }, { status: 400 });
  }
  try {
    // A search the page can answer beside its field (no such tenant, nothing typed) passes through as itself.
    const plan = await loadFromCore(() =>
      planCrossUserRun({ staff, users: parsed.users, operation: parsed.operation, reason: parsed.reason }).catch((error) => {
        if (error instanceof SearchQueryError) return error;
        throw error;
      }),
    );
    if (plan instanceof SearchQueryError) throw plan;
    const unresolved = plan.unresolved > 0 ? ` ${formatCount(plan.unresolved)} ${plan.unresolved === 1 ? "entry matched" : "entries matched"} no user or more than one: see the list.` : "";
    return redirectWithToast(crossUserRunPath(plan.runId), {
      kind: plan.unresolved > 0 ? "info" : "success",
      title: `Dry run of ${formatCount(plan.total)} ${plan.total === 1 ? "session" : "sessions"} of ${formatCount(plan.users)} ${plan.users === 1 ? "user" : "users"}`,
      description: `Nothing has been written.${unresolved}${plan.needsApproval ? " A second admin must approve it before it can be applied." : " Review it, then apply."}`,
    });
  } catch (error) {
    if (error instanceof SearchQueryError) return json({ errors: { users: error.message }, values: null }, { status: 400 });
    throw error;
  }
}

export default function NewCrossUserRun() {
  const { tenants, from, reasonRequired, threshold } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const typed = answer?.values;
  const errors: Partial<Record<"keyPath" | "value" | "scope" | "reason" | "form" | "users", string>> | undefined = answer?.errors;
  const defaults = {
    keyPath: typed?.keyPath ?? "",
    operation: typed?.operation || "set",
    value: typed?.value ?? "",
    scope: "all",
    tenantId: "",
    reason: typed?.reason ?? "",
    handles: [],
    selection: "",
    selectedCount: 0,
  };
  const usersDefaults = { source: typed?.source || (from ? "run" : "list"), q: typed?.q ?? "", tenant: typed?.tenant ?? "", list: typed?.list ?? "", runId: typed?.runId || from };
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Bulk runs", to: "/bulk" }, { label: "Across users" }]} />
      <div>
        <h1 className="text-xl font-semibold">Apply a change across users</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Sets, merges into or deletes one key in the data of every session of every user you name (all tenants and linked accounts). The dry run first reports
          every entry that matched no user or more than one, then what would happen to each session. A run of more than {formatCount(threshold)} sessions needs a
          second admin’s approval.
        </p>
      </div>
      <ChangeForm
        defaults={defaults}
        errors={errors}
        tenants={tenants}
        reasonRequired={reasonRequired}
        encType="multipart/form-data"
        scopeFields={<UsersFields defaults={usersDefaults} tenants={tenants} error={errors?.users} maxEntries={MAX_ENTRIES} />}
      />
    </div>
  );
}
