/**
 * How many requests a bulk run has at the core at once, found while it runs instead of fixed in advance
 * (the run's sessions pass their core calls through an AdaptiveGate: app/core/core-pacing.server.ts). A
 * support tool shares its core with the customer's live app: a fixed 128 tuned on an idle core made a
 * real core answer 500 on about 17% of requests (issue #14), and every request queued at the core also
 * delays the app's own. So the limit follows the core, in the manner of TCP Vegas (and Netflix's
 * concurrency-limits VegasLimit):
 *
 * - It estimates how many of its requests are waiting rather than being worked on:
 *   `queued = limit x (1 - noLoadRoundTrip / recentRoundTrip)`. The recent round trip is a short moving
 *   average (about the last 5 answers); the no-load round trip is the lowest that average has been. The
 *   lowest average, not the fastest single answer: on a busy machine single answers jitter by half or
 *   more, and measuring the queue from a lucky outlier held the limit far too low.
 * - Every 30 round trips (400 answers at least) it measures the no-load round trip afresh, as TCP BBR's ProbeRTT does:
 *   for two round trips it sends half as many requests, so that whatever queue it had made drains,
 *   and takes the fastest answer of the second one as the new no-load round trip. A sliding minimum
 *   alone is not enough: a run that keeps the core busy never sees a no-load answer again, so the
 *   minimum would creep up to the loaded round trip and the queue would look empty.
 * - Slow start: from `initial`, +0.5 per good answer (x1.5 per round trip) while fewer than `alpha`
 *   requests are queued. Growth by half, not by doubling, so that the one round trip it takes to see the
 *   queue does not overshoot a core that fails writes above a few more requests than it has workers.
 * - Afterwards: as in slow start while nothing is queued, +1 per round trip below `alpha` queued, -1 per round trip above `beta`, unchanged
 *   between them (alpha = 3 log10(limit), beta = 6 log10(limit), at least 2 and 4): a few requests
 *   always waiting keep the core busy, more only lengthen its queue and the live app's wait.
 * - While this process is itself the bottleneck (its event loop busy most of the time, app/bulk/event-loop.server.ts: `clientBusy`),
 *   the round trip grows with our own wait for the loop, not with a queue at the core, so the queue
 *   estimate is not acted on and the limit grows as in slow start. A core that really is struggling
 *   leaves our loop idle between its answers, and then the estimate rules again. Once the core has
 *   failed a request as overloaded, this run no longer grows on a busy loop at all: the core has shown
 *   where its limit is, and a busy loop must not push the run back over it (the loaded bench retried 1
 *   write in 10 and exhausted a session's retries when it did).
 *   Without this, an idle core on this 2-core machine held the limit at 12-17 and a run took 1.3-1.5x
 *   as long as at a fixed 128 (issue #14's plain and 5 ms cases).
 * - A transient failure (5xx, 429, dropped connection, timeout) halves the limit, at most once per
 *   round trip: the answers already in flight were sent at the old limit and say nothing new.
 *   The limit it failed at is remembered (TCP's ssthresh): afterwards the limit grows fast only up to
 *   3/4 of it, then by one a round trip. A core that fails above a fixed number in flight (a real one's
 *   SQLite lock, the loaded bench) shows no queue before it fails, so regrowing at x1.5 a round trip
 *   went straight back into the failures, about every third round trip. Further cuts with no good round
 *   trip in between (an outage) keep the limit of the first, so recovery after it is still fast.
 * - Never below `min` or above `max` (the configured ceiling, BULK_APPLY_CONCURRENCY).
 *
 * Why not the previous short-versus-long average (a gradient): under a core with a fixed worker pool,
 * the long average follows the queue up as the limit grows, so it never said "stop" before the lock
 * errors did (5% of writes retried in the loaded bench). Pure: time comes from the caller, so it is
 * unit-tested without waiting. Hand-written, see docs/decisions/adaptive-bulk-concurrency.md.
 */

export interface AdaptiveLimitOptions {
  initial: number;
  min: number;
  max: number;
  /** Factor applied on a transient failure (default 0.5). */
  failureBackoff?: number;
}

export interface Sample {
  /** When the answer came, ms on the caller's clock. */
  at: number;
  latencyMs: number;
  /** A transient failure: the core said it is overloaded, or did not answer. */
  overloaded: boolean;
  /**
   * This process's event loop was busy most of the time (CLIENT_BUSY_THRESHOLD) when the answer came: the round trip then
   * measures our own wait as much as the core's, so it says nothing about a queue at the core.
   */
  clientBusy?: boolean;
}

