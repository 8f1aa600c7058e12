/**
 * Bulk runs in the dashboard's database. Everything a run is — its dry run, its state, each session's
 * outcome, who holds it — lives here and not in memory, so any instance can show it, a reload shows the
 * same thing, and a run whose server went away can be seen as interrupted and resumed by another.
 *
 * Ownership is a lease: the process running a run writes its id and an expiry, and renews it (the
 * heartbeat). A "running" run whose lease has expired is interrupted. Claiming is one conditional UPDATE,
 * so two instances can never both take the same run.
 */
import { sql } from "kysely";
import { newAuditId } from "~/audit/ids.server";
import { getConfig } from "~/config.server";
import { getDashboardDatabase, getDb } from "~/db/db.server";
import { compileReusing } from "~/db/reuse-compiled.server";
import type { BulkRunItemsTable, BulkRunsTable } from "~/db/schema";
import { canonicalJson, fingerprint, fingerprintOfCanonical, formatKeyPath, isPlainObject, parseJson, stringifyJson, toPointer } from "~/json";
import { now } from "~/staff/clock.server";
import type { StaffUser } from "~/staff/roles";
import { applyBulkOperation, pathFromStorage } from "./operation";
import {
  ITEM_OUTCOMES, ITEMS_PAGE_SIZE, PLAN_VERDICTS,
  type BulkOperation, type ChangeGroupView, type ItemOutcome, type OutcomeCounts, type PlanCounts, type PlanVerdict, type RetryWhich, type RunItemView, type RunProgress, type RunStatus, type RunSummary,
} from "./types";

type RunRow = BulkRunsTable;

export interface NewRun {
  staff: StaffUser;
  userId: string;
  operation: BulkOperation;
  scope: "all" | "selected" | "tenant";
  tenantId?: string;
  reason?: string;
  parentRunId?: string;
  retryOf?: RetryWhich;
  /** A run across users (app/bulk/cross-user): its items name their user; `userId` is CROSS_USER_RUN. */
  kind?: "user" | "users";
  selectionJson?: string;
}

export async function insertPlanningRun(input: NewRun): Promise<string> {
  const at = now();
  const id = newAuditId(at);
  await getDb()
    .insertInto("bulk_runs")
    .values({
      id,
      user_id: input.userId,
      created_at: at.toISOString(),
      staff_id: input.staff.id,
      staff_email: input.staff.email,
      staff_name: input.staff.displayName,
      key_path: JSON.stringify(input.operation.path),
      operation: input.operation.kind,
      value_json: input.operation.kind === "delete" ? null : stringifyJson(input.operation.value),
      scope: input.scope,
      tenant_id: input.tenantId ?? null,
      reason: input.reason?.trim() || null,
      parent_run_id: input.parentRunId ?? null,
      retry_of: input.retryOf ?? null,
      status: "planning",
      total: 0,
      planned_at: null,
      started_at: null,
      finished_at: null,
      applied_by_email: null,
      applied_by_name: null,
      cancel_requested_by: null,
      lease_owner: null,
      lease_expires_at: null,
      resumed_count: 0,
      kind: input.kind ?? "user",
      selection_json: input.selectionJson ?? null,
      approval_status: null,
      approved_by_id: null,
      approved_by: null,
      approved_at: null,
      pace_limit: null,
    })
    .execute();
  return id;
}

export type NewItem = Omit<BulkRunItemsTable, "run_id" | "outcome" | "outcome_error" | "attempts" | "audit_entry_id" | "finished_at" | "user_id" | "claimed_by" | "claimed_until"> & {
  /** Whose session it is, in a run across users. */
  user_id?: string | null;
};

export async function insertItems(runId: string, items: NewItem[]): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((item) => ({ ...item, user_id: item.user_id ?? null, run_id: runId, outcome: null, outcome_error: null, attempts: 0, audit_entry_id: null, finished_at: null, claimed_by: null, claimed_until: null }));
  await getDb().insertInto("bulk_run_items").values(rows).execute();
}

