/**
 * Bulk apply, step 1: describe the change (key path, operation, which sessions, reason). Submitting
 * runs the dry run — which writes nothing to the core — and opens its page (/bulk/runs/:runId).
 *
 * Rows ticked in the sessions table arrive here as a POST (intent "select") with one `handle` field
 * each — up to 20,000, far more than an address can hold — and are stored under an id; the answer
 * redirects to ?selection=<id>, which the form posts back with the dry run (Post/Redirect/Get).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { runPath } from "~/bulk/actions.server";
import { parseChangeForm } from "~/bulk/form.server";
import { planBulkApply } from "~/bulk/plan.server";
import { loadSelection, saveSelection, selectedHandlesSchema, selectionCount, selectionIdSchema } from "~/bulk/selection.server";
import { ChangeForm } from "~/components/bulk/change-form";
import { getConfig } from "~/config.server";
import { getUserById } from "~/core/users.server";
import { requireStaff } from "~/staff/guard.server";
import { formatCount } from "~/utils/format";
import { readFormData, userIdParam } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";
import { Breadcrumbs } from "~/components/breadcrumbs";

export { ErrorBoundary } from "~/components/user-error-boundary";

export const meta: MetaFunction = () => [{ title: "Apply to sessions · Session Desk" }];

const intentSchema = z.enum(["select", "dry-run"]);

const SELECTION_GONE = "That selection is no longer available (a selection is kept for a day, for whoever made it). Go back to the sessions table and tick the rows again.";

async function loadUser(params: { userId?: string }) {
  const userId = userIdParam(params);
  const user = await getUserById(userId);
  if (!user) throw json({ message: `No user with the id “${userId}” exists on this core.`, userId }, { status: 404 });
  return user;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const user = await loadUser(params);
  const selectionParam = new URL(request.url).searchParams.get("selection");
  const selection = selectionIdSchema.safeParse(selectionParam);
  const count = selection.success ? await selectionCount(selection.data, { staff, userId: user.id }) : undefined;
  return json({
    user: { id: user.id, label: user.emails[0] ?? user.phoneNumbers[0] ?? user.id, tenantIds: user.tenantIds },
    selection: count === undefined ? null : { id: selection.data!, count },
    selectionGone: selectionParam !== null && count === undefined ? SELECTION_GONE : null,
    reasonRequired: getConfig().AUDIT_REASON_REQUIRED,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const user = await loadUser(params);
  const form = await readFormData(request);
  const intent = intentSchema.safeParse(form.get("intent"));
  if (!intent.success) return json({ errors: { form: "That request was not understood. Reload the page and try again." }, values: null }, { status: 400 });

  if (intent.data === "select") {
    const handles = selectedHandlesSchema.safeParse(form.getAll("handle"));
    if (!handles.success) return json({ errors: { scope: handles.error.issues[0]!.message }, values: null }, { status: 400 });
    const saved = await saveSelection({ staff, userId: user.id, handles: handles.data });
    return redirect(`/users/${encodeURIComponent(user.id)}/bulk?${new URLSearchParams({ selection: saved.id })}`);
  }

  const selectionField = form.get("selection");
  let selection: { id: string; handles: string[] } | undefined;
  if (typeof selectionField === "string" && selectionField !== "") {
    const id = selectionIdSchema.safeParse(selectionField);
    const handles = id.success ? await loadSelection(id.data, { staff, userId: user.id }) : undefined;
    if (!handles) {
      // Keep what was typed; only the selection is gone.
      const typed = parseChangeForm(form, user.tenantIds);
      return json({ errors: { scope: SELECTION_GONE }, values: typed.ok ? null : typed.values }, { status: 400 });
    }
    selection = { id: id.data!, handles };
  }
  const parsed = parseChangeForm(form, user.tenantIds, selection);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, { status: 400 });
  const plan = await planBulkApply({ staff, userId: user.id, operation: parsed.operation, scope: parsed.scope, reason: parsed.reason });
  return redirectWithToast(runPath(plan.runId), {
    kind: "success",
    title: `Dry run of ${formatCount(plan.total)} ${plan.total === 1 ? "session" : "sessions"}`,
    description: "Nothing has been written. Review it, then apply.",
  });
}

export default function DescribeBulkChange() {
  const { user, selection, selectionGone, reasonRequired } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const userHref = `/users/${encodeURIComponent(user.id)}`;
  const defaults = answer?.values ?? {
    keyPath: "",
    operation: "set",
    value: "",
    scope: selection ? "selected" : "all",
    tenantId: "",
    reason: "",
    handles: [],
    selection: selection?.id ?? "",
    selectedCount: selection?.count ?? 0,
  };
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Users", to: "/" }, { label: user.id, to: userHref, mono: true }, { label: "Apply to sessions" }]} />
      <div>
        <h1 className="text-xl font-semibold">Apply a change to {user.label}’s sessions</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Sets, merges into or deletes one key in the data of every session in scope. Nothing else in any session changes. First a dry run shows what would
          happen to each session; only then can it be applied.
        </p>
      </div>
      {selectionGone ? (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {selectionGone}
        </p>
      ) : null}
      <ChangeForm defaults={defaults} errors={answer?.errors} tenants={user.tenantIds} reasonRequired={reasonRequired} />
    </div>
  );
}
