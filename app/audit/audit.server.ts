/**
 * The audit trail: one module used by every write path (edit, bulk apply, revoke, revert…).
 *
 *   const entryId = await beginAudit({ staff, action: "edit", target, reason, before, after, patch });
 *   … call the core …
 *   await finishAudit(entryId, { status: "written" });
 *
 * An entry is written as pending BEFORE the core is called and its outcome is added AFTER, so a crash in
 * between leaves a visible "outcome unknown" entry, never silence. Append-only by construction: outcomes
 * go to their own insert-only table, this module has no update or delete, and the database's triggers
 * refuse UPDATE/DELETE on both tables (app/db/migrations.server.ts).
 */
import { sql } from "kysely";
import { getConfig } from "~/config.server";
import { applyPatch, parseJson, PatchError, stringifyJson, type Operation } from "~/json";
import { getDb } from "~/db/db.server";
import { groupInsert } from "~/db/group-insert.server";
import type { AuditEntriesTable, AuditOutcomesTable } from "~/db/schema";
import { now } from "~/staff/clock.server";
import type { StaffUser } from "~/staff/roles";
import type { SchemaOverrideRecord } from "~/schema/guard.server";
import { AUDIT_PAGE_SIZE, type AuditFilters } from "./filters";
import { newAuditId } from "./ids.server";
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, RUN_ACTION, type AuditAction, type AuditEntry, type AuditOutcomeStatus } from "./types";

export type { AuditAction, AuditEntry, AuditOutcome, AuditOutcomeStatus, AuditTarget } from "./types";

/** Thrown by beginAudit when AUDIT_REASON_REQUIRED=true and no reason was given: show it as a 400. */
export class AuditReasonRequiredError extends Error {
  constructor() {
    super("A reason is required for every change (AUDIT_REASON_REQUIRED=true). Say why, e.g. the ticket number.");
    this.name = "AuditReasonRequiredError";
  }
}

export class AuditEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditEntryError";
  }
}

export const AUDIT_REASON_MAX_LENGTH = 2000;

const ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);
const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);
const OUTCOME_ERROR_MAX_LENGTH = 4000;
const isNonEmptyText = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/**
 * The rules an entry must meet that TypeScript cannot express (non-empty ids, a known action, the
 * reason's length). Checked by hand rather than with a zod schema: the callers are this app's own write
 * paths, whose request input is parsed with zod at the route, and a bulk run begins and finishes an
 * entry per session, where zod's parse (which copies what it checks) was about 6% of the run's CPU.
 */
function checkBeginInput(input: BeginAuditInput): void {
  const problems: string[] = [];
  const staff: Partial<StaffUser> | undefined = input.staff;
  if (!staff || !isNonEmptyText(staff.id) || !isNonEmptyText(staff.email) || typeof staff.displayName !== "string" || !isNonEmptyText(staff.role)) {
    problems.push("staff needs an id, an email, a display name and a role");
  }
  if (!ACTIONS.has(input.action)) problems.push(`action must be one of ${AUDIT_ACTIONS.join(", ")}`);
  if (!isNonEmptyText(input.target?.userId)) problems.push("target.userId is required");
  const optionalIds = { "target.sessionHandle": input.target?.sessionHandle, "target.tenantId": input.target?.tenantId, runId: input.runId, revertOf: input.revertOf };
  for (const [name, value] of Object.entries(optionalIds)) {
    if (value !== undefined && !isNonEmptyText(value)) problems.push(`${name} must be a non-empty string when given`);
  }
  if (input.reason !== undefined && (typeof input.reason !== "string" || input.reason.length > AUDIT_REASON_MAX_LENGTH)) {
    problems.push(`the reason must be at most ${AUDIT_REASON_MAX_LENGTH} characters`);
  }
  if (input.patch !== undefined && !Array.isArray(input.patch)) problems.push("patch must be an array of operations");
  if (problems.length > 0) throw new AuditEntryError(`Cannot record this audit entry: ${problems.join("; ")}.`);
}

export interface BeginAuditInput {
  staff: StaffUser;
  action: AuditAction;
  target: { userId: string; sessionHandle?: string; tenantId?: string };
  reason?: string;
  before?: unknown;
  /**
   * The intended data. Leave it out when `before` and `patch` are given and the patch turns `before`
   * into it: it is then not stored but derived when the entry is read (toEntry), which keeps a bulk
   * run's thousands of entries to one copy of the data each.
   */
  after?: unknown;
  patch?: unknown[];
  /** An admin's override of the session-data schema: the reason and the errors overridden (app/schema/guard.server.ts). */
  schemaOverride?: SchemaOverrideRecord;
  runId?: string;
  revertOf?: string;
}