export async function markPlanned(runId: string, total: number): Promise<void> {
  await getDb().updateTable("bulk_runs").set({ status: "planned", total, planned_at: now().toISOString() }).where("id", "=", runId).execute();
}

/** A dry run that could not finish (the core went away): nothing of it is kept. */
export async function discardPlanningRun(runId: string): Promise<void> {
  await getDb().transaction().execute(async (tx) => {
    await tx.deleteFrom("bulk_run_items").where("run_id", "=", runId).execute();
    await tx.deleteFrom("bulk_runs").where("id", "=", runId).where("status", "=", "planning").execute();
  });
}

export function operationOf(row: Pick<RunRow, "operation" | "key_path" | "value_json">): BulkOperation {
  const path = pathFromStorage(row.key_path);
  if (row.operation === "delete") return { kind: "delete", path };
  const value = parseJson(row.value_json ?? "null");
  if (row.operation === "merge") {
    if (!isPlainObject(value)) throw new Error(`Malformed stored merge value: ${row.value_json}`);
    return { kind: "merge", path, value };
  }
  return { kind: row.operation, path, value };
}

export async function getRunRow(runId: string): Promise<RunRow | undefined> {
  return getDb().selectFrom("bulk_runs").selectAll().where("id", "=", runId).executeTakeFirst();
}

function leaseLive(row: Pick<RunRow, "lease_expires_at">, at = now()): boolean {
  return row.lease_expires_at !== null && row.lease_expires_at > at.toISOString();
}

export function runStatusOf(row: Pick<RunRow, "status" | "lease_expires_at" | "cancel_requested_by">): RunStatus {
  if (row.status !== "running") return row.status;
  if (!leaseLive(row)) return "interrupted";
  return row.cancel_requested_by ? "cancelling" : "running";
}

const emptyPlan = (): PlanCounts => Object.fromEntries(PLAN_VERDICTS.map((v) => [v, 0])) as PlanCounts;
const emptyOutcomes = (): OutcomeCounts => Object.fromEntries([...ITEM_OUTCOMES, "pending"].map((v) => [v, 0])) as OutcomeCounts;

/** Counts by dry-run verdict and by outcome, and retries: one grouped query, cheap enough to poll. */
export async function getProgress(row: RunRow): Promise<RunProgress> {
  const groups = await getDb()
    .selectFrom("bulk_run_items")
    .select(["plan", "outcome"])
    .select((eb) => [
      eb.fn.countAll<string | number>().as("count"),
      // The first attempt at a session is not a retry.
      sql<string | number | null>`sum(case when attempts > 1 then attempts - 1 else 0 end)`.as("retries"),
    ])
    .where("run_id", "=", row.id)
    .groupBy(["plan", "outcome"])
    .execute();
  const plan = emptyPlan();
  const outcomes = emptyOutcomes();
  let retries = 0;
  let total = 0;
  for (const group of groups) {
    const count = Number(group.count);
    total += count;
    plan[group.plan as PlanVerdict] += count;
    outcomes[(group.outcome ?? "pending") as ItemOutcome | "pending"] += count;
    retries += Number(group.retries ?? 0);
  }
  return { id: row.id, status: runStatusOf(row), total, done: total - outcomes.pending, plan, outcomes, retries };
}

export async function toRunSummary(row: RunRow): Promise<RunSummary> {
  const path = pathFromStorage(row.key_path);
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    staff: { email: row.staff_email, displayName: row.staff_name },
    operation: row.operation,
    pointer: toPointer(path),
    keyPath: formatKeyPath(path),
    valueJson: row.value_json,
    scope: row.scope,
    tenantId: row.tenant_id,
    reason: row.reason,
    parentRunId: row.parent_run_id,
    retryOf: row.retry_of as RetryWhich | null,
    plannedAt: row.planned_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    appliedBy: row.applied_by_name ? `${row.applied_by_name} (${row.applied_by_email})` : null,
    cancelRequestedBy: row.cancel_requested_by,
    resumedCount: row.resumed_count,
    progress: await getProgress(row),
  };
}

export async function getRun(runId: string): Promise<RunSummary | undefined> {
  const row = await getRunRow(runId);
  return row ? toRunSummary(row) : undefined;
}

