/**
 * How many sessions a bulk run works on at once, found while it runs instead of fixed in advance. A
 * support tool shares its core with the customer's live app: a fixed 128 tuned on an idle core made a
 * real core answer 500 on about 17% of requests (issue #14), and every request queued at the core also
 * delays the app's own. So the limit follows the core:
 *
 * - Slow start: from `initial`, +1 per good answer (doubling every round trip) until the first sign of
 *   trouble, as TCP does, so an idle core is used fully within a few dozen answers.
 * - Additive increase afterwards: +1 per round trip's worth of good answers (1/limit each).
 * - Multiplicative decrease: a transient failure (5xx, 429, dropped connection) halves the limit; a
 *   round trip slower than `latencyTolerance` × the fastest recent one (requests queueing at the core)
 *   takes it down by `queueBackoff` (judged on a moving average, so one slow answer is not a trend). At most one decrease per round trip: the answers already in flight
 *   when the first signal came were sent at the old limit and say nothing new.
 * - Never below `min` or above `max` (the configured ceiling, BULK_APPLY_CONCURRENCY).
 *
 * The fastest round trip is the best of the last `baselineWindow` answers, so a core that gets faster
 * or slower for good moves the baseline with it. Pure: time comes from the caller, so it is unit-tested
 * without waiting. Hand-written, see docs/decisions/adaptive-bulk-concurrency.md.
 */

export interface AdaptiveLimitOptions {
  initial: number;
  min: number;
  max: number;
  /** A round trip slower than this × the baseline counts as queueing (default 2). */
  latencyTolerance?: number;
  /** Factor applied on a transient failure (default 0.5). */
  failureBackoff?: number;
  /** Factor applied on queueing (default 0.8). */
  queueBackoff?: number;
  /** Answers over which the fastest round trip is the baseline (default 200). */
  baselineWindow?: number;
}

export interface Sample {
  /** When the answer came, ms on the caller's clock. */
  at: number;
  latencyMs: number;
  /** A transient failure: the core said it is overloaded, or did not answer. */
  overloaded: boolean;
}

export class AdaptiveLimit {
  private value: number;
  private slowStart = true;
  private lastDecreaseAt = -Infinity;
  private recent: number[] = [];
  private baselineMs = Infinity;
  private smoothedMs = 0;
  private readonly options: Required<AdaptiveLimitOptions>;
  /** Decreases so far, for the run page and the bench. */
  decreases = 0;

  constructor(options: AdaptiveLimitOptions) {
    this.options = { latencyTolerance: 2, failureBackoff: 0.5, queueBackoff: 0.8, baselineWindow: 200, ...options };
    this.value = clamp(options.initial, options.min, options.max);
  }

  /** The whole number of sessions that may be in flight now. */
  get limit(): number {
    return Math.floor(this.value);
  }

  /** The fastest recent round trip, ms (undefined before the first answer). */
  get baseline(): number | undefined {
    return Number.isFinite(this.baselineMs) ? this.baselineMs : undefined;
  }

  /** Takes one answer into account. */
  record(sample: Sample): void {
    const { min, max, latencyTolerance, failureBackoff, queueBackoff } = this.options;
    this.smoothedMs = this.smoothedMs === 0 ? sample.latencyMs : 0.8 * this.smoothedMs + 0.2 * sample.latencyMs;
    if (!sample.overloaded) this.noteLatency(sample.latencyMs);
    // Queueing is judged on the smoothed round trip, so that one slow answer (a GC pause) is not taken
    // for a core that has started to queue.
    const queueing = !sample.overloaded && this.recent.length >= 10 && this.smoothedMs > latencyTolerance * this.baselineMs;
    if (sample.overloaded || queueing) {
      // One decrease per round trip: answers to requests sent before the last decrease are old news.
      if (sample.at - this.lastDecreaseAt < Math.max(this.smoothedMs, 1)) return;
      this.value = clamp(this.value * (sample.overloaded ? failureBackoff : queueBackoff), min, max);
      this.lastDecreaseAt = sample.at;
      this.slowStart = false;
      this.decreases += 1;
      return;
    }
    this.value = clamp(this.value + (this.slowStart ? 1 : 1 / this.value), min, max);
  }

  private noteLatency(latencyMs: number): void {
    this.recent.push(latencyMs);
    if (this.recent.length > this.options.baselineWindow) this.recent.shift();
    // The minimum of a sliding window: recomputed only when the oldest (possibly the minimum) left.
    this.baselineMs = latencyMs < this.baselineMs ? latencyMs : this.recent.length === this.options.baselineWindow ? Math.min(...this.recent) : this.baselineMs;
  }
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * Lets at most `limit.limit` callers through at once, in arrival order; the limit may change between
 * calls. Each pass reports its round trip to the limit when released.
 */
export class AdaptiveGate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: AdaptiveLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get active(): number {
    return this.inFlight;
  }

  /** Waits for a free place; returns how to report the outcome and free it. */
  async enter(): Promise<(outcome: { overloaded: boolean }) => void> {
    // First come, first served: a newcomer waits behind anyone already waiting. A waiter is counted in
    // by wake(), before it resumes, so no one can slip past the limit in between.
    if (this.inFlight >= this.limit.limit || this.waiting.length > 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight += 1;
    const started = this.now();
    let left = false;
    return ({ overloaded }) => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
      const at = this.now();
      this.limit.record({ at, latencyMs: at - started, overloaded });
      this.wake();
    };
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.inFlight < this.limit.limit) {
      this.inFlight += 1;
      this.waiting.shift()!();
    }
  }
}
