/**
 * Settling audit entries whose writer went away. An entry is begun before the core call and finished
 * after it; if the instance dies in between, the entry has no outcome, and nobody will ever add one.
 * Here each such entry is settled by looking at what the core holds now:
 *
 * - "written": the core holds the entry's result (`after`, derived from `before` and the patch);
 * - "not-written": the core still holds `before`;
 * - "undetermined", with the reason: the session is gone, it holds neither, or the core could not be
 *   reached.
 *
 * The outcome's error text says it was settled after the instance stopped, and why. Outcomes are
 * insert-only with one per entry, so an entry settled here is never finished again, and two instances
 * settling the same entry at once leave exactly one outcome.
 *
 * Only entries whose writer is really gone are settled, never one that a live writer is about to
 * finish:
 * - a bulk run's entries once its lease has expired (its owner stopped heartbeating: the same rule by
 *   which another instance may resume it), or once the run has ended;
 * - any entry older than SETTLE_AFTER_MS, far longer than any write takes (a core call waits at most
 *   undici's 300 s header and 300 s body timeouts; the per-session lock wait comes before the entry).
 *
 * Called once per instance start (server/prepare.ts), then every few minutes for entries that pass
 * the bound later, and when an interrupted bulk run is resumed or cancelled (app/bulk/engine.server.ts).
 */
import pLimit from "p-limit";
import { AuditEntryError, finishAudit, getAuditEntry, type AuditEntry, type AuditOutcomeStatus } from "~/audit/audit.server";
import { getSessionInfo, type SessionInfo } from "~/core/sessions.server";
import { getDb } from "~/db/db.server";
import { fingerprint, parseJson } from "~/json";
import { now } from "~/staff/clock.server";
import { failedOutcome } from "./write.server";

/** An entry with no outcome this much older than now has no live writer, whatever wrote it. */
export const SETTLE_AFTER_MS = 15 * 60_000;
/** How often a running instance looks again for entries that have passed the bound since. */
const SWEEP_EVERY_MS = 5 * 60_000;
const PAGE_SIZE = 200;
const CONCURRENCY = 16;

/** Entries that change one session's data, and the single revoke: the ones the core's state can settle. */
const DATA_ACTIONS = ["edit", "revert", "overwrite-after-conflict", "bulk-apply-item"] as const;
const SETTLED_ACTIONS: string[] = [...DATA_ACTIONS, "revoke"];

const PREFIX = "Settled after the instance stopped:";

export interface SettleCounts {
  written: number;
  "not-written": number;
  undetermined: number;
}

type Settlement = { status: Extract<AuditOutcomeStatus, "written" | "not-written" | "undetermined">; error: string };

function pendingEntries() {
  return getDb()
    .selectFrom("audit_entries")
    .leftJoin("audit_outcomes", "audit_outcomes.entry_id", "audit_entries.id")
    .leftJoin("bulk_runs", "bulk_runs.id", "audit_entries.run_id")
    .select("audit_entries.id")
    .where("audit_outcomes.entry_id", "is", null)
    .where("audit_entries.action", "in", SETTLED_ACTIONS)
    .where("audit_entries.session_handle", "is not", null);
}

/**
 * Settles every pending entry whose writer is gone: older than the bound, or of a bulk run whose lease
 * has expired or that has ended. `createdFrom` limits it to entries created since then (the periodic
 * sweep looks only at what passed the bound since its last look).
 */
export async function settleAbandonedEntries(options: { olderThanMs?: number; createdFrom?: string } = {}): Promise<SettleCounts> {
  const at = now();
  const cutoff = new Date(at.getTime() - (options.olderThanMs ?? SETTLE_AFTER_MS)).toISOString();
  const atIso = at.toISOString();
  return settlePages((afterId) => {
    let query = pendingEntries()
      .where((eb) =>
        eb.or([
          eb("audit_entries.created_at", "<", cutoff),
          eb.and([
            eb("audit_entries.run_id", "is not", null),
            eb.or([
              eb("bulk_runs.status", "in", ["completed", "cancelled"]),
              eb.and([eb("bulk_runs.status", "=", "running"), eb.or([eb("bulk_runs.lease_expires_at", "is", null), eb("bulk_runs.lease_expires_at", "<=", atIso)])]),
            ]),
          ]),
        ]),
      )
      .where("audit_entries.id", ">", afterId);
    if (options.createdFrom) query = query.where("audit_entries.created_at", ">=", options.createdFrom);
    return query;
  });
}

/**
 * Settles a bulk run's pending entries. Call it only after winning the run with claimInterrupted: its
 * previous owner's lease had expired, so that owner is gone.
 */
export async function settleRunEntries(runId: string): Promise<SettleCounts> {
  return settlePages((afterId) => pendingEntries().where("audit_entries.run_id", "=", runId).where("audit_entries.id", ">", afterId));
}

async function settlePages(page: (afterId: string) => ReturnType<typeof pendingEntries>): Promise<SettleCounts> {
  const counts: SettleCounts = { written: 0, "not-written": 0, undetermined: 0 };
  const limit = pLimit(CONCURRENCY);
  let afterId = "";
  for (;;) {
    const ids = await page(afterId).orderBy("audit_entries.id").limit(PAGE_SIZE).execute();
    if (ids.length === 0) return counts;
    afterId = ids[ids.length - 1]!.id;
    const settled = await Promise.all(ids.map(({ id }) => limit(() => settleEntry(id))));
    for (const status of settled) if (status) counts[status] += 1;
  }
}

