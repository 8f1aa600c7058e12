// The core's notion of "now". Tests and the seed shift it (e.g. back by 99 days) so that sessions
// they create are close to expiry, then put it back; everything time-related in the core reads it.

export class Clock {
  private offsetMs: number;

  constructor(offsetMs = 0) {
    this.offsetMs = offsetMs;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setOffsetMs(ms: number): void {
    if (!Number.isFinite(ms)) throw new Error("clock offset must be a finite number of milliseconds");
    this.offsetMs = Math.trunc(ms);
  }

  getOffsetMs(): number {
    return this.offsetMs;
  }
}
