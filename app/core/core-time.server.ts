/**
 * How long the core took, as seen by one piece of work: the time its calls to the core spent in flight,
 * without the time spent between them (the audit entry, the diff, the run's bookkeeping).
 *
 * A bulk run's adaptive limit (app/bulk/adaptive-limit.ts) looks for the core's queue in its round
 * trips. Timed over a whole session's work, the round trip also holds our own database writes and
 * event-loop turns, whose jitter reads as a queue and held the limit far below what an idle core takes
 * (13 with 5 ms of added latency, where the floor is best at 64). Timed over the core calls alone, it
 * says what the core does.
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface CoreTime {
  ms: number;
  calls: number;
}

const current = new AsyncLocalStorage<CoreTime>();

/** Runs `work`, and returns its result with the time its core calls were in flight. */
export async function measureCoreTime<T>(work: () => Promise<T>): Promise<{ result: T; coreMs: number; coreCalls: number }> {
  const time: CoreTime = { ms: 0, calls: 0 };
  const result = await current.run(time, work);
  return { result, coreMs: time.ms, coreCalls: time.calls };
}

/** Adds the duration of one core call to the work being measured, if any. */
export async function timeCoreCall<T>(call: () => Promise<T>): Promise<T> {
  const time = current.getStore();
  if (!time) return call();
  const started = performance.now();
  try {
    return await call();
  } finally {
    time.ms += performance.now() - started;
    time.calls += 1;
  }
}
