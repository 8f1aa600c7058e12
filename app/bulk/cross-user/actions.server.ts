/**
 * What the buttons of a run across users do: approve (a second admin), apply, cancel, resume, and a
 * fresh dry run of the same users. Apply, cancel and resume are the one-user run's own
 * (app/bulk/engine.server.ts). Every branch ends in a redirect with a toast (Post/Redirect/Get).
 */
import { json } from "@remix-run/node";
import { z } from "zod";
import { AUDIT_REASON_MAX_LENGTH, beginAudit, finishAudit } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import type { StaffUser } from "~/staff/roles";
import { formatCount } from "~/utils/format";
import { redirectWithToast } from "~/utils/toast.server";
import { applyRun, cancelRun, resumeRun } from "../engine.server";
import { getRunRow, operationOf } from "../store.server";
import { describeChange } from "../types";
import { planCrossUserRun } from "./plan.server";
import { approveRun } from "./store.server";
import { CROSS_USER_RUN } from "./types";
import { pathFromStorage } from "../operation";
import { formatKeyPath } from "~/json";

export const crossUserRunPath = (runId: string) => `/bulk/across/${runId}`;

const intentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), note: z.string().max(AUDIT_REASON_MAX_LENGTH, `A note is at most ${AUDIT_REASON_MAX_LENGTH} characters`).optional() }),
  z.object({ intent: z.literal("apply") }),
  z.object({ intent: z.literal("cancel") }),
  z.object({ intent: z.literal("resume") }),
  z.object({ intent: z.literal("replan") }),
]);

const sessions = (count: number) => `${formatCount(count)} ${count === 1 ? "session" : "sessions"}`;

export async function runCrossUserIntent(input: { staff: StaffUser; runId: string; form: FormData }): Promise<Response> {
  const parsed = intentSchema.safeParse(Object.fromEntries(input.form));
  if (!parsed.success) return json({ error: parsed.error.issues[0]?.message ?? "That request was not understood. Reload the page and try again." }, { status: 400 });
  const run = await getRunRow(input.runId);
  if (!run || run.kind !== "users") throw json({ message: "There is no bulk run across users with that id." }, { status: 404 });
  const here = crossUserRunPath(run.id);
  const { staff } = input;
  switch (parsed.data.intent) {
    case "approve": {
      const result = await approveRun(run.id, staff);
      if (result === "own-run") {
        return redirectWithToast(here, { kind: "error", title: "You cannot approve your own run", description: "Another admin must approve it: that is the point of a second pair of eyes." });
      }
      if (result === "not-pending") return redirectWithToast(here, { kind: "info", title: "This run is not waiting for approval", description: "It was approved already, or it is no longer a dry run." });
      const keyPath = formatKeyPath(pathFromStorage(run.key_path));
      const entry = await beginAudit({
        staff,
        action: "bulk-run-approval",
        target: { userId: CROSS_USER_RUN },
        reason: parsed.data.note?.trim() || `Four-eyes approval of the run requested by ${run.staff_name} (${run.staff_email})${run.reason ? `: ${run.reason}` : ""}`,
        after: { change: describeChange({ operation: run.operation, keyPath, valueJson: run.value_json }), sessions: run.total, requestedBy: run.staff_email, approvedBy: staff.email },
        runId: run.id,
      });
      await finishAudit(entry, { status: "completed" });
      return redirectWithToast(here, { kind: "success", title: "Run approved", description: `Any admin can now apply it to ${sessions(run.total)}.` });
    }
    case "apply": {
      if (run.status === "planned" && run.approval_status === "pending") {
        return redirectWithToast(here, { kind: "error", title: "This run waits for a second admin's approval", description: `It has ${sessions(run.total)}, more than the ${formatCount(getConfig().BULK_APPROVAL_THRESHOLD)} that one admin may apply alone.` });
      }
      const started = await applyRun(run.id, staff);
      if (started.status !== "started") return redirectWithToast(here, { kind: "info", title: "This dry run was already applied", description: "Its run is shown below." });
      return redirectWithToast(here, { kind: "success", title: `Bulk apply started on ${sessions(run.total)}`, description: "It runs on the server: you can close this tab and come back." });
    }
    case "cancel": {
      const result = await cancelRun(run.id, staff);
      if (result === "not-running") return redirectWithToast(here, { kind: "info", title: "This run is not running", description: "Nothing to cancel." });
      return redirectWithToast(here, { kind: "success", title: result === "cancelled" ? "Run cancelled" : "Cancelling", description: "Writes already in flight finish; the rest are reported as not attempted." });
    }
    case "resume": {
      const resumed = await resumeRun(run.id, staff);
      if (resumed.status !== "resumed") return redirectWithToast(here, { kind: "info", title: "This run is not interrupted", description: "It is running, or already finished." });
      return redirectWithToast(here, { kind: "success", title: "Run resumed", description: "The sessions without an outcome are being applied." });
    }
    case "replan": {
      const plan = await planCrossUserRun({ staff, users: { by: "run", runId: run.id }, operation: operationOf(run), reason: run.reason ?? undefined });
      return redirectWithToast(crossUserRunPath(plan.runId), { kind: "success", title: `Fresh dry run of ${sessions(plan.total)}`, description: "The same users and change, against their sessions as they are now." });
    }
  }
}
