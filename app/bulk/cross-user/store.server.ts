/**
 * The cross-user part of a bulk run in the database: the entries staff gave and what each resolved to,
 * the four-eyes approval, and the per-user report. Everything is read in pages (keyset on seq), so a
 * run of 10,000 users is never held in memory.
 */
import { sql } from "kysely";
import { getConfig } from "~/config.server";
import { getDb } from "~/db/db.server";
import type { BulkRunEntriesTable } from "~/db/schema";
import { now } from "~/staff/clock.server";
import type { StaffUser } from "~/staff/roles";
import { ITEM_OUTCOMES, ITEMS_PAGE_SIZE, type ItemOutcome } from "../types";
import { getRunRow, type ItemFilter } from "../store.server";
import { userVerdict, type ApprovalState, type EntryStatus, type EntryView, type UserReportRow, type UserSource } from "./types";

export type NewEntry = Omit<BulkRunEntriesTable, "run_id" | "sessions">;

export async function insertEntries(runId: string, entries: NewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await getDb()
    .insertInto("bulk_run_entries")
    .values(entries.map((entry) => ({ ...entry, run_id: runId, sessions: 0 })))
    .execute();
}

/** Of these users, the ones an earlier entry of the run already matched (a user is planned once). */
export async function alreadyMatched(runId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await getDb().selectFrom("bulk_run_entries").select("user_id").where("run_id", "=", runId).where("status", "=", "matched").where("user_id", "in", userIds).execute();
  return new Set(rows.map((row) => row.user_id!));
}

/** The next page of matched entries after `afterSeq` (the planner walks them in pages). */
export async function nextMatchedEntries(runId: string, afterSeq: number, limit: number): Promise<{ seq: number; user_id: string }[]> {
  const rows = await getDb()
    .selectFrom("bulk_run_entries")
    .select(["seq", "user_id"])
    .where("run_id", "=", runId)
    .where("status", "=", "matched")
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ seq: row.seq, user_id: row.user_id! }));
}

export async function setEntrySessions(runId: string, counts: { seq: number; sessions: number }[]): Promise<void> {
  if (counts.length === 0) return;
  await getDb()
    .transaction()
    .execute(async (tx) => {
      for (const { seq, sessions } of counts) await tx.updateTable("bulk_run_entries").set({ sessions }).where("run_id", "=", runId).where("seq", "=", seq).execute();
    });
}

/** planning → planned; above the threshold the run waits for a second admin's approval. */
export async function markCrossUserPlanned(runId: string, total: number): Promise<{ needsApproval: boolean }> {
  const needsApproval = total > getConfig().BULK_APPROVAL_THRESHOLD;
  await getDb()
    .updateTable("bulk_runs")
    .set({ status: "planned", total, planned_at: now().toISOString(), approval_status: needsApproval ? "pending" : null })
    .where("id", "=", runId)
    .execute();
  return { needsApproval };
}

export async function discardCrossUserPlanning(runId: string): Promise<void> {
  await getDb().transaction().execute(async (tx) => {
    await tx.deleteFrom("bulk_run_entries").where("run_id", "=", runId).execute();
    await tx.deleteFrom("bulk_run_items").where("run_id", "=", runId).execute();
    await tx.deleteFrom("bulk_runs").where("id", "=", runId).where("status", "=", "planning").execute();
  });
}

export function approvalOf(row: { approval_status: "pending" | "approved" | null; approved_by: string | null; approved_at: string | null }): ApprovalState {
  return { status: row.approval_status, approvedBy: row.approved_by, approvedAt: row.approved_at, threshold: getConfig().BULK_APPROVAL_THRESHOLD };
}

export type ApproveResult = "approved" | "own-run" | "not-pending";

/**
 * The second admin's approval: one conditional UPDATE, so it happens once, and never by the admin who
 * made the dry run (the database condition says so too, whatever the page shows).
 */
