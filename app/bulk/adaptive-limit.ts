/**
 * How many sessions a bulk run works on at once, found while it runs instead of fixed in advance. A
 * support tool shares its core with the customer's live app: a fixed 128 tuned on an idle core made a
 * real core answer 500 on about 17% of requests (issue #14), and every request queued at the core also
 * delays the app's own. So the limit follows the core:
 *
 * - Slow start: from `initial`, +1 per good answer (doubling every round trip), until round trips start
 *   to grow (the short-term average passes 1.25x the long-term one) or trouble comes.
 * - Additive increase afterwards: +1 per round trip's worth of good answers (1/limit each).
 * - Multiplicative decrease: a transient failure (5xx, 429, dropped connection) halves the limit; a
 *   short-term average round trip over `latencyTolerance` x the long-term one (requests have started to
 *   queue at the core) takes it down by `queueBackoff`. At most one cut per round trip: the answers
 *   already in flight when the first signal came were sent at the old limit and say nothing new.
 * - Never below `min` or above `max` (the configured ceiling, BULK_APPLY_CONCURRENCY).
 *
 * Comparing a short average with a long one (as Netflix's gradient limiter does), not with the fastest
 * answer ever seen, matters: when round trips are long because our own CPU is busy (the bundled core on
 * the same machine), fewer sessions in flight would not make them shorter, and the long average absorbs
 * that steady state instead of cutting the limit again and again. Pure: time comes from the caller, so
 * it is unit-tested without waiting. Hand-written, see docs/decisions/adaptive-bulk-concurrency.md.
 */

export interface AdaptiveLimitOptions {
  initial: number;
  min: number;
  max: number;
  /** A short-term average round trip over this x the long-term one counts as queueing (default 2). */
  latencyTolerance?: number;
  /** Factor applied on a transient failure (default 0.5). */
  failureBackoff?: number;
  /** Factor applied on queueing (default 0.8). */
  queueBackoff?: number;
}

export interface Sample {
  /** When the answer came, ms on the caller's clock. */
  at: number;
  latencyMs: number;
  /** A transient failure: the core said it is overloaded, or did not answer. */
  overloaded: boolean;
}

const SHORT_WEIGHT = 0.2;
const LONG_WEIGHT = 0.02;
/** Answers before the averages are trusted to signal anything. */
const WARM_UP = 10;
const SLOW_START_EXIT = 1.25;

export class AdaptiveLimit {
  private value: number;
  private slowStart = true;
  private lastDecreaseAt = -Infinity;
  private answers = 0;
  private shortMs = 0;
  private longMs = 0;
  private readonly options: Required<AdaptiveLimitOptions>;
  /** Decreases so far, for the run page and the bench. */
  decreases = 0;

  constructor(options: AdaptiveLimitOptions) {
    this.options = { latencyTolerance: 2, failureBackoff: 0.5, queueBackoff: 0.8, ...options };
    this.value = clamp(options.initial, options.min, options.max);
  }

  /** The whole number of sessions that may be in flight now. */
  get limit(): number {
    return Math.floor(this.value);
  }

  /** The long-term average round trip, ms (undefined before the first answer). */
  get baseline(): number | undefined {
    return this.answers > 0 ? this.longMs : undefined;
  }

  /** Takes one answer into account. */
  record(sample: Sample): void {
    const { min, max, latencyTolerance, failureBackoff, queueBackoff } = this.options;
    if (!sample.overloaded) {
      this.answers += 1;
      // Over the first answers both averages are their plain mean, so neither starts from zero.
      const weight = (w: number) => (this.answers <= WARM_UP ? 1 / this.answers : w);
      this.shortMs += weight(SHORT_WEIGHT) * (sample.latencyMs - this.shortMs);
      this.longMs += weight(LONG_WEIGHT) * (sample.latencyMs - this.longMs);
    }
    const warm = this.answers >= WARM_UP;
    const queueing = !sample.overloaded && warm && this.shortMs > latencyTolerance * this.longMs;
    if (sample.overloaded || queueing) {
      // One decrease per round trip: answers to requests sent before the last decrease are old news.
      if (sample.at - this.lastDecreaseAt < Math.max(this.shortMs, 1)) return;
      this.value = clamp(this.value * (sample.overloaded ? failureBackoff : queueBackoff), min, max);
      this.lastDecreaseAt = sample.at;
      this.slowStart = false;
      this.decreases += 1;
      return;
    }
    if (this.slowStart && warm && this.shortMs > SLOW_START_EXIT * this.longMs) this.slowStart = false;
    this.value = clamp(this.value + (this.slowStart ? 1 : 1 / this.value), min, max);
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
