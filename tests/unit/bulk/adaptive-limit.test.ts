import { describe, expect, it } from "vitest";
import { AdaptiveGate, AdaptiveLimit } from "~/bulk/adaptive-limit";

const good = (at: number, latencyMs = 10) => ({ at, latencyMs, overloaded: false });
const failed = (at: number, latencyMs = 10) => ({ at, latencyMs, overloaded: true });

describe("AdaptiveLimit", () => {
  it("slow start: +1 per good answer until the first sign of trouble, never above the ceiling", () => {
    const limit = new AdaptiveLimit({ initial: 4, min: 1, max: 20 });
    for (let i = 0; i < 4; i++) limit.record(good(i));
    expect(limit.limit).toBe(8);
    for (let i = 0; i < 100; i++) limit.record(good(10 + i));
    expect(limit.limit).toBe(20);
  });

  it("halves on a transient failure, once per round trip; then climbs by about one per round trip", () => {
    const limit = new AdaptiveLimit({ initial: 32, min: 1, max: 128 });
    for (let i = 0; i < 20; i++) limit.record(good(i));
    expect(limit.limit).toBe(52);
    limit.record(failed(100));
    expect(limit.limit).toBe(26);
    // Failures of requests already in flight at the old limit, within one round trip: no further cut.
    limit.record(failed(103));
    limit.record(failed(105));
    expect(limit.limit).toBe(26);
    // A round trip later, a new failure cuts again.
    limit.record(failed(130));
    expect(limit.limit).toBe(13);
    // Additive increase: about a round trip's worth of good answers (1/limit each) adds one.
    for (let i = 0; i < 14; i++) limit.record(good(200 + i));
    expect(limit.limit).toBe(14);
    expect(limit.decreases).toBe(2);
  });

  it("backs off when round trips grow past the tolerance over the fastest recent one (the core is queueing)", () => {
    const limit = new AdaptiveLimit({ initial: 40, min: 1, max: 64, latencyTolerance: 2, queueBackoff: 0.8 });
    for (let i = 0; i < 10; i++) limit.record(good(i, 10));
    expect(limit.baseline).toBe(10);
    expect(limit.limit).toBe(50);
    limit.record(good(100, 19)); // slower, within tolerance: still a good answer
    expect(limit.limit).toBe(51);
    limit.record(good(110, 200)); // one very slow answer moves the average to 2.2x the baseline: queueing
    expect(limit.limit).toBe(40);
    expect(limit.decreases).toBe(1);
    // The moving average is what counts: it stays above the tolerance a while, but one cut per round trip.
    limit.record(good(112, 10));
    expect(limit.limit).toBe(40);
  });

  it("never goes below its minimum, however often the core fails", () => {
    const limit = new AdaptiveLimit({ initial: 8, min: 2, max: 8 });
    for (let i = 0; i < 10; i++) limit.record(failed(i * 1000));
    expect(limit.limit).toBe(2);
  });

  it("moves its baseline with the core: the fastest of the recent window, not of all time", () => {
    const limit = new AdaptiveLimit({ initial: 4, min: 1, max: 8, baselineWindow: 20 });
    limit.record(good(0, 1));
    for (let i = 1; i <= 20; i++) limit.record(good(i, 5));
    expect(limit.baseline).toBe(5);
  });
});

/** Lets every promise callback that is ready run. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("AdaptiveGate", () => {
  it("lets at most the limit through at once, first come first served, and more as the limit grows", async () => {
    let clock = 0;
    const gate = new AdaptiveGate(new AdaptiveLimit({ initial: 2, min: 1, max: 4 }), () => clock);
    const order: number[] = [];
    let most = 0;
    const leaves: ((outcome: { overloaded: boolean }) => void)[] = [];
    const entries = Array.from({ length: 6 }, (_, i) =>
      gate.enter().then((leave) => {
        order.push(i);
        most = Math.max(most, gate.active);
        leaves.push(leave);
      }),
    );
    await settled();
    expect(order).toEqual([0, 1]);
    // One good answer: the limit goes to 3, so two more may enter in place of the one that left.
    clock = 10;
    leaves.shift()!({ overloaded: false });
    await settled();
    expect(order).toEqual([0, 1, 2, 3]);
    expect(gate.active).toBe(3);
    // A failure halves the limit (3 -> 1): nobody new enters until the active ones drop below it.
    clock = 20;
    leaves.shift()!({ overloaded: true });
    await settled();
    expect(order).toEqual([0, 1, 2, 3]);
    expect(gate.limit.limit).toBe(1);
    // Two good answers: the limit climbs again (1 -> 2.2 -> 2.6), and each leaves a place for the next.
    clock = 30;
    leaves.shift()!({ overloaded: false });
    await settled();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(gate.active).toBe(2);
    leaves.shift()!({ overloaded: false });
    await settled();
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    while (leaves.length > 0 || order.length < 6) {
      clock += 10;
      leaves.shift()?.({ overloaded: false });
      await settled();
    }
    await Promise.all(entries);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBeLessThanOrEqual(3);
  });
});