export async function approveRun(runId: string, staff: StaffUser): Promise<ApproveResult> {
  const row = await getRunRow(runId);
  if (!row || row.status !== "planned" || row.approval_status !== "pending") return "not-pending";
  if (row.staff_id === staff.id) return "own-run";
  const result = await getDb()
    .updateTable("bulk_runs")
    .set({ approval_status: "approved", approved_by_id: staff.id, approved_by: `${staff.displayName} (${staff.email})`, approved_at: now().toISOString() })
    .where("id", "=", runId)
    .where("status", "=", "planned")
    .where("approval_status", "=", "pending")
    .where("staff_id", "!=", staff.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? "approved" : "not-pending";
}

export function sourceOf(row: { selection_json: string | null }): UserSource | null {
  if (!row.selection_json) return null;
  try {
    return JSON.parse(row.selection_json) as UserSource;
  } catch {
    return null;
  }
}

const entryView = (row: BulkRunEntriesTable): EntryView => ({
  seq: row.seq,
  input: row.input,
  kind: row.kind,
  status: row.status,
  userId: row.user_id,
  label: row.label,
  candidates: row.candidates_json ? (JSON.parse(row.candidates_json) as string[]) : [],
  sessions: Number(row.sessions),
});

/** Entries by status, counted (one grouped query). */
export async function entryCounts(runId: string): Promise<Record<EntryStatus, number>> {
  const rows = await getDb()
    .selectFrom("bulk_run_entries")
    .select(["status"])
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("run_id", "=", runId)
    .groupBy("status")
    .execute();
  const counts: Record<EntryStatus, number> = { matched: 0, unknown: 0, ambiguous: 0, duplicate: 0, invalid: 0 };
  for (const row of rows) counts[row.status as EntryStatus] = Number(row.count);
  return counts;
}

/** One page of entries with one of these statuses, in the order they were given. */
export async function listEntries(runId: string, statuses: readonly EntryStatus[], page: number, pageSize = ITEMS_PAGE_SIZE): Promise<EntryView[]> {
  const rows = await getDb()
    .selectFrom("bulk_run_entries")
    .selectAll()
    .where("run_id", "=", runId)
    .where("status", "in", [...statuses])
    .orderBy("seq")
    .limit(pageSize)
    .offset((Math.max(page, 1) - 1) * pageSize)
    .execute();
  return rows.map(entryView);
}

/**
 * The per-user report: every matched user with their sessions counted by outcome (and by the dry run's
 * verdict), straight from the database. `afterSeq` pages by keyset (the CSV walks the whole run);
 * `page` by offset (the page shows one at a time).
 */
export async function userReport(runId: string, options: { afterSeq?: number; page?: number; pageSize?: number; includeUnresolved?: boolean }): Promise<UserReportRow[]> {
  const db = getDb();
  const pageSize = options.pageSize ?? ITEMS_PAGE_SIZE;
  const counted = db
    .selectFrom("bulk_run_items")
    .select("user_id")
    .select((eb) => [
      sql<string | number>`sum(case when outcome is null then 1 else 0 end)`.as("pending"),
      sql<string | number>`sum(case when plan = 'will-change' then 1 else 0 end)`.as("will_change"),
      ...ITEM_OUTCOMES.map((outcome) => sql<string | number>`sum(case when outcome = ${outcome} then 1 else 0 end)`.as(`o_${outcome.replace(/-/g, "_")}`)),
      eb.fn.countAll<string | number>().as("total"),
    ])
    .where("run_id", "=", runId)
    .groupBy("user_id");
  let query = db
    .selectFrom("bulk_run_entries as e")
    .leftJoin(counted.as("c"), "c.user_id", "e.user_id")
    .selectAll("e")
    .select(["c.pending", "c.will_change", "c.total", ...ITEM_OUTCOMES.map((outcome) => `c.o_${outcome.replace(/-/g, "_")}` as "c.pending")])
    .where("e.run_id", "=", runId)
    .where("e.status", "in", options.includeUnresolved ? ["matched", "unknown", "ambiguous", "duplicate", "invalid"] : ["matched"])
    .orderBy("e.seq")
    .limit(pageSize);
  if (options.afterSeq !== undefined) query = query.where("e.seq", ">", options.afterSeq);
  else query = query.offset((Math.max(options.page ?? 1, 1) - 1) * pageSize);
  const run = await getRunRow(runId);
  const applied = run !== undefined && run.status !== "planned" && run.status !== "planning";
  const rows = (await query.execute()) as unknown as (BulkRunEntriesTable & Record<string, string | number | null>)[];
  return rows.map((row) => {
    const outcomes = Object.fromEntries([...ITEM_OUTCOMES.map((outcome) => [outcome, Number(row[`o_${outcome.replace(/-/g, "_")}`] ?? 0)]), ["pending", Number(row.pending ?? 0)]]) as Record<ItemOutcome | "pending", number>;
    const base = { ...entryView(row), outcomes, willChange: Number(row.will_change ?? 0) };
    return { ...base, verdict: userVerdict(base, applied) };
  });
}

/** Cross-user runs, newest first, those waiting for approval first: the admins' list. */
export async function listCrossUserRuns(limit = 50) {
  return getDb()
    .selectFrom("bulk_runs")
    .selectAll()
    .where("kind", "=", "users")
    .orderBy(sql`case when approval_status = 'pending' and status = 'planned' then 0 else 1 end`)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The users of an earlier run, a page at a time: a cross-user run's matched entries, or a one-user run's user. */
export async function usersOfRun(runId: string, afterSeq: number, limit: number): Promise<{ seq: number; userId: string; label: string | null }[]> {
  const run = await getRunRow(runId);
  if (!run) return [];
  if (run.kind !== "users") return afterSeq < 0 ? [{ seq: 0, userId: run.user_id, label: null }] : [];
  const rows = await getDb()
    .selectFrom("bulk_run_entries")
    .select(["seq", "user_id", "label"])
    .where("run_id", "=", runId)
    .where("status", "=", "matched")
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ seq: row.seq, userId: row.user_id!, label: row.label }));
}