/** The user's runs, newest first, for the user page. */
export async function listRunsForUser(userId: string, limit = 10): Promise<RunSummary[]> {
  const rows = await getDb().selectFrom("bulk_runs").selectAll().where("user_id", "=", userId).orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
  return Promise.all(rows.map(toRunSummary));
}

/** `group`: the sessions with the same dry-run verdict and change as the item `seq` (see listChangeGroups). */
export type ItemFilter = { by: "plan"; value: PlanVerdict } | { by: "outcome"; value: ItemOutcome | "pending" } | { by: "group"; seq: number } | { by: "all" };

/**
 * The dry run's sessions grouped by identical change: same verdict, same diff, same reason for being
 * left alone or refused. 1,000 sessions given the same flag are one group ("1,000 sessions:
 * + featureFlags.newCheckout true"), biggest first. A group is named by its first session's seq, so
 * a link to it is stable and short.
 */
export async function listChangeGroups(runId: string, verdict: PlanVerdict | undefined, page: number, pageSize = ITEMS_PAGE_SIZE): Promise<{ groups: ChangeGroupView[]; total: number }> {
  let query = getDb().selectFrom("bulk_run_items").where("run_id", "=", runId);
  if (verdict) query = query.where("plan", "=", verdict);
  const grouped = query
    .select(["plan", "summary_json", "plan_error"])
    .select((eb) => [eb.fn.countAll<string | number>().as("count"), eb.fn.min<number>("seq").as("first_seq")])
    .groupBy(["plan", "summary_json", "plan_error"]);
  const { count } = await getDb()
    .selectFrom(grouped.as("groups"))
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .executeTakeFirstOrThrow();
  const rows = await grouped
    .orderBy("count", "desc")
    .orderBy("first_seq")
    .limit(pageSize)
    .offset((Math.max(page, 1) - 1) * pageSize)
    .execute();
  return {
    total: Number(count),
    groups: rows.map((row) => ({
      firstSeq: Number(row.first_seq),
      plan: row.plan as PlanVerdict,
      count: Number(row.count),
      summary: row.summary_json ? JSON.parse(row.summary_json) : null,
      note: row.plan_error,
    })),
  };
}

/** The group the item `seq` belongs to (its verdict, change and note), or undefined when there is no such item. */
export async function getChangeGroup(runId: string, seq: number): Promise<Omit<ChangeGroupView, "count"> | undefined> {
  const row = await getDb().selectFrom("bulk_run_items").select(["seq", "plan", "summary_json", "plan_error"]).where("run_id", "=", runId).where("seq", "=", seq).executeTakeFirst();
  if (!row) return undefined;
  return { firstSeq: row.seq, plan: row.plan as PlanVerdict, summary: row.summary_json ? JSON.parse(row.summary_json) : null, note: row.plan_error };
}

/** One page of a run's items, in run order. */
export async function listItems(runId: string, filter: ItemFilter, page: number, pageSize = ITEMS_PAGE_SIZE): Promise<{ items: RunItemView[]; total: number }> {
  let query = getDb().selectFrom("bulk_run_items").where("run_id", "=", runId);
  if (filter.by === "plan") query = query.where("plan", "=", filter.value);
  if (filter.by === "outcome") query = filter.value === "pending" ? query.where("outcome", "is", null) : query.where("outcome", "=", filter.value);
  if (filter.by === "group") {
    const group = await getDb().selectFrom("bulk_run_items").select(["plan", "summary_json", "plan_error"]).where("run_id", "=", runId).where("seq", "=", filter.seq).executeTakeFirst();
    if (!group) return { items: [], total: 0 };
    query = query
      .where("plan", "=", group.plan)
      .where((eb) => (group.summary_json === null ? eb("summary_json", "is", null) : eb("summary_json", "=", group.summary_json)))
      .where((eb) => (group.plan_error === null ? eb("plan_error", "is", null) : eb("plan_error", "=", group.plan_error)));
  }
  const { count } = await query.select((eb) => eb.fn.countAll<string | number>().as("count")).executeTakeFirstOrThrow();
  const rows = await query
    .select(["seq", "session_handle", "tenant_id", "plan", "plan_error", "summary_json", "outcome", "outcome_error", "attempts", "audit_entry_id", "user_id"])
    .orderBy("seq")
    .limit(pageSize)
    .offset((Math.max(page, 1) - 1) * pageSize)
    .execute();
  return {
    total: Number(count),
    items: rows.map((row) => ({
      seq: row.seq,
      sessionHandle: row.session_handle,
      tenantId: row.tenant_id,
      plan: row.plan as PlanVerdict,
      planError: row.plan_error,
      summary: row.summary_json ? JSON.parse(row.summary_json) : null,
      outcome: row.outcome as ItemOutcome | null,
      outcomeError: row.outcome_error,
      attempts: row.attempts,
      auditEntryId: row.audit_entry_id,
      // Runs across users: whose session it is (null in a one-user run).
      ...(row.user_id !== null ? { userId: row.user_id } : {}),
    })),
  };
}