const SHORT_WEIGHT = 0.2;
/** Answers before the queue estimate is trusted (slow start runs meanwhile). */
const WARM_UP = 10;
/** Answers (at least, and round trips at least) between two measurements of the no-load round trip. */
const PROBE_EVERY_ANSWERS = 400;
const PROBE_EVERY_ROUND_TRIPS = 30;
const SLOW_START_STEP = 0.5;
/** After a failure, the share of the limit it happened at up to which the limit grows fast again. */
const FAST_REGROW_SHARE = 0.75;

export class AdaptiveLimit {
  private value: number;
  private slowStart = true;
  private lastDecreaseAt = -Infinity;
  private answers = 0;
  private shortMs = 0;
  private noLoadMs = Infinity;
  private answersSinceProbe = 0;
  private holdUntil = -Infinity;
  /** While the no-load round trip is being measured: the limit to return to, and when to measure. */
  private probe?: { restoreTo: number; measureFrom: number; until: number; fastest: number };
  private readonly options: Required<AdaptiveLimitOptions>;
  /** Whether the core has failed a request as overloaded during this run. */
  private coreFailed = false;
  /** The limit at which the core last failed a request after a good round trip (see `cut`). */
  private failedAt?: number;
  /** Good answers since the last cut. */
  private goodSinceCut = 0;
  /** Decreases so far (failures and queueing), for the run page and the bench. */
  decreases = 0;

  constructor(options: AdaptiveLimitOptions) {
    this.options = { failureBackoff: 0.5, ...options };
    this.value = clamp(options.initial, options.min, options.max);
  }

  /** The whole number of requests that may be in flight now. */
  get limit(): number {
    return Math.floor(this.value);
  }

  /** The no-load round trip, ms (undefined before the first answer). */
  get baseline(): number | undefined {
    return Number.isFinite(this.noLoadMs) ? this.noLoadMs : undefined;
  }

  /** Sessions estimated to be waiting (in the core's queue or ours) rather than being worked on. */
  get queued(): number {
    const baseline = this.baseline;
    if (baseline === undefined || this.shortMs <= baseline) return 0;
    return this.value * (1 - baseline / this.shortMs);
  }

  /** Takes one answer into account. */
  record(sample: Sample): void {
    const { min, max, failureBackoff } = this.options;
    if (sample.overloaded) {
      // One cut per round trip: answers to requests sent before the last cut are old news.
      if (sample.at - this.lastDecreaseAt < Math.max(this.shortMs, 1)) return;
      // A failure ends a measurement of the no-load round trip; the cut applies to the run's limit.
      const from = this.probe?.restoreTo ?? this.value;
      this.probe = undefined;
      this.cut(sample.at, from, from * failureBackoff);
      return;
    }
    this.answers += 1;
    this.goodSinceCut += 1;
    this.shortMs += (this.answers <= WARM_UP ? 1 / this.answers : SHORT_WEIGHT) * (sample.latencyMs - this.shortMs);
    if (this.probe) {
      const probe = this.probe;
      if (sample.at >= probe.measureFrom) probe.fastest = Math.min(probe.fastest, this.shortMs);
      if (sample.at < probe.until) return;
      if (Number.isFinite(probe.fastest)) this.noLoadMs = probe.fastest;
      this.value = probe.restoreTo;
      this.probe = undefined;
      // The recent average is still the probe's light one: no growth until the restored limit's own
      // answers have come in.
      this.holdUntil = sample.at + 2 * Math.max(this.shortMs, 1);
      return;
    }
    if (sample.at < this.holdUntil) return;
    this.noLoadMs = Math.min(this.noLoadMs, this.shortMs);
    if (++this.answersSinceProbe >= Math.max(PROBE_EVERY_ANSWERS, PROBE_EVERY_ROUND_TRIPS * this.value)) {
      this.answersSinceProbe = 0;
      // The first round trip drains what was sent at the full limit; the second is measured.
      const roundTrip = Math.max(this.shortMs, 1);
      this.probe = { restoreTo: this.value, measureFrom: sample.at + roundTrip, until: sample.at + 2 * roundTrip, fastest: Infinity };
      this.value = clamp(this.value / 2, min, max);
      return;
    }
    if (this.answers < WARM_UP) {
      // Too few answers to estimate a queue: grow as in slow start (also after an early cut, so a run
      // that began in an outage does not crawl up from 1).
      this.value = clamp(this.value + SLOW_START_STEP, min, max);
      return;
    }
    const scale = Math.log10(Math.max(this.value, 10));
    const alpha = Math.max(2, 3 * scale);
    const beta = Math.max(4, 6 * scale);
    if (this.slowStart) {
      if (this.queued < alpha) {
        this.value = clamp(this.value + SLOW_START_STEP, min, max);
        return;
      }
      this.slowStart = false;
    }
    // Our own loop is the bottleneck: a longer round trip is our wait, not the core's queue (not in slow
    // start, whose first queue is the core's to judge, and not once the core has failed a request).
    const queued = sample.clientBusy && !this.coreFailed ? 0 : this.queued;
    // Nothing queued at all (after a cut, or the core got faster): grow as in slow start, so a limit cut
    // to 1 by an outage does not take a hundred round trips to come back.
    // ... but after a failure only up to 3/4 of where the core failed; from there one a round trip.
    const regrowFast = this.failedAt === undefined || this.value < FAST_REGROW_SHARE * this.failedAt;
    if (queued < 1 && regrowFast) this.value = clamp(this.value + SLOW_START_STEP, min, max);
    else if (queued < alpha) this.value = clamp(this.value + 1 / this.value, min, max);
    else if (queued > beta) {
      this.value = clamp(this.value - 1 / this.value, min, max);
      if (sample.at - this.lastDecreaseAt >= Math.max(this.shortMs, 1)) {
        this.lastDecreaseAt = sample.at;
        this.decreases += 1;
      }
    }
  }

