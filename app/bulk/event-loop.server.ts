import { performance } from "node:perf_hooks";

/**
 * The share of time busy from which a bulk run treats its round trips as its own wait (see
 * AdaptiveLimit's `clientBusy`). Measured on the 2-CPU project machine (1,000 sessions, 2026-12-06):
 * against a core with 5 ms of latency that never queues, the loop was 75-85% busy while Vegas, reading
 * our own wait as a queue, held the limit at 20-35 (at 90% the signal rarely fired, and a run took
 * 1.3-1.7x as long as one at 128); against the loaded core (service time, contention), whose queue is
 * real, the loop was 50-57% busy. 0.7 sits between the two. A run on a faster machine is less busy
 * everywhere, and then its own wait is also a smaller part of the round trip.
 */
export const CLIENT_BUSY_THRESHOLD = 0.7;

/**
 * Whether this thread's event loop has been busy at least `threshold` of the last `windowMs` or so
 * (Node's event-loop utilization: the share of time spent running code rather than waiting for I/O).
 * Cheap enough to ask on every answer: it re-measures at most once per window.
 */
export function eventLoopSaturation(options: { windowMs?: number; threshold?: number } = {}): () => boolean {
  const windowMs = options.windowMs ?? 100;
  const threshold = options.threshold ?? CLIENT_BUSY_THRESHOLD;
  let last = performance.eventLoopUtilization();
  let lastAt = performance.now();
  let busy = false;
  return () => {
    const now = performance.now();
    if (now - lastAt >= windowMs) {
      const current = performance.eventLoopUtilization();
      busy = performance.eventLoopUtilization(current, last).utilization >= threshold;
      last = current;
      lastAt = now;
    }
    return busy;
  };
}