/** Handles of a finished run's items with one outcome, for "retry failed" and friends. */
export async function handlesWithOutcome(runId: string, outcome: ItemOutcome): Promise<string[]> {
  const rows = await getDb().selectFrom("bulk_run_items").select("session_handle").where("run_id", "=", runId).where("outcome", "=", outcome).orderBy("seq").execute();
  return rows.map((row) => row.session_handle);
}

// ── Leases ────────────────────────────────────────────────────────────────────────────

export function leaseExpiry(at = now()): string {
  return new Date(at.getTime() + getConfig().BULK_RUN_LEASE_SECONDS * 1000).toISOString();
}

/** planned → running, owned by `owner`. False when it was not (or no longer) a dry run waiting to be applied. */
export async function claimPlanned(runId: string, owner: string, staff: StaffUser): Promise<boolean> {
  const at = now();
  const result = await getDb()
    .updateTable("bulk_runs")
    .set({ status: "running", started_at: at.toISOString(), lease_owner: owner, lease_expires_at: leaseExpiry(at), applied_by_email: staff.email, applied_by_name: staff.displayName })
    .where("id", "=", runId)
    .where("status", "=", "planned")
    // Four-eyes: a run waiting for a second admin's approval cannot start, whoever asks.
    .where((eb) => eb.or([eb("approval_status", "is", null), eb("approval_status", "=", "approved")]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Takes over an interrupted run (running, lease expired). Exactly one caller wins. */
export async function claimInterrupted(runId: string, owner: string, options: { resume: boolean } = { resume: true }): Promise<boolean> {
  const at = now();
  const result = await getDb()
    .updateTable("bulk_runs")
    .set((eb) => ({ lease_owner: owner, lease_expires_at: leaseExpiry(at), resumed_count: eb("resumed_count", "+", options.resume ? 1 : 0) }))
    .where("id", "=", runId)
    .where("status", "=", "running")
    .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<=", at.toISOString())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The heartbeat. Returns null when `owner` no longer holds the run, else whether a cancel was asked for.
 * `paceLimit`: the run's adaptive limit now, for other instances taking part to share (claims.server.ts).
 */
export async function renewLease(runId: string, owner: string, paceLimit?: number): Promise<{ cancelRequested: boolean } | null> {
  const row = await getDb()
    .updateTable("bulk_runs")
    .set(paceLimit === undefined ? { lease_expires_at: leaseExpiry() } : { lease_expires_at: leaseExpiry(), pace_limit: paceLimit })
    .where("id", "=", runId)
    .where("lease_owner", "=", owner)
    .where("status", "=", "running")
    .returning(["cancel_requested_by"])
    .executeTakeFirst();
  return row ? { cancelRequested: row.cancel_requested_by !== null } : null;
}

/**
 * Graceful shutdown: `owner` gives the run up. A running run with no owner is one handed over, not one
 * whose process died (that keeps its owner until the lease runs out): it is interrupted now, and
 * app/bulk/handover.server.ts on any instance takes it over at once.
 */
export async function releaseLease(runId: string, owner: string): Promise<boolean> {
  const result = await getDb()
    .updateTable("bulk_runs")
    .set({ lease_owner: null, lease_expires_at: null })
    .where("id", "=", runId)
    .where("lease_owner", "=", owner)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Runs handed over by a shutting-down instance (running, no owner), oldest first. */
export async function listHandedOverRuns(limit: number): Promise<Pick<RunRow, "id" | "applied_by_email">[]> {
  return getDb()
    .selectFrom("bulk_runs")
    .select(["id", "applied_by_email"])
    .where("status", "=", "running")
    .where("lease_owner", "is", null)
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function requestCancel(runId: string, staff: StaffUser): Promise<boolean> {
  const result = await getDb()
    .updateTable("bulk_runs")
    .set({ cancel_requested_by: `${staff.displayName} (${staff.email})` })
    .where("id", "=", runId)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Items no write can help — ended at the dry run, or the operation cannot apply — get their outcome as
 * soon as the run starts, so the report accounts for every session from the first second.
 */
export async function settleUnwritable(runId: string): Promise<void> {
  const at = now().toISOString();
  const db = getDb();
  await db.updateTable("bulk_run_items").set({ outcome: "ended", finished_at: at, doc_json: null }).where("run_id", "=", runId).where("plan", "=", "ended").where("outcome", "is", null).execute();
  await db
    .updateTable("bulk_run_items")
    .set((eb) => ({ outcome: "failed", outcome_error: eb.ref("plan_error"), finished_at: at, doc_json: null }))
    .where("run_id", "=", runId)
    .where("plan", "=", "error")
    .where("outcome", "is", null)
    .execute();
  // Sessions the change would take out of their schema (the dry run's verdict): skipped, and said so.
  await db
    .updateTable("bulk_run_items")
    .set((eb) => ({ outcome: "schema-refused", outcome_error: eb.ref("plan_error"), finished_at: at, doc_json: null }))
    .where("run_id", "=", runId)
    .where("plan", "=", "schema-violation")
    .where("outcome", "is", null)
    .execute();
}

export interface PendingItem {
  seq: number;
  session_handle: string;
  /** Whose session it is (a run across users); null: the run's own user. */
  user_id: string | null;
  fingerprint: string | null;
  result_fingerprint: string | null;
  /** Only in dry runs made before result_fingerprint existed (see the schema). */
  doc_json: string | null;
}

/**
 * fingerprint() of what the dry run would have this item's session hold. Dry runs made before
 * result_fingerprint existed kept a copy of the data instead (up to 64 KiB); without either, a
 * changed session is simply reported as changed.
 */
export function plannedResultFingerprint(item: Pick<PendingItem, "result_fingerprint" | "doc_json">, operation: BulkOperation): string | undefined {
  if (item.result_fingerprint !== null) return item.result_fingerprint;
  if (item.doc_json === null) return undefined;
  const applied = applyBulkOperation(parseJson(item.doc_json) as Record<string, unknown>, operation, { summary: false });
  return applied.kind === "will-change" ? fingerprint(applied.next) : undefined;
}

/** The next page of items without an outcome, after `afterSeq`: the runner streams a run in pages. */
export async function nextPendingItems(runId: string, afterSeq: number, limit: number): Promise<PendingItem[]> {
  return getDb()
    .selectFrom("bulk_run_items")
    .select(["seq", "session_handle", "user_id", "fingerprint", "result_fingerprint", "doc_json"])
    .where("run_id", "=", runId)
    .where("outcome", "is", null)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
}

export interface ItemResult {
  seq: number;
  outcome: ItemOutcome;
  error?: string;
  attempts: number;
  auditEntryId?: string;
}

/**
 * Records outcomes, several at a time in one transaction. `outcome IS NULL` makes the first outcome
 * final: a session is reported exactly once even if two runners ever touched it. The dry run's copy of
 * the data is dropped once it is no longer needed.
 */
export async function recordOutcomes(runId: string, results: ItemResult[]): Promise<void> {
  if (results.length === 0) return;
  const at = now().toISOString();
  // One transaction, sent as one batch (a bulk run records an outcome per session).
  const db = getDb();
  await getDashboardDatabase().runAtomically(
    results.map((result) => {
      const values = { outcome: result.outcome, outcome_error: result.error ?? null, attempts: result.attempts, audit_entry_id: result.auditEntryId ?? null, finished_at: at, doc_json: null };
      return compileReusing("record bulk outcome", [...Object.values(values), runId, result.seq], () =>
        db.updateTable("bulk_run_items").set(values).where("run_id", "=", runId).where("seq", "=", result.seq).where("outcome", "is", null).compile(),
      );
    }),
  );
}

const UNKNOWN_ATTEMPT =
  "Not attempted after the cancel. A write had begun before the server stopped and its result is unknown: check this session's audit entry and data.";

const NOT_LANDED = "Not attempted after the cancel. A write had begun before the server stopped; the session was checked afterwards and it had not landed.";

/**
 * Settles pending items from the audit trail. writeSessionData records every attempt before and after
 * the core call, so it is this run's journal: when a runner dies, sessions it finished writing but had
 * not yet recorded (outcomes are written in batches) and writes that were in flight are all there. Their
 * outcome is taken from it rather than guessed (a cancel would call them "not attempted") or redone.
 *
 * - "resume": finished attempts are adopted; failed or unfinished ones stay pending, for the runner to
 *   try again (its fingerprint check settles a write that landed).
 * - "cancel": every attempted session gets its last attempt's outcome; one begun but never finished is
 *   "not attempted" with a note to check it.
 *
 * Only pending items that have audit entries are read, so this stays small whatever the run's size.
 */
export async function reconcileFromAudit(runId: string, mode: "resume" | "cancel"): Promise<number> {
  const rows = await getDb()
    .selectFrom("bulk_run_items")
    .innerJoin("audit_entries", (join) => join.onRef("audit_entries.run_id", "=", "bulk_run_items.run_id").onRef("audit_entries.session_handle", "=", "bulk_run_items.session_handle"))
    .leftJoin("audit_outcomes", "audit_outcomes.entry_id", "audit_entries.id")
    .select([
      "bulk_run_items.seq",
      "bulk_run_items.result_fingerprint",
      "bulk_run_items.doc_json",
      "audit_entries.id",
      "audit_entries.patch_json",
      "audit_entries.before_json",
      "audit_entries.after_json",
      "audit_outcomes.status",
      "audit_outcomes.error",
    ])
    .where("bulk_run_items.run_id", "=", runId)
    .where("bulk_run_items.outcome", "is", null)
    .orderBy("bulk_run_items.seq")
    .orderBy("audit_entries.id")
    .execute();
  const run = await getRunRow(runId);
  if (!run) return 0;
  const operation = operationOf(run);
  const bySeq = new Map<number, typeof rows>();
  for (const row of rows) bySeq.set(row.seq, [...(bySeq.get(row.seq) ?? []), row]);
  const results: ItemResult[] = [];
  for (const [seq, entries] of bySeq) {
    const last = entries[entries.length - 1]!;
    const began = entries.some((e) => e.patch_json !== null && e.patch_json !== "[]" && e.status !== "conflict");
    const attempts = entries.length;
    const settled = (outcome: ItemOutcome, extra: Partial<ItemResult> = {}) => results.push({ seq, attempts, outcome, ...extra });
    switch (last.status) {
      case "written":
        settled("written", { auditEntryId: last.id, error: last.error ?? undefined });
        break;
      case "already-so":
        settled("already-so");
        break;
      case "session-gone":
        settled("ended");
        break;
      case "conflict": {
        // Refused because the data no longer matched the dry run: it may hold exactly the previewed
        // result (an earlier write of ours landed), as the runner itself would have judged. The entry's
        // before is theirs; entries from before result fingerprints may also carry ours as after.
        const theirs = last.before_json === null ? undefined : canonicalJson(parseJson(last.before_json));
        const holdsTarget =
          theirs !== undefined &&
          (fingerprintOfCanonical(theirs) === plannedResultFingerprint(last, operation) || (last.after_json !== null && theirs === canonicalJson(parseJson(last.after_json))));
        if (holdsTarget) settled(began ? "written" : "already-so", { error: began ? "Confirmed from the audit trail: an earlier attempt of this run had written it." : undefined });
        else settled("changed", { error: "The session's data changed after the dry run, so nothing was written. Start a fresh dry run to include it." });
        break;
      }
      case "failed":
        if (mode === "cancel") settled("failed", { error: last.error ?? "The write failed." });
        break;
      case "not-written": // settled after its process stopped: the write never landed
        if (mode === "cancel") settled("not-attempted", { error: NOT_LANDED });
        break;
      case "undetermined": // settled after its process stopped, but the core's state could not tell
        if (mode === "cancel") settled("not-attempted", { error: `${UNKNOWN_ATTEMPT} ${last.error ?? ""}`.trim() });
        break;
      default: // begun, never finished: the server stopped mid-call
        if (mode === "cancel") settled("not-attempted", { error: UNKNOWN_ATTEMPT });
    }
  }
  await recordOutcomes(runId, results);
  return results.length;
}

/** Cancel: settled from the audit trail where attempted, the rest "not attempted"; then final. Only the lease holder may. */
export async function finishCancelled(runId: string, owner: string): Promise<void> {
  await reconcileFromAudit(runId, "cancel");
  const at = now().toISOString();
  await getDb().transaction().execute(async (tx) => {
    await tx.updateTable("bulk_run_items").set({ outcome: "not-attempted", finished_at: at, doc_json: null }).where("run_id", "=", runId).where("outcome", "is", null).execute();
    await tx.updateTable("bulk_runs").set({ status: "cancelled", finished_at: at, lease_owner: null, lease_expires_at: null }).where("id", "=", runId).where("lease_owner", "=", owner).execute();
  });
}

/** All items have an outcome: the run is complete. Returns false if some are still pending (then keep going). */
export async function finishCompleted(runId: string, owner: string): Promise<boolean> {
  return getDb().transaction().execute(async (tx) => {
    const pending = await tx.selectFrom("bulk_run_items").select("seq").where("run_id", "=", runId).where("outcome", "is", null).limit(1).executeTakeFirst();
    if (pending) return false;
    await tx
      .updateTable("bulk_runs")
      .set({ status: "completed", finished_at: now().toISOString(), lease_owner: null, lease_expires_at: null })
      .where("id", "=", runId)
      .where("lease_owner", "=", owner)
      .execute();
    return true;
  });
}

/**
 * Did an earlier attempt of this run begin a write to this session (whatever its recorded outcome:
 * written, failed, or never finished because the server stopped)? Asked only when the session now holds
 * exactly what this run meant to write, to tell "this run wrote it" from "someone else made it so".
 */
export async function runBeganWriteBefore(runId: string, sessionHandle: string): Promise<boolean> {
  const row = await auditEntriesOfRun(runId)
    .where("audit_entries.session_handle", "=", sessionHandle)
    // Only a write that was about to happen has a patch; conflicts and "session gone" have none.
    .where("audit_entries.patch_json", "is not", null)
    .where("audit_entries.patch_json", "!=", "[]")
    .where((eb) => eb.or([eb("audit_outcomes.status", "is", null), eb("audit_outcomes.status", "in", ["failed", "written", "undetermined"])]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The ids of a run's audit entries, with their outcomes joined in for filtering. */
export function auditEntriesOfRun(runId: string) {
  return getDb()
    .selectFrom("audit_entries")
    .leftJoin("audit_outcomes", "audit_outcomes.entry_id", "audit_entries.id")
    .select("audit_entries.id")
    .where("audit_entries.run_id", "=", runId);
}

/** Every handle of a run, in order (a fresh dry run of the same selection). */
export async function handlesOfRun(runId: string): Promise<string[]> {
  const rows = await getDb().selectFrom("bulk_run_items").select("session_handle").where("run_id", "=", runId).orderBy("seq").execute();
  return rows.map((row) => row.session_handle);
}
