/**
 * Several instances applying one run (PostgreSQL). The run keeps one owner, the lease holder
 * (store.server.ts): it alone publishes the run's pace, sees a cancel first and finishes the run. Every
 * instance taking part, the owner included, takes its work as claims on pages of pending items:
 *
 * - A page is claimed with `FOR UPDATE SKIP LOCKED`, so two instances asking at once get different
 *   items, and marked with the claimer and an expiry (`claimed_until`, one lease ahead). The claimer
 *   renews its claims with its heartbeat; a crashed instance's claims lapse, and others take those items.
 * - Each instance has a row in bulk_run_workers, renewed with its heartbeat (`seen_until`) and holding
 *   how many sessions it has processed. The live rows share out the run's limit (`bulk_runs.pace_limit`,
 *   the owner's adaptive limit): each instance has at most pace_limit / live instances in flight, so
 *   two instances never load the core twice as hard as one.
 * - An instance that stops taking part (no items left to claim, a cancel, a shutdown) gives its unstarted
 *   claims back and marks its row as no longer live.
 *
 * SQLite has one instance only: none of this is used there, and the owner streams the pending items by
 * itself (nextPendingItems), as before.
 * See docs/decisions/bulk-runs-on-several-instances.md.
 */
import { sql } from "kysely";
import { getDashboardDatabase, getDb } from "~/db/db.server";
import { now } from "~/staff/clock.server";
import { leaseExpiry, type PendingItem } from "./store.server";

/** Whether runs are shared between instances by claims (PostgreSQL), rather than streamed by their owner alone. */
export function claimsInUse(): boolean {
  return getDashboardDatabase().dialect === "postgres";
}

/**
 * Claims up to `limit` pending items nobody holds (never claimed, or the claim lapsed), in run order.
 * Concurrent callers skip the rows another is claiming at that moment instead of waiting for them.
 */
export async function claimPendingItems(runId: string, instance: string, limit: number): Promise<PendingItem[]> {
  const at = now();
  const atIso = at.toISOString();
  const db = getDb();
  // The page is picked in a CTE, evaluated once. Written as `seq IN (SELECT … LIMIT n FOR UPDATE SKIP
  // LOCKED)` instead, PostgreSQL may evaluate the sub-select more than once in one UPDATE, and one claim
  // took 580 items where 20 were asked for.
  const rows = await db
    .with(
      (cte) => cte("page").materialized(),
      (qb) =>
        qb
          .selectFrom("bulk_run_items")
          .select("seq")
          .where("run_id", "=", runId)
          .where("outcome", "is", null)
          .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", atIso)]))
          .orderBy("seq")
          .limit(limit)
          .forUpdate()
          .skipLocked(),
    )
    .updateTable("bulk_run_items")
    .from("page")
    .set({ claimed_by: instance, claimed_until: leaseExpiry(at) })
    .where("bulk_run_items.run_id", "=", runId)
    .whereRef("bulk_run_items.seq", "=", "page.seq")
    .returning(["bulk_run_items.seq", "bulk_run_items.session_handle", "bulk_run_items.user_id", "bulk_run_items.fingerprint", "bulk_run_items.result_fingerprint", "bulk_run_items.doc_json"])
    .execute();
  return rows.sort((a, b) => a.seq - b.seq);
}

/** The heartbeat for claims: the instance's pending items stay its own for another lease. */
export async function renewClaims(runId: string, instance: string): Promise<void> {
  await getDb().updateTable("bulk_run_items").set({ claimed_until: leaseExpiry() }).where("run_id", "=", runId).where("claimed_by", "=", instance).where("outcome", "is", null).execute();
}

/** Gives back the claimed items the instance did not get to, for others to take at once. */
export async function releaseClaims(runId: string, instance: string): Promise<void> {
  await getDb().updateTable("bulk_run_items").set({ claimed_by: null, claimed_until: null }).where("run_id", "=", runId).where("claimed_by", "=", instance).where("outcome", "is", null).execute();
}

/** Whether items are pending under a live claim of another instance (wait for them rather than finish). */
export async function othersHoldClaims(runId: string, instance: string): Promise<boolean> {
  const row = await getDb()
    .selectFrom("bulk_run_items")
    .select("seq")
    .where("run_id", "=", runId)
    .where("outcome", "is", null)
    .where("claimed_by", "!=", instance)
    .where("claimed_until", ">", now().toISOString())
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The instance takes part in the run (or still does) for another lease; `processed`: its count so far. */
export async function markWorkerSeen(runId: string, instance: string, processed: number): Promise<void> {
  const seenUntil = leaseExpiry();
  await getDb()
    .insertInto("bulk_run_workers")
    .values({ run_id: runId, instance, seen_until: seenUntil, processed })
    .onConflict((oc) => oc.columns(["run_id", "instance"]).doUpdateSet({ seen_until: seenUntil, processed }))
    .execute();
}

/** The instance stops taking part: its row stays, with its count, but no longer counts as live. */
export async function markWorkerLeft(runId: string, instance: string, processed: number): Promise<void> {
  const at = now().toISOString();
  await getDb()
    .insertInto("bulk_run_workers")
    .values({ run_id: runId, instance, seen_until: at, processed })
    .onConflict((oc) => oc.columns(["run_id", "instance"]).doUpdateSet({ seen_until: at, processed }))
    .execute();
}

/** Instances taking part in the run now (their row's heartbeat is live), `except` one if given. */
export async function countLiveWorkers(runId: string, except?: string): Promise<number> {
  let query = getDb()
    .selectFrom("bulk_run_workers")
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("run_id", "=", runId)
    .where("seen_until", ">", now().toISOString());
  if (except !== undefined) query = query.where("instance", "!=", except);
  const { count } = await query.executeTakeFirstOrThrow();
  return Number(count);
}

export interface WorkerRow {
  instance: string;
  processed: number;
  live: boolean;
}

/** Every instance that has taken part in the run, for the run's page and tests. */
export async function listWorkers(runId: string): Promise<WorkerRow[]> {
  const at = now().toISOString();
  const rows = await getDb().selectFrom("bulk_run_workers").select(["instance", "processed", "seen_until"]).where("run_id", "=", runId).orderBy("instance").execute();
  return rows.map((row) => ({ instance: row.instance, processed: row.processed, live: row.seen_until > at }));
}

/**
 * Runs this instance could help with: running under another instance's live lease, no cancel asked
 * for, and at least one pending item nobody holds. A cheap query: the run's lease filter, then an
 * indexed probe of its pending items (bulk_run_items_run_outcome).
 */
export async function listRunsToJoin(instance: string, limit: number): Promise<{ id: string; applied_by_email: string | null }[]> {
  const atIso = now().toISOString();
  return getDb()
    .selectFrom("bulk_runs")
    .select(["id", "applied_by_email"])
    .where("status", "=", "running")
    .where("lease_expires_at", ">", atIso)
    .where("cancel_requested_by", "is", null)
    .where("lease_owner", "!=", instance)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("bulk_run_items")
          .select(sql`1`.as("one"))
          .whereRef("bulk_run_items.run_id", "=", "bulk_runs.id")
          .where("bulk_run_items.outcome", "is", null)
          .where((eb) => eb.or([eb("bulk_run_items.claimed_until", "is", null), eb("bulk_run_items.claimed_until", "<=", atIso)])),
      ),
    )
    .orderBy("id")
    .limit(limit)
    .execute();
}
