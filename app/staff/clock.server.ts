/**
 * "Now" for staff sessions, sign-in throttling and audit timestamps. Tests move it forward to check idle
 * expiry and throttle windows without sleeping. The offset lives on globalThis because the test, the
 * server start-up and the Remix build each load their own copy of this module.
 */
interface ClockState {
  offsetMs: number;
  /** Tests only: when set, time stands still here (plus any advanceClock) — waits can be checked to the millisecond. */
  frozenAtMs?: number;
}

function state(): ClockState {
  const store = globalThis as unknown as { __sessionDeskClock?: ClockState };
  store.__sessionDeskClock ??= { offsetMs: 0 };
  return store.__sessionDeskClock;
}

export function now(): Date {
  const clock = state();
  return new Date((clock.frozenAtMs ?? Date.now()) + clock.offsetMs);
}

export function nowIso(): string {
  return now().toISOString();
}

/** Tests only: moves this process's clock forward (or back, with a negative value). */
export function advanceClock(ms: number): void {
  state().offsetMs += ms;
}

/** Tests only: stops this process's clock where it is (advanceClock still moves it). */
export function freezeClock(): void {
  state().frozenAtMs = Date.now();
}

/** Tests only: back to the real time. */
export function resetClock(): void {
  state().offsetMs = 0;
  state().frozenAtMs = undefined;
}
