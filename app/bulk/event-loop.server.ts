import { performance } from "node:perf_hooks";

/**
 * Whether this thread's event loop has been busy at least `threshold` of the last `windowMs` or so
 * (Node's event-loop utilization: the share of time spent running code rather than waiting for I/O).
 * Cheap enough to ask on every answer: it re-measures at most once per window.
 */
export function eventLoopSaturation(options: { windowMs?: number; threshold?: number } = {}): () => boolean {
  const windowMs = options.windowMs ?? 100;
  const threshold = options.threshold ?? 0.9;
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
