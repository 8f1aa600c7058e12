/**
 * Bulk apply, step 1: describe the change (key path, set or delete, which sessions, reason). Submitting
 * runs the dry run — which writes nothing to the core — and opens its page (/bulk/runs/:runId).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { runPath } from "~/bulk/actions.server";
import { MAX_SELECTED_HANDLES, parseChangeForm } from "~/bulk/form.server";
import { planBulkApply } from "~/bulk/plan.server";
import { ChangeForm } from "~/components/bulk/change-form";
import { getConfig } from "~/config.server";
import { getUserById } from "~/core/users.server";
import { requireStaff } from "~/staff/guard.server";
import { readFormData, userIdParam } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";
import { Breadcrumbs } from "~/components/breadcrumbs";

export { ErrorBoundary } from "~/components/user-error-boundary";

export const meta: MetaFunction = () => [{ title: "Apply to sessions · Session Desk" }];

const handlesSchema = z.array(z.string().min(1).max(256)).max(MAX_SELECTED_HANDLES);

async function loadUser(params: { userId?: string }) {
  const userId = userIdParam(params);
  const user = await getUserById(userId);
  if (!user) throw json({ message: `No user with the id “${userId}” exists on this core.`, userId }, { status: 404 });
  return user;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request, "admin");
  const user = await loadUser(params);
  // Rows ticked in the sessions table arrive as ?handle=…&handle=…
  const selected = handlesSchema.safeParse(new URL(request.url).searchParams.getAll("handle"));
  return json({
    user: { id: user.id, label: user.emails[0] ?? user.phoneNumbers[0] ?? user.id, tenantIds: user.tenantIds },
    handles: selected.success ? [...new Set(selected.data)] : [],
    reasonRequired: getConfig().AUDIT_REASON_REQUIRED,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const user = await loadUser(params);
  const parsed = parseChangeForm(await readFormData(request), user.tenantIds);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, { status: 400 });
  const plan = await planBulkApply({ staff, userId: user.id, operation: parsed.operation, scope: parsed.scope, reason: parsed.reason });
  return redirectWithToast(runPath(plan.runId), {
    kind: "success",
    title: `Dry run of ${plan.total} ${plan.total === 1 ? "session" : "sessions"}`,
    description: "Nothing has been written. Review it, then apply.",
  });
}

export default function DescribeBulkChange() {
  const { user, handles, reasonRequired } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const userHref = `/users/${encodeURIComponent(user.id)}`;
  const defaults = answer?.values ?? { keyPath: "", operation: "set", value: "", scope: handles.length ? "selected" : "all", tenantId: "", reason: "", handles };
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Users", to: "/" }, { label: user.id, to: userHref, mono: true }, { label: "Apply to sessions" }]} />
      <div>
        <h1 className="text-xl font-semibold">Apply a change to {user.label}’s sessions</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Sets or deletes one key in the data of every session in scope. Nothing else in any session changes. First a dry run shows what would happen to
          each session; only then can it be applied.
        </p>
      </div>
      <ChangeForm defaults={{ ...defaults, handles: defaults.handles ?? handles }} errors={answer?.errors} tenants={user.tenantIds} reasonRequired={reasonRequired} />
    </div>
  );
}
