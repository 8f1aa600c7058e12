/**
 * Paces the core calls of a piece of work (one attempt at one bulk session) through an adaptive gate:
 * each call waits for a place at the gate, and reports its own round trip and whether the core was
 * overloaded. The gate's limit is on requests in flight at the core, not on sessions in flight.
 *
 * Why per call and not per session: a session's work is two core calls with our own work in between
 * (the fingerprint, the audit entry committed before the write and its outcome after). Pacing whole
 * sessions held them to a dozen at once on an idle core, because our own work read as a queue, and a
 * dozen sessions leave the audit store's group commits small and the core idle between calls (plain
 * bulk bench: 2.2–4.8× the SDK alone). Pacing the calls lets many sessions do their own work while the
 * core is kept to what it can take (app/bulk/adaptive-limit.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { AdaptiveGate } from "~/bulk/adaptive-limit";

export interface CorePacing {
  gate: AdaptiveGate;
  /** Whether what a call threw means the core is overloaded (5xx, 429, no answer). */
  overloaded(error: unknown): boolean;
  /**
   * Asked before the work's first call, and again once it has its place: false stops the work there,
   * with CoreCallNotStartedError, before anything was sent (a run cancelled while its sessions waited).
   */
  mayStart(): boolean;
}

/** The work was stopped before its first core call: nothing was sent, read or written. */
export class CoreCallNotStartedError extends Error {
  constructor() {
    super("Stopped before its first core call; nothing was sent.");
    this.name = "CoreCallNotStartedError";
  }
}

interface PacedWork {
  pacing: CorePacing;
  calls: number;
}

const current = new AsyncLocalStorage<PacedWork>();

/** Runs `work`, its core calls paced by `pacing`. */
export function withCorePacing<T>(pacing: CorePacing, work: () => Promise<T>): Promise<T> {
  return current.run({ pacing, calls: 0 }, work);
}

/** Runs one core call, through the gate of the work it belongs to, if any. */
export async function pacedCoreCall<T>(call: () => Promise<T>): Promise<T> {
  const work = current.getStore();
  if (!work) return call();
  const { pacing } = work;
  const first = work.calls === 0;
  if (first && !pacing.mayStart()) throw new CoreCallNotStartedError();
  // The work's later calls (a session's write after its read) go ahead of new sessions' first ones.
  const leave = await pacing.gate.enter({ priority: !first });
  if (first && !pacing.mayStart()) {
    leave(undefined);
    throw new CoreCallNotStartedError();
  }
  work.calls += 1;
  try {
    const result = await call();
    leave({ overloaded: false });
    return result;
  } catch (error) {
    leave({ overloaded: pacing.overloaded(error) });
    throw error;
  }
}