  private cut(at: number, from: number, to: number): void {
    // Where the core failed. Cuts that follow with no good round trip in between are one outage: they
    // keep the limit it began at, not the 1 it was cut down to.
    if (this.failedAt === undefined || this.goodSinceCut >= from) this.failedAt = from;
    this.goodSinceCut = 0;
    this.coreFailed = true;
    this.value = clamp(to, this.options.min, this.options.max);
    this.lastDecreaseAt = at;
    this.slowStart = false;
    this.decreases += 1;
  }
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * Lets at most `limit.limit` callers through at once, in arrival order; the limit may change between
 * calls. Each pass reports its round trip to the limit when released. `share`, when given, lowers that
 * further: a run applied by several instances gives each its part of the run's one limit (never below 1).
 * A caller may ask to go first
 * (`priority`): a bulk session's write, whose read has already passed, goes ahead of reads that start
 * new sessions, so that the time between a session's read and its write (when a change by the
 * customer's app could land unseen, see write.server.ts) stays one pass long however many wait.
 */
export class AdaptiveGate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly waitingFirst: (() => void)[] = [];

  constructor(
    readonly limit: AdaptiveLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly share: () => number = () => Infinity,
    /** Whether this process is itself the bottleneck now (see Sample.clientBusy). */
    private readonly clientBusy: () => boolean = () => false,
  ) {}

  get active(): number {
    return this.inFlight;
  }

  /** How many may be in flight now: the limit, or this instance's share of the run's limit if lower. */
  get allowed(): number {
    return Math.max(1, Math.min(this.limit.limit, Math.floor(this.share())));
  }

  /**
   * Waits for a free place; returns how to report the outcome and free it. The round trip is the time
   * in between, unless the caller measured a better one (`latencyMs`). Released with no outcome
   * (`undefined`), the place is freed and the limit learns nothing (the pass was never used).
   */
  async enter(options: { priority?: boolean } = {}): Promise<(outcome: { overloaded: boolean; latencyMs?: number } | undefined) => void> {
    // First come, first served within each queue: a newcomer waits behind anyone already waiting. A
    // waiter is counted in by wake(), before it resumes, so no one can slip past the limit in between.
    if (this.inFlight >= this.allowed || this.waiting.length > 0 || this.waitingFirst.length > 0) {
      await new Promise<void>((resolve) => (options.priority ? this.waitingFirst : this.waiting).push(resolve));
    } else this.inFlight += 1;
    const started = this.now();
    let left = false;
    return (outcome) => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
      const at = this.now();
      if (outcome) this.limit.record({ at, latencyMs: outcome.latencyMs ?? at - started, overloaded: outcome.overloaded, clientBusy: this.clientBusy() });
      this.wake();
    };
  }

  private wake(): void {
    while (this.inFlight < this.allowed) {
      const next = this.waitingFirst.shift() ?? this.waiting.shift();
      if (!next) return;
      this.inFlight += 1;
      next();
    }
  }
}
