/**
 * The run: applies a dry run's operation to each of its sessions through the one conflict-checked
 * write (writeSessionData), with its requests to the core paced by a limit that adapts to the core (app/bulk/adaptive-limit.ts: it
 * backs off when the core fails or queues, and climbs while it keeps up), retries for transient core
 * failures, cancel, and resume. The run belongs to the server, not to a browser tab: the request that starts it returns at
 * once and the work goes on in this process, its state in the database (app/bulk/store.server.ts).
 *
 * If this process goes away, its lease stops being renewed and the run shows as interrupted, with every
 * outcome recorded so far; any instance can resume the rest. A write that was in flight when the process
 * died has its audit entry settled from the core's state on resume or cancel (settleRunEntries); a
 * session it did not write is retried, and the write's own fingerprint check settles the rest (see `attempt`).
 *
 * Memory does not grow with the number of sessions: items are streamed from the database one page at a
 * time, and outcomes are written back in small batches.
 *
 * With PostgreSQL, every instance takes part in a running run (app/bulk/claims.server.ts): the owner
 * (the lease holder) and helpers that join it (app/bulk/handover.server.ts) claim pages of pending items,
 * share the run's one adaptive limit, and only the owner finishes the run.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { getConfig } from "~/config.server";
import { errorMessage, logger } from "~/observability/log.server";
import { countBulkItem } from "~/observability/metrics.server";
import { settleRunEntries } from "~/sessions/settle-abandoned.server";
import { writeSessionData } from "~/sessions/write.server";
import type { StaffUser } from "~/staff/roles";
import { singleton } from "~/utils/singleton.server";
import { CoreCallNotStartedError, withCorePacing, type CorePacing } from "~/core/core-pacing.server";
import { describeCoreError } from "~/core/problems.server";
import { AdaptiveGate, AdaptiveLimit } from "./adaptive-limit";
import { eventLoopSaturation } from "./event-loop.server";
import { claimPendingItems, claimsInUse, countLiveWorkers, markWorkerLeft, markWorkerSeen, othersHoldClaims, releaseClaims, renewClaims } from "./claims.server";
import { applyBulkOperation } from "./operation";
import { auditRunApplied, auditRunEnded } from "./run-audit.server";
import { backoffMs, classifyFailure, retryPolicy, sleep, type RetryPolicy } from "./retry.server";
import {
  claimInterrupted, claimPlanned, finishCancelled, finishCompleted, getRunRow, nextPendingItems, operationOf, plannedResultFingerprint, reconcileFromAudit, recordOutcomes, releaseLease, renewLease, requestCancel,
  runBeganWriteBefore, runStatusOf, settleUnwritable,
  type ItemResult, type PendingItem,
} from "./store.server";
import type { BulkOperation } from "./types";

/** This process, as a lease holder. */
export const INSTANCE_ID = singleton("bulk-instance-id", () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`);
/** The runs this process owns (holds the lease of), by run id. */
const runners = singleton("bulk-runners", () => new Map<string, BulkRunner>());
/** The runs this process helps with (PostgreSQL: another instance owns them), by run id and instance. */
const helpers = singleton("bulk-run-helpers", () => new Map<string, BulkRunner>());
const helperKey = (runId: string, instance: string) => `${runId}\n${instance}`;

const PAGE_SIZE = 200;
/** Outcomes are written in batches of this many, or after FLUSH_MS, whichever comes first. */
const FLUSH_EVERY = 50;
const FLUSH_MS = 150;

export interface RunnerOptions {
  /**
   * The most sessions in flight at once, and the most requests at the core (default
   * BULK_APPLY_CONCURRENCY); the run finds its pace at the core below it.
   */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** How often the lease is renewed and a cancel asked for by another instance is noticed. */
  heartbeatMs?: number;
  /** Tests: the lease holder's id (default this process), or the helper's for a helper. */
  owner?: string;
  /**
   * "owner" (default): holds the run's lease, publishes its pace and finishes it. "helper": takes part
   * in a run another instance owns (PostgreSQL), and stops when there is nothing left to claim.
   */
  role?: "owner" | "helper";
}

/** How a run is going, for its page: measured over the last PACE_WINDOW_MS. */
export interface RunPace {
  sessionsPerSecond: number;
  /** Requests the run may have in flight at the core now (its adaptive limit), and the ceiling it may climb to. */
  concurrency: number;
  ceiling: number;
  /** Its requests in flight at the core now. */
  inFlight: number;
  /** Transient failures retried so far in this process. */
  retries: number;
  /** Instances taking part in the run (PostgreSQL), this one included; the limit is shared between them. */
  instances: number;
  /** Sessions this instance may have in flight now: its share of the run's limit. */
  share: number;
}

const PACE_WINDOW_MS = 5_000;
/** Where the adaptive limit on requests at the core starts (slow start grows it x1.5 a round trip while the core keeps up). */
const INITIAL_CONCURRENCY = 8;

type Attempt = { kind: "final"; result: Omit<ItemResult, "seq" | "attempts"> } | { kind: "transient"; error: string };

export class BulkRunner {
  readonly done: Promise<void>;
  private cancelled = false;
  private dead = false;
  private lost = false;
  /** Graceful shutdown: finish what is in flight, record it, then give the run up (see `handOver`). */
  private stopping = false;
  private results: ItemResult[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly writing = new Set<Promise<void>>();
  private readonly owner: string;
  get ownerId(): string {
    return this.owner;
  }
  /** Sessions this instance has processed in the run so far. */
  get processed(): number {
    return this.processedCount;
  }
  private readonly concurrency: number;
  private readonly gate: AdaptiveGate;
  private readonly finishedAt: number[] = [];
  private retries = 0;
  private readonly policy: RetryPolicy;
  private readonly heartbeatMs: number;
  readonly role: "owner" | "helper";
  /** Pages of pending items are claimed (PostgreSQL: other instances may take part), not streamed by the owner alone. */
  private readonly claims: boolean;
  /** Instances taking part, as of the last heartbeat (1 without claims). */
  private liveWorkers = 1;
  /** A helper: the run's limit the owner last published, to take its share of. */
  private runPaceLimit = INITIAL_CONCURRENCY;
  /** A helper: the owner it joined; a different one (a resume) or none means the run it joined is over. */
  private joinedOwner: string | null = null;
  /** Sessions this instance has processed in the run (bulk_run_workers.processed). */
  private processedCount = 0;
  /** This instance no longer takes part: its worker row says so and its claims are given back. */
  private left = false;

  constructor(readonly runId: string, private readonly staff: StaffUser, options: RunnerOptions = {}) {
    const config = getConfig();
    this.owner = options.owner ?? INSTANCE_ID;
    this.role = options.role ?? "owner";
    this.claims = claimsInUse();
    this.concurrency = Math.max(1, options.concurrency ?? config.BULK_APPLY_CONCURRENCY);
    // The run's one limit is shared between the instances taking part: the owner's adaptive limit is the
    // run's (its round trips measure the core's load from all of them); a helper takes its share of the
    // limit the owner published, and its own adaptive limit can only lower that (it backs off on failures).
    const share = !this.claims ? () => Infinity : this.role === "owner" ? () => this.gate.limit.limit / this.liveWorkers : () => this.runPaceLimit / this.liveWorkers;
    this.gate = new AdaptiveGate(new AdaptiveLimit({ initial: Math.min(INITIAL_CONCURRENCY, this.concurrency), min: 1, max: this.concurrency }), undefined, share, eventLoopSaturation());
    this.policy = retryPolicy(options.retry);
    this.heartbeatMs = options.heartbeatMs ?? heartbeatInterval();
    this.done = this.drive().catch((error) => {
      // Nothing more can be recorded (e.g. the database went away). The lease lapses and the run shows
      // as interrupted with everything recorded so far; resuming settles the rest.
      logger().error({ event: "bulk-run", runId, error: errorMessage(error) }, "bulk run stopped");
    });
  }

  /** The run's pace now (sessions per second over the last few seconds, its concurrency, retries). */
  pace(): RunPace {
    const since = performance.now() - PACE_WINDOW_MS;
    while (this.finishedAt.length > 0 && this.finishedAt[0]! < since) this.finishedAt.shift();
    const window = this.finishedAt.length > 0 ? Math.max(1000, performance.now() - Math.max(since, this.startedAt)) : PACE_WINDOW_MS;
    return {
      sessionsPerSecond: (this.finishedAt.length * 1000) / window,
      concurrency: this.gate.limit.limit,
      ceiling: this.concurrency,
      inFlight: this.gate.active,
      retries: this.retries,
      instances: this.liveWorkers,
      share: this.gate.allowed,
    };
  }

  private readonly startedAt = performance.now();

  /** Stop starting new sessions; writes in flight finish; the rest are reported "not attempted". */
  cancel(): void {
    this.cancelled = true;
  }

  /**
   * This process is shutting down: no new sessions start, writes in flight finish with their audit
   * entries, every outcome is recorded, then the lease is released so another instance takes the run
   * over at once (app/bulk/handover.server.ts) instead of after the lease runs out. Resolves when done.
   */
  handOver(): Promise<void> {
    this.stopping = true;
    return this.done;
  }

  /** Tests: behave as if this process died now — no more writes, outcomes or heartbeats. */
  kill(): void {
    this.dead = true;
  }

  private async drive(): Promise<void> {
    const run = await getRunRow(this.runId);
    if (!run) throw new Error("the run does not exist");
    const operation = operationOf(run);
    const heartbeat = setInterval(() => void this.beat(), this.heartbeatMs);
    heartbeat.unref?.();
    try {
      if (this.role === "helper") {
        // Joins only a run going on under another instance; its share is known before its first claim.
        if (runStatusOf(run) !== "running" || run.lease_owner === this.owner) return;
        this.joinedOwner = run.lease_owner;
        this.runPaceLimit = run.pace_limit ?? INITIAL_CONCURRENCY;
        await this.beat();
      }
      for (;;) {
        const processed = await this.processPending(run.user_id, run.reason ?? undefined, operation);
        await this.settle();
        if (this.dead) return;
        // A helper never finishes the run: with nothing left to claim (or the run over) it leaves.
        if (this.lost || this.role === "helper") return await this.leave();
        if (this.cancelled) {
          // Helpers stop at their next heartbeat; what they have in flight is recorded before the rest is
          // called "not attempted".
          await this.leave();
          await waitForWorkersToLeave(this.runId, this.owner, this.heartbeatMs, () => this.dead || this.lost);
          if (this.dead || this.lost) return;
          // A helper that crashed mid-write left its entry open: settled from the core, then read as the run's journal.
          if (this.claims) await settleRunEntries(this.runId);
          await finishCancelled(this.runId, this.owner);
          return await auditRunEnded(this.runId);
        }
        if (await finishCompleted(this.runId, this.owner)) {
          await this.leave();
          // Every session has its outcome, so no writer of this run is left: entries a crashed helper left
          // open (its write landed or not) are settled from the core now, not at the next periodic sweep.
          if (this.claims) await settleRunEntries(this.runId);
          return await auditRunEnded(this.runId);
        }
        if (this.stopping) {
          await this.leave();
          return void (await releaseLease(this.runId, this.owner));
        }
        if (processed === 0) {
          // Other instances hold the rest: wait for their outcomes, or for their claims to lapse (a crash).
          if (this.claims && (await othersHoldClaims(this.runId, this.owner))) {
            await sleep(this.heartbeatMs);
            continue;
          }
          // Something is still pending yet nothing could be taken: leave it to a resume rather than spin.
          throw new Error("items remain pending but none could be processed");
        }
      }
    } finally {
      clearInterval(heartbeat);
      clearTimeout(this.flushTimer);
      if (runners.get(this.runId) === this) runners.delete(this.runId);
      if (helpers.get(helperKey(this.runId, this.owner)) === this) helpers.delete(helperKey(this.runId, this.owner));
    }
  }

  /** Stops taking part (claims): unstarted claims go back to the run, and the worker row stops counting as live. */
  private async leave(): Promise<void> {
    if (!this.claims || this.left || this.dead) return;
    this.left = true;
    await releaseClaims(this.runId, this.owner);
    await markWorkerLeft(this.runId, this.owner, this.processedCount);
  }

  private async beat(): Promise<void> {
    if (this.dead) return;
    try {
      if (this.role === "owner") {
        const lease = await renewLease(this.runId, this.owner, this.claims ? this.gate.limit.limit : undefined);
        if (!lease) this.lost = true; // another instance took it over (we were presumed dead): stop starting work
        else if (lease.cancelRequested) this.cancelled = true;
      } else {
        // A helper stops starting work once the run it joined is no longer going on as it was: finished,
        // cancelled, interrupted (its owner's lease lapsed) or taken over by a resume.
        const run = await getRunRow(this.runId);
        if (!run || runStatusOf(run) !== "running" || run.lease_owner !== this.joinedOwner) this.cancelled = true;
        else if (run.pace_limit !== null) this.runPaceLimit = run.pace_limit;
      }
      if (this.claims && !this.left && !this.lost) {
        await markWorkerSeen(this.runId, this.owner, this.processedCount);
        await renewClaims(this.runId, this.owner);
        this.liveWorkers = Math.max(1, await countLiveWorkers(this.runId));
      }
    } catch (error) {
      logger().warn({ event: "bulk-run", runId: this.runId, error: errorMessage(error) }, "could not renew the bulk run's lease");
    }
  }

  /** Streams pending items page by page to `concurrency` workers. Returns how many were processed. */
  private async processPending(userId: string, reason: string | undefined, operation: BulkOperation): Promise<number> {
    let afterSeq = -1;
    let exhausted = false;
    let fetching: Promise<void> | undefined;
    const queue: PendingItem[] = [];
    let processed = 0;
    // One page is fetched at a time however many workers are waiting, so no item is handed out twice.
    const fetchNextPage = (): Promise<void> =>
      // With claims, a page is claimed (each instance gets its own; a lapsed claim is taken again), a
      // page about twice what may be in flight, so one instance does not hold what others could do.
      (fetching ??= (this.claims ? claimPendingItems(this.runId, this.owner, Math.min(PAGE_SIZE, Math.max(20, 2 * this.gate.allowed))) : nextPendingItems(this.runId, afterSeq, PAGE_SIZE))
        .then((page) => {
          if (page.length === 0) exhausted = true;
          else {
            afterSeq = page[page.length - 1]!.seq;
            queue.push(...page);
          }
        })
        .finally(() => (fetching = undefined)));
    const take = async (): Promise<PendingItem | undefined> => {
      for (;;) {
        if (queue.length > 0) {
          const item = queue.shift()!;
          // Read ahead: the next page is asked for while this one still has work for every worker, so
          // they do not all stop and wait for it (the database is busy with the run's own commits, and
          // a run held 128 sessions idle for a page now and then). The read-ahead's failure is not lost:
          // the page is asked for again, and the error surfaces, when the queue runs dry.
          // Not with claims (PostgreSQL, several instances): a page claimed early is a page the other
          // instances cannot take, and with read-ahead there the two-instance test once saw the owner
          // find items pending that it could neither claim nor see claimed by another instance.
          if (!this.claims && queue.length < this.gate.allowed && !exhausted && !this.stopping && !this.cancelled) fetchNextPage().catch(() => {});
          return item;
        }
        if (exhausted) return undefined;
        await fetchNextPage();
      }
    };
    const worker = async () => {
      for (;;) {
        if (this.dead || this.lost || this.cancelled || this.stopping) return;
        const item = await take();
        if (!item) return;
        // In a run across users each item names its own user; the write checks the session is theirs.
        const result = await this.processItem(item, item.user_id ?? userId, reason, operation);
        if (this.dead) return; // a dead process records nothing
        if (!result) return; // cancelled while it waited for its turn: it stays "not attempted"
        processed += 1;
        this.processedCount += 1;
        this.finishedAt.push(performance.now());
        this.results.push(result);
        countBulkItem(result.outcome);
        if (this.results.length >= FLUSH_EVERY) await this.flush();
        else this.flushTimer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_MS);
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    // A read-ahead may still be out when the workers stop (a cancel, a shutdown): the run's next step
    // (settling, finishing, handing over) comes after it, not beside it.
    await fetching?.catch(() => {});
    return processed;
  }

  /** Writes the outcomes gathered so far. */
  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.dead) return Promise.resolve();
    const batch = this.results.splice(0, this.results.length);
    if (batch.length === 0) return Promise.resolve();
    const writing = recordOutcomes(this.runId, batch);
    this.writing.add(writing);
    const forget = () => void this.writing.delete(writing);
    writing.then(forget, forget);
    return writing;
  }

  /** Every outcome gathered is in the database (with PostgreSQL's pool, batches may commit in parallel). */
  private async settle(): Promise<void> {
    await this.flush();
    await Promise.all([...this.writing]);
  }

  /**
   * One session, retried on transient failures. Its core calls wait their turn at the adaptive gate
   * (app/core/core-pacing.server.ts), which learns from each of them: a transient failure is the core
   * saying it has too much.
   */
  private async processItem(item: PendingItem, userId: string, reason: string | undefined, operation: BulkOperation): Promise<ItemResult | undefined> {
    for (let attempts = 1; ; attempts++) {
      // Cancelled (or this process lost the run) before the session's read was sent: it stays "not
      // attempted". Shutting down, a retry is left pending too: the instance that takes the run over makes it.
      const mayStart = () => !((attempts === 1 && (this.cancelled || this.dead || this.lost)) || this.stopping);
      let outcome: Attempt;
      try {
        outcome = await withCorePacing({ gate: this.gate, overloaded: isOverloaded, mayStart }, () => this.attempt(item, userId, reason, operation));
      } catch (error) {
        if (error instanceof CoreCallNotStartedError) return undefined;
        throw error;
      }
      if (outcome.kind === "final") return { seq: item.seq, attempts, ...outcome.result };
      if (attempts > this.policy.maxRetries || this.dead) {
        return { seq: item.seq, attempts, outcome: "failed", error: `${outcome.error} (tried ${attempts} times)` };
      }
      this.retries += 1;
      await sleep(backoffMs(attempts, this.policy.baseMs));
    }
  }

  private async attempt(item: PendingItem, userId: string, reason: string | undefined, operation: BulkOperation): Promise<Attempt> {
    const final = (result: Omit<ItemResult, "seq" | "attempts">): Attempt => ({ kind: "final", result });
    const handle = item.session_handle;
    const expected = item.fingerprint;
    if (!expected) return final({ outcome: "failed", error: "The dry run has no fingerprint for this session; start a fresh dry run." });
    try {
      // The write reads the session, checks it is what the dry run saw, then makes the change from that read.
      const next = (current: Record<string, unknown>) => {
        const applied = applyBulkOperation(current, operation, { summary: false });
        return applied.kind === "error" ? { error: applied.error } : { next: applied.kind === "will-change" ? applied.next : current };
      };
      const written = await writeSessionData({ staff: this.staff, userId, sessionHandle: handle, next, expectedFingerprint: expected, reason, action: "bulk-apply-item", runId: this.runId, confirm: false });
      switch (written.status) {
        case "written":
          return final({ outcome: "written", auditEntryId: written.entryId });
        case "overtaken": // only a confirming re-read can tell, and a run does not make one
          return final({ outcome: "written", auditEntryId: written.entryId });
        case "not-found":
          return final({ outcome: "failed", error: "This session does not belong to the run's user; nothing was written." });
        case "unchanged":
          return final({ outcome: "already-so" });
        case "session-gone":
          return final({ outcome: "ended" });
        case "schema-refused":
          // The schema changed since the dry run (which skips sessions it would break): refused all the same.
          return final({ outcome: "schema-refused", error: written.error });
        case "failed":
          return written.transient ? { kind: "transient", error: written.error } : final({ outcome: "failed", error: written.error });
        case "conflict":
          // The session no longer matches the dry run. If it now holds exactly what we meant to write,
          // an earlier attempt of ours landed (its answer was lost, or the server died before recording
          // it) — or someone made the same change. Otherwise it really changed: never overwrite it.
          if (written.theirsFingerprint === plannedResultFingerprint(item, operation)) {
            return (await runBeganWriteBefore(this.runId, handle))
              ? final({ outcome: "written", error: "Confirmed on a later attempt: an earlier attempt of this run had written it." })
              : final({ outcome: "already-so", error: "It changed since the preview, but already holds exactly the previewed result; nothing was written." });
          }
          return final({ outcome: "changed", error: CHANGED });
      }
    } catch (error) {
      if (error instanceof CoreCallNotStartedError) throw error;
      const failure = await classifyFailure(error);
      return failure.transient ? { kind: "transient", error: failure.error } : final({ outcome: "failed", error: failure.error });
    }
  }
}

/** A core call's failure that says the core has too much: 5xx, 429, a dropped connection, a timeout. */
function isOverloaded(error: unknown): boolean {
  if (error instanceof Response) return error.status === 503;
  const { kind } = describeCoreError(error);
  return kind === "transient" || kind === "unreachable";
}

const CHANGED = "The session's data changed after the dry run, so nothing was written. Start a fresh dry run to include it.";

function launch(runId: string, staff: StaffUser, options: RunnerOptions): BulkRunner {
  const runner = new BulkRunner(runId, staff, { ...options, role: "owner" });
  runners.set(runId, runner);
  return runner;
}

/** The runner of `runId` in this process, if any (tests wait on `done`): its owner, else a helper. */
export function localRunner(runId: string): BulkRunner | undefined {
  return runners.get(runId) ?? localHelpers(runId)[0];
}

function localHelpers(runId: string): BulkRunner[] {
  return [...helpers.values()].filter((helper) => helper.runId === runId);
}

/**
 * Joins a run another instance owns (PostgreSQL), writing as `staff` (the run's applier). Undefined when
 * claims are not in use or this instance already takes part in it. The caller does not wait for it.
 */
export function joinRun(runId: string, staff: StaffUser, options: Omit<RunnerOptions, "role"> = {}): BulkRunner | undefined {
  const instance = options.owner ?? INSTANCE_ID;
  if (!claimsInUse() || helpers.has(helperKey(runId, instance)) || runners.get(runId)?.ownerId === instance) return undefined;
  const runner = new BulkRunner(runId, staff, { ...options, owner: instance, role: "helper" });
  helpers.set(helperKey(runId, instance), runner);
  return runner;
}

/**
 * Waits until no instance but `owner` takes part in the run: helpers finish and record what they have in
 * flight when they see the run stop, and a crashed one's heartbeat lapses within a lease. Only then may
 * the run's pending items be settled from the audit trail (a live helper's write is not abandoned).
 * `renew`: renew the lease meanwhile (a caller without a runner's heartbeat).
 */
async function waitForWorkersToLeave(runId: string, owner: string, intervalMs: number, stop: () => boolean = () => false, renew = false): Promise<void> {
  if (!claimsInUse()) return;
  while (!stop() && (await countLiveWorkers(runId, owner)) > 0) {
    await sleep(intervalMs);
    if (renew) await renewLease(runId, owner);
  }
}

/** This process's helpers of the run stop and record what they have in flight (it is about to own the run). */
async function stopLocalHelpers(runId: string): Promise<void> {
  const stopping = localHelpers(runId);
  for (const helper of stopping) helper.cancel();
  await Promise.all(stopping.map((helper) => helper.done));
}

function heartbeatInterval(): number {
  return Math.min(1000, (getConfig().BULK_RUN_LEASE_SECONDS * 1000) / 4);
}

/** Starts applying a dry run. The caller does not wait for it. */
export async function applyRun(runId: string, staff: StaffUser, options: RunnerOptions = {}): Promise<{ status: "started"; runner?: BulkRunner } | { status: "not-planned" }> {
  const owner = options.owner ?? INSTANCE_ID;
  if (!(await claimPlanned(runId, owner, staff))) return { status: "not-planned" };
  await auditRunApplied(runId, staff);
  await settleUnwritable(runId);
  // Every session ended or cannot take the change: the report is complete already, no runner needed.
  if (await finishCompleted(runId, owner)) {
    await auditRunEnded(runId);
    return { status: "started" };
  }
  return { status: "started", runner: launch(runId, staff, options) };
}

/** Takes over an interrupted run and applies the rest. Writes are audited as `staff`'s. */
export async function resumeRun(runId: string, staff: StaffUser, options: RunnerOptions = {}): Promise<{ status: "resumed"; runner?: BulkRunner } | { status: "not-interrupted" }> {
  const owner = options.owner ?? INSTANCE_ID;
  if (!(await claimInterrupted(runId, owner))) return { status: "not-interrupted" };
  await stopLocalHelpers(runId);
  // Helpers of the lapsed owner stop at their next heartbeat (the owner changed); their writes in flight
  // are theirs to record, not abandoned entries to settle from the core.
  await waitForWorkersToLeave(runId, owner, heartbeatInterval(), undefined, true);
  // Its process may have died before settling the sessions no write can help, with finished writes not
  // yet recorded (the audit trail has them), or after the last outcome but before marking the run complete.
  await settleUnwritable(runId);
  // Writes it had begun and never finished: their audit entries are settled from what the core holds,
  // so none stays "outcome unknown" and the sessions they wrote are adopted below, not redone.
  await settleRunEntries(runId);
  await reconcileFromAudit(runId, "resume");
  if (await finishCompleted(runId, owner)) {
    await auditRunEnded(runId);
    return { status: "resumed" };
  }
  return { status: "resumed", runner: launch(runId, staff, options) };
}

/**
 * Cancel: writes in flight finish, nothing new starts, the rest is "not attempted". A run owned by
 * this process stops at once; one owned by another instance stops at its next heartbeat; an
 * interrupted one (no owner) is finished here and now.
 */
export async function cancelRun(runId: string, staff: StaffUser): Promise<"cancelling" | "cancelled" | "not-running"> {
  if (!(await requestCancel(runId, staff))) return "not-running";
  for (const helper of localHelpers(runId)) helper.cancel();
  const local = runners.get(runId);
  if (local) {
    local.cancel();
    return "cancelling";
  }
  const row = await getRunRow(runId);
  if (row && runStatusOf(row) === "interrupted" && (await claimInterrupted(runId, INSTANCE_ID, { resume: false }))) {
    await stopLocalHelpers(runId);
    await waitForWorkersToLeave(runId, INSTANCE_ID, heartbeatInterval(), undefined, true);
    await settleRunEntries(runId);
    await finishCancelled(runId, INSTANCE_ID);
    await auditRunEnded(runId);
    return "cancelled";
  }
  return "cancelling";
}