// Exact JSON (app/json/exact-number.ts): an entry keeps every number's text as the core held it.
const toJson = (value: unknown) => (value === undefined ? null : stringifyJson(value));
const fromJson = (text: string | null): unknown => (text === null ? null : parseJson(text));

/**
 * An entry's intended data: stored, or else `before` with `patch` applied (see BeginAuditInput.after).
 * Entries with no patch (a conflict, a revoke) simply have none recorded.
 */
function intendedAfter(row: Pick<AuditEntriesTable, "before_json" | "after_json" | "patch_json">, before: unknown, patch: unknown[] | null): unknown {
  if (row.after_json !== null) return fromJson(row.after_json);
  if (row.before_json === null || patch === null) return null;
  try {
    return applyPatch(before, patch as Operation[]);
  } catch (error) {
    if (error instanceof PatchError) return null; // never expected: the patch was made from this very `before`
    throw error;
  }
}

/** Records what is about to be done; returns the entry id to finish. Call it before the core call. */
export async function beginAudit(input: BeginAuditInput): Promise<string> {
  checkBeginInput(input);
  const reason = input.reason?.trim() || undefined;
  if (!reason && getConfig().AUDIT_REASON_REQUIRED) throw new AuditReasonRequiredError();
  const at = now();
  const row: AuditEntriesTable = {
    id: newAuditId(at),
    created_at: at.toISOString(),
    staff_id: input.staff.id,
    staff_email: input.staff.email,
    staff_name: input.staff.displayName,
    staff_role: input.staff.role,
    action: input.action,
    user_id: input.target.userId,
    session_handle: input.target.sessionHandle ?? null,
    tenant_id: input.target.tenantId ?? null,
    reason: reason ?? null,
    before_json: toJson(input.before),
    after_json: toJson(input.after),
    patch_json: toJson(input.patch),
    run_id: input.runId ?? null,
    revert_of: input.revertOf ?? null,
    schema_override_json: input.schemaOverride ? JSON.stringify(input.schemaOverride) : null,
    // Always both columns (null from the pages): a group commit's rows share one column list.
    api_token_id: input.staff.apiToken?.id ?? null,
    api_token_name: input.staff.apiToken?.name ?? null,
  };
  // Entries and outcomes asked for at the same moment (a bulk run's workers) share one commit.
  await groupInsert("audit_entries", row);
  return row.id;
}

/** Records how it ended. Exactly once per entry: a second call is refused (and the database refuses it too). */
export async function finishAudit(entryId: string, outcome: { status: AuditOutcomeStatus; error?: string; after?: unknown }): Promise<void> {
  if (!OUTCOMES.has(outcome.status)) throw new AuditEntryError(`An outcome must be one of ${AUDIT_OUTCOMES.join(", ")}, not "${String(outcome.status)}".`);
  if (outcome.error !== undefined && (typeof outcome.error !== "string" || outcome.error.length > OUTCOME_ERROR_MAX_LENGTH)) {
    throw new AuditEntryError(`An outcome's error must be text of at most ${OUTCOME_ERROR_MAX_LENGTH} characters.`);
  }
  const row: AuditOutcomesTable = {
    entry_id: entryId,
    finished_at: now().toISOString(),
    status: outcome.status,
    error: outcome.error ?? null,
    after_json: toJson(outcome.after),
  };
  try {
    await groupInsert("audit_outcomes", row);
  } catch (error) {
    // The database's constraints are the checks. The entry must exist (foreign key), and a second finish
    // (or two racing) is refused by the primary key on entry_id, which lets exactly one through.
    if (/foreign key/i.test(String(error))) throw new AuditEntryError(`There is no audit entry ${entryId} to finish.`);
    if (/unique|duplicate|primary key/i.test(String(error))) throw new AuditEntryError(`Audit entry ${entryId} already has an outcome; outcomes are never changed.`);
    throw error;
  }
}

function baseQuery() {
  return getDb()
    .selectFrom("audit_entries")
    .leftJoin("audit_outcomes", "audit_outcomes.entry_id", "audit_entries.id")
    .selectAll("audit_entries")
    .select([
      "audit_outcomes.status as outcome_status",
      "audit_outcomes.error as outcome_error",
      "audit_outcomes.after_json as outcome_after_json",
      "audit_outcomes.finished_at as outcome_finished_at",
    ]);
}

type JoinedRow = AuditEntriesTable & {
  outcome_status: string | null;
  outcome_error: string | null;
  outcome_after_json: string | null;
  outcome_finished_at: string | null;
};

