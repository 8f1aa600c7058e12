/**
 * A bulk run in the audit trail as a whole, next to its per-session entries: one entry begun when the
 * run is applied (what, for whom, in which scope, how many sessions, why) and finished when the run
 * ends, with its counts. Interrupted runs keep their entry open ("in progress") until resumed to the end
 * or cancelled, so the trail never claims a run finished that did not.
 */
import { AuditEntryError, beginAudit, countRunItemEntries, finishAudit } from "~/audit/audit.server";
import { RUN_ACTION } from "~/audit/types";
import type { StaffUser } from "~/staff/roles";
import { auditEntriesOfRun, getProgress, getRunRow, toRunSummary } from "./store.server";
import { describeChange, type RunProgress } from "./types";
import { parseJson } from "~/json";
import { getDb } from "~/db/db.server";

async function countMatchedUsers(runId: string): Promise<number> {
  const row = await getDb().selectFrom("bulk_run_entries").select((eb) => eb.fn.countAll<string | number>().as("count")).where("run_id", "=", runId).where("status", "=", "matched").executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function auditRunApplied(runId: string, staff: StaffUser): Promise<void> {
  const row = await getRunRow(runId);
  if (!row) return;
  const run = await toRunSummary(row);
  await beginAudit({
    staff,
    action: RUN_ACTION,
    target: { userId: run.userId, tenantId: run.tenantId ?? undefined },
    reason: run.reason ?? undefined,
    after: {
      change: describeChange(run),
      keyPath: run.pointer,
      operation: run.operation,
      value: run.valueJson === null ? undefined : parseJson(run.valueJson),
      scope: run.scope,
      sessions: run.progress.total,
      dryRun: run.progress.plan,
      ...(run.retryOf ? { retryOf: run.parentRunId, which: run.retryOf } : {}),
      // A run across users: how its users were chosen, how many, and who approved it (four-eyes).
      ...(row.kind === "users" ? { users: await countMatchedUsers(runId), selection: row.selection_json ? parseJson(row.selection_json) : null, approvedBy: row.approved_by } : {}),
    },
    runId,
  });
}

/** Finishes the run's entry with how the run ended; does nothing if it has none open. */
export async function auditRunEnded(runId: string): Promise<void> {
  const row = await getRunRow(runId);
  if (!row || (row.status !== "completed" && row.status !== "cancelled")) return;
  const open = await auditEntriesOfRun(runId)
    .where("audit_entries.action", "=", RUN_ACTION)
    .where("audit_outcomes.entry_id", "is", null)
    .execute();
  if (open.length === 0) return;
  const progress = await getProgress(row);
  for (const entry of open) {
    try {
      await finishAudit(entry.id, { status: row.status, after: { outcomes: progress.outcomes, retries: progress.retries } });
    } catch (error) {
      // Two instances noticing the end at once: the first one's outcome stands.
      if (!(error instanceof AuditEntryError)) throw error;
    }
  }
}

/** What the audit list shows for a bulk run's one row: its counts by outcome and its per-session entries. */
export interface RunRollup {
  runId: string;
  progress: RunProgress;
  /** Per-session audit entries (a session retried after a transient failure has one per attempt). */
  entries: number;
}

export async function runRollups(runIds: readonly string[]): Promise<Record<string, RunRollup>> {
  const unique = [...new Set(runIds)];
  const entries = await countRunItemEntries(unique);
  const rollups: Record<string, RunRollup> = {};
  for (const runId of unique) {
    const row = await getRunRow(runId);
    if (row) rollups[runId] = { runId, progress: await getProgress(row), entries: entries.get(runId) ?? 0 };
  }
  return rollups;
}