/** Settles one entry from the core's state; null when it already had an outcome (someone else settled it). */
async function settleEntry(entryId: string): Promise<Settlement["status"] | null> {
  const entry = await getAuditEntry(entryId);
  if (!entry || entry.outcome || !entry.target.sessionHandle) return null;
  let current: SessionInfo | undefined;
  let settlement: Settlement;
  try {
    const laterAttempt = entry.runId && entry.action === "bulk-apply-item" ? await laterAttemptInRun(entry) : undefined;
    if (laterAttempt) settlement = judgeByLaterRead(entry, laterAttempt);
    else {
      current = await getSessionInfo(entry.target.sessionHandle);
      settlement = entry.action === "revoke" ? judgeRevoke(current) : judgeWrite(entry, current);
    }
  } catch (error) {
    settlement = { status: "undetermined", error: `${PREFIX} the SuperTokens core could not be reached to check the session (${await describe(error)}).` };
  }
  try {
    await finishAudit(entry.id, settlement);
    return settlement.status;
  } catch (error) {
    if (error instanceof AuditEntryError) return null; // another instance settled it first: its outcome stands
    throw error;
  }
}

/**
 * The run's next attempt at the same session, begun after this one: an instance died between this
 * entry and its write, and another took the session over once the claim lapsed. Its `before` is what
 * the core held when it read the session, long after this entry's writer was gone — a better witness
 * than the core now, which holds that later attempt's result (the same result, so by itself it would
 * credit both entries with the one write).
 */
async function laterAttemptInRun(entry: AuditEntry): Promise<{ before: unknown } | undefined> {
  const row = await getDb()
    .selectFrom("audit_entries")
    .select(["before_json", "id"])
    .where("run_id", "=", entry.runId!)
    .where("session_handle", "=", entry.target.sessionHandle!)
    .where("action", "=", "bulk-apply-item")
    .where((eb) => eb.or([eb("created_at", ">", entry.createdAt), eb.and([eb("created_at", "=", entry.createdAt), eb("id", ">", entry.id)])]))
    .orderBy("created_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  if (!row || row.before_json === null) return undefined;
  return { before: parseJson(row.before_json) };
}

function judgeByLaterRead(entry: AuditEntry, later: { before: unknown }): Settlement {
  const seen = fingerprint(later.before);
  if (entry.after !== null && seen === fingerprint(entry.after)) {
    return { status: "written", error: `${PREFIX} the run's next attempt at this session found this entry's result already there.` };
  }
  if (entry.before !== null && seen === fingerprint(entry.before)) {
    return { status: "not-written", error: `${PREFIX} the run's next attempt at this session still found the data from before this change, so it was not written; that attempt made the change.` };
  }
  return { status: "undetermined", error: `${PREFIX} the run's next attempt at this session found neither the data from before this change nor its result.` };
}

function judgeWrite(entry: AuditEntry, current: SessionInfo | undefined): Settlement {
  if (!current) {
    return { status: "undetermined", error: `${PREFIX} the session no longer exists (ended, expired or revoked), so whether the write landed cannot be told.` };
  }
  const held = fingerprint(current.sessionDataInDatabase);
  if (entry.after !== null && held === fingerprint(entry.after)) return { status: "written", error: `${PREFIX} the core holds this entry's result.` };
  if (entry.before !== null && held === fingerprint(entry.before)) {
    return { status: "not-written", error: `${PREFIX} the core still holds the data from before this change, so it was not written.` };
  }
  if (entry.after === null) return { status: "undetermined", error: `${PREFIX} the entry records no intended result to compare with, and the core no longer holds its "before".` };
  return { status: "undetermined", error: `${PREFIX} the core holds neither the data from before this change nor its result: another change has landed since.` };
}

function judgeRevoke(current: SessionInfo | undefined): Settlement {
  return current
    ? { status: "not-written", error: `${PREFIX} the session is still live, so it was not revoked.` }
    : { status: "written", error: `${PREFIX} the session no longer exists, as the revoke intended (it may also have ended by itself).` };
}

async function describe(error: unknown): Promise<string> {
  try {
    return (await failedOutcome(error)).error;
  } catch {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Start-up: settles what the instances that stopped left behind, then looks again every few minutes
 * for entries that have since passed the bound. Never fails start-up: a problem is logged and the next
 * sweep tries again.
 */
export async function settleAtStartup(log: (line: string) => void): Promise<void> {
  const sweep = async (createdFrom?: string) => {
    const counts = await settleAbandonedEntries({ createdFrom });
    const total = counts.written + counts["not-written"] + counts.undetermined;
    if (total > 0) {
      log(`Settled ${total} audit ${total === 1 ? "entry" : "entries"} left unfinished by a stopped instance: ${counts.written} written, ${counts["not-written"]} not written, ${counts.undetermined} undetermined.`);
    }
  };
  let from = new Date(now().getTime() - SETTLE_AFTER_MS).toISOString();
  try {
    await sweep();
  } catch (error) {
    log(`Could not settle unfinished audit entries: ${error instanceof Error ? error.message : String(error)}`);
  }
  const timer = setInterval(() => {
    // Entries created since the last look's bound; a little overlap is harmless (settled once).
    const next = new Date(now().getTime() - SETTLE_AFTER_MS).toISOString();
    sweep(from).then(
      () => (from = next),
      (error) => log(`Could not settle unfinished audit entries: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, SWEEP_EVERY_MS);
  timer.unref?.();
}