export interface CrossUserItemView {
  seq: number;
  userId: string | null;
  userLabel: string | null;
  sessionHandle: string;
  tenantId: string | null;
  plan: string;
  planError: string | null;
  outcome: string | null;
  outcomeError: string | null;
  attempts: number;
  auditEntryId: string | null;
}

/** One page of a run's sessions with their users, filtered like the one-user run page (plan, outcome, group). */
export async function listCrossUserItems(runId: string, filter: ItemFilter, page: number, pageSize = ITEMS_PAGE_SIZE): Promise<{ items: CrossUserItemView[]; total: number }> {
  const db = getDb();
  let query = db.selectFrom("bulk_run_items as i").where("i.run_id", "=", runId);
  if (filter.by === "plan") query = query.where("i.plan", "=", filter.value);
  if (filter.by === "outcome") query = filter.value === "pending" ? query.where("i.outcome", "is", null) : query.where("i.outcome", "=", filter.value);
  if (filter.by === "group") {
    const group = await db.selectFrom("bulk_run_items").select(["plan", "summary_json", "plan_error"]).where("run_id", "=", runId).where("seq", "=", filter.seq).executeTakeFirst();
    if (!group) return { items: [], total: 0 };
    query = query
      .where("i.plan", "=", group.plan)
      .where((eb) => (group.summary_json === null ? eb("i.summary_json", "is", null) : eb("i.summary_json", "=", group.summary_json)))
      .where((eb) => (group.plan_error === null ? eb("i.plan_error", "is", null) : eb("i.plan_error", "=", group.plan_error)));
  }
  const { count } = await query.select((eb) => eb.fn.countAll<string | number>().as("count")).executeTakeFirstOrThrow();
  const rows = await query
    .leftJoin("bulk_run_entries as e", (join) => join.onRef("e.run_id", "=", "i.run_id").onRef("e.user_id", "=", "i.user_id").on("e.status", "=", "matched"))
    .select(["i.seq", "i.user_id", "e.label", "i.session_handle", "i.tenant_id", "i.plan", "i.plan_error", "i.outcome", "i.outcome_error", "i.attempts", "i.audit_entry_id"])
    .orderBy("i.seq")
    .limit(pageSize)
    .offset((Math.max(page, 1) - 1) * pageSize)
    .execute();
  return {
    total: Number(count),
    items: rows.map((row) => ({
      seq: row.seq,
      userId: row.user_id,
      userLabel: row.label,
      sessionHandle: row.session_handle,
      tenantId: row.tenant_id,
      plan: row.plan,
      planError: row.plan_error,
      outcome: row.outcome,
      outcomeError: row.outcome_error,
      attempts: row.attempts,
      auditEntryId: row.audit_entry_id,
    })),
  };
}

/** Every session of the run with its user, by keyset (the per-session CSV). */
export async function nextCrossUserItems(runId: string, afterSeq: number, limit: number) {
  return getDb()
    .selectFrom("bulk_run_items")
    .select(["seq", "user_id", "session_handle", "tenant_id", "plan", "plan_error", "outcome", "outcome_error", "attempts", "audit_entry_id"])
    .where("run_id", "=", runId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
}

/** Every entry of the run (matched or not), by keyset: the per-user CSV lists the unresolved ones too. */
export async function nextEntries(runId: string, afterSeq: number, limit: number): Promise<EntryView[]> {
  const rows = await getDb().selectFrom("bulk_run_entries").selectAll().where("run_id", "=", runId).where("seq", ">", afterSeq).orderBy("seq").limit(limit).execute();
  return rows.map(entryView);
}
