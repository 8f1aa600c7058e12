/**
 * What the run page's buttons do, kept out of the route module. Every branch ends in a redirect with a
 * toast (Post/Redirect/Get), so a reload never repeats an action.
 */
import { json } from "@remix-run/node";
import type { StaffUser } from "~/staff/roles";
import { formatCount } from "~/utils/format";
import { redirectWithToast } from "~/utils/toast.server";
import { applyRun, cancelRun, resumeRun } from "./engine.server";
import { runIntentSchema } from "./form.server";
import { planBulkApply } from "./plan.server";
import { getRunRow, handlesOfRun, handlesWithOutcome, operationOf } from "./store.server";
import type { BulkScope } from "./types";

export const runPath = (runId: string) => `/bulk/runs/${runId}`;

const RETRY_LABELS = { failed: "failed", changed: "changed since preview", "not-attempted": "not attempted" } as const;

export async function runBulkRunIntent(input: { staff: StaffUser; runId: string; form: FormData }): Promise<Response> {
  const parsed = runIntentSchema.safeParse(Object.fromEntries(input.form));
  if (!parsed.success) return json({ error: "That request was not understood. Reload the page and try again." }, { status: 400 });
  const run = await getRunRow(input.runId);
  if (!run) throw json({ message: "There is no bulk run with that id." }, { status: 404 });
  const here = runPath(run.id);
  const { staff } = input;
  switch (parsed.data.intent) {
    case "apply": {
      const started = await applyRun(run.id, staff);
      if (started.status !== "started") return redirectWithToast(here, { kind: "info", title: "This dry run was already applied", description: "Its run is shown below." });
      return redirectWithToast(here, {
        kind: "success",
        title: `Bulk apply started on ${formatCount(run.total)} ${run.total === 1 ? "session" : "sessions"}`,
        description: "It runs on the server: you can close this tab and come back.",
      });
    }
    case "cancel": {
      const result = await cancelRun(run.id, staff);
      if (result === "not-running") return redirectWithToast(here, { kind: "info", title: "This run is not running", description: "Nothing to cancel." });
      return redirectWithToast(here, {
        kind: "success",
        title: result === "cancelled" ? "Run cancelled" : "Cancelling",
        description: "Writes already in flight finish; the rest are reported as not attempted.",
      });
    }
    case "resume": {
      const resumed = await resumeRun(run.id, staff);
      if (resumed.status !== "resumed") return redirectWithToast(here, { kind: "info", title: "This run is not interrupted", description: "It is running, or already finished." });
      return redirectWithToast(here, { kind: "success", title: "Run resumed", description: "The sessions without an outcome are being applied." });
    }
    case "retry": {
      const which = parsed.data.which;
      const handles = await handlesWithOutcome(run.id, which);
      if (handles.length === 0) return redirectWithToast(here, { kind: "info", title: `No sessions are ${RETRY_LABELS[which]}` });
      const plan = await planBulkApply({ staff, userId: run.user_id, operation: operationOf(run), scope: { kind: "selected", handles }, reason: run.reason ?? undefined, parentRunId: run.id, retryOf: which });
      return redirectWithToast(runPath(plan.runId), {
        kind: "success",
        title: `Fresh dry run of the ${formatCount(handles.length)} ${RETRY_LABELS[which]}`,
        description: "Review it, then apply.",
      });
    }
    case "replan": {
      const scope: BulkScope =
        run.scope === "tenant" && run.tenant_id ? { kind: "tenant", tenantId: run.tenant_id } : run.scope === "selected" ? { kind: "selected", handles: await handlesOfRun(run.id) } : { kind: "all" };
      const plan = await planBulkApply({ staff, userId: run.user_id, operation: operationOf(run), scope, reason: run.reason ?? undefined, parentRunId: run.id });
      return redirectWithToast(runPath(plan.runId), { kind: "success", title: "Fresh dry run", description: "Made against the sessions' data as it is now." });
    }
  }
}