function toEntry(row: JoinedRow): AuditEntry {
  const before = fromJson(row.before_json);
  const patch = fromJson(row.patch_json) as unknown[] | null;
  return {
    id: row.id,
    createdAt: row.created_at,
    staff: { id: row.staff_id, email: row.staff_email, displayName: row.staff_name, role: row.staff_role },
    action: row.action as AuditAction,
    target: { userId: row.user_id, sessionHandle: row.session_handle, tenantId: row.tenant_id },
    reason: row.reason,
    before,
    after: intendedAfter(row, before, patch),
    patch,
    runId: row.run_id,
    revertOf: row.revert_of,
    schemaOverride: row.schema_override_json ? (JSON.parse(row.schema_override_json) as SchemaOverrideRecord) : null,
    viaApiToken: row.api_token_id ? { id: row.api_token_id, name: row.api_token_name ?? "" } : null,
    outcome:
      row.outcome_status === null
        ? null
        : {
            status: row.outcome_status as AuditOutcomeStatus,
            error: row.outcome_error,
            after: fromJson(row.outcome_after_json),
            finishedAt: row.outcome_finished_at ?? row.created_at,
          },
  };
}

export interface AuditQuery extends Partial<AuditFilters> {
  pageSize?: number;
  runId?: string;
  /**
   * A bulk run as one row: its per-session entries are left out, and its run entry stands for them
   * (the page shows their counts and links to them with ?run=…). Without it, every entry is a row.
   */
  collapseRuns?: boolean;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

/** Entries matching the filters, newest first, one page at a time. */
export async function queryAudit(filters: AuditQuery = {}): Promise<AuditPage> {
  const pageSize = Math.min(Math.max(filters.pageSize ?? AUDIT_PAGE_SIZE, 1), 500);
  const page = Math.max(filters.page ?? 1, 1);
  let query = getDb().selectFrom("audit_entries");
  if (filters.user) query = query.where("user_id", "=", filters.user);
  if (filters.staff) query = query.where("staff_email", "=", filters.staff.trim().toLowerCase());
  if (filters.session) query = query.where("session_handle", "=", filters.session);
  if (filters.action) query = query.where("action", "=", filters.action);
  const runId = filters.runId ?? filters.run;
  if (runId) query = query.where("run_id", "=", runId);
  if (filters.collapseRuns) query = query.where((eb) => eb.or([eb("run_id", "is", null), eb("action", "!=", "bulk-apply-item")]));
  if (filters.from) query = query.where("created_at", ">=", `${filters.from}T00:00:00.000Z`);
  if (filters.to) query = query.where("created_at", "<", nextDay(filters.to));
  const { count } = await query.select((eb) => eb.fn.countAll<string | number>().as("count")).executeTakeFirstOrThrow();
  // One run's entries open on the run's own entry, then its sessions newest first: begun before any of
  // them, it would otherwise be the last row of the last page of a big run.
  const ordered = runId ? query.orderBy(sql`case when action = ${RUN_ACTION} then 0 else 1 end`) : query;
  const ids = await ordered.select("id").orderBy("id", "desc").limit(pageSize).offset((page - 1) * pageSize).execute();
  const rows = ids.length === 0 ? [] : await baseQuery().where("audit_entries.id", "in", ids.map((row) => row.id)).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const total = Number(count);
  return { entries: ids.map((row) => toEntry(byId.get(row.id)!)), total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

/** How many per-session entries each of these bulk runs has in the trail. */
export async function countRunItemEntries(runIds: readonly string[]): Promise<Map<string, number>> {
  if (runIds.length === 0) return new Map();
  const rows = await getDb()
    .selectFrom("audit_entries")
    .select(["run_id"])
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("run_id", "in", [...runIds])
    .where("action", "=", "bulk-apply-item")
    .groupBy("run_id")
    .execute();
  return new Map(rows.map((row) => [row.run_id!, Number(row.count)]));
}

export async function getAuditEntry(id: string): Promise<AuditEntry | null> {
  const row = await baseQuery().where("audit_entries.id", "=", id).executeTakeFirst();
  return row ? toEntry(row) : null;
}

/** A user's timeline for the user page: their newest entries first. */
export async function listAuditForUser(userId: string, limit = 20): Promise<AuditEntry[]> {
  const rows = await baseQuery()
    .where("audit_entries.user_id", "=", userId)
    .orderBy("audit_entries.id", "desc")
    .limit(Math.min(Math.max(limit, 1), 500))
    .execute();
  return rows.map(toEntry);
}
