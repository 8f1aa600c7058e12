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

  it("backs off when the short-term average round trip passes the tolerance over the long-term one (the core is queueing)", () => {
    const limit = new AdaptiveLimit({ initial: 40, min: 1, max: 64, latencyTolerance: 2, queueBackoff: 0.8 });
    for (let i = 0; i < 10; i++) limit.record(good(i, 10));
    expect(limit.baseline).toBe(10);
    expect(limit.limit).toBe(50);
    limit.record(good(100, 19)); // slower, within tolerance: still a good answer
    expect(limit.limit).toBe(51);
    let at = 200;
    while (limit.decreases === 0 && at < 300) limit.record(good((at += 1), 60)); // round trips of 6x: queueing
    expect(limit.decreases).toBe(1);
    expect(limit.limit).toBe(40); // 51 x 0.8
  });

  it("ends slow start, without a cut, once round trips begin to grow", () => {
    const limit = new AdaptiveLimit({ initial: 8, min: 1, max: 1000 });
    for (let i = 0; i < 10; i++) limit.record(good(i, 10));
    expect(limit.limit).toBe(18);
    limit.record(good(20, 30)); // the short average rises past 1.25x the long one
    expect(limit.decreases).toBe(0);
    const before = limit.limit;
    for (let i = 0; i < 5; i++) limit.record(good(30 + i, 12));
    expect(limit.limit).toBeLessThanOrEqual(before + 1); // additive now, not +1 each
  });

  it("never goes below its minimum, however often the core fails", () => {
    const limit = new AdaptiveLimit({ initial: 8, min: 2, max: 8 });
    for (let i = 0; i < 10; i++) limit.record(failed(i * 1000));
    expect(limit.limit).toBe(2);
  });

  it("does not keep cutting when round trips are long but steady (our own CPU busy, not the core queueing)", () => {
    const limit = new AdaptiveLimit({ initial: 16, min: 1, max: 64 });
    for (let i = 0; i < 10; i++) limit.record(good(i, 5));
    // Round trips settle at 4x; the long-term average follows, so at most a cut or two, then growth again.
    // Answers come as a run sends them: `limit` of them per round trip.
    let at = 100;
    for (let i = 0; i < 3000; i++) limit.record(good((at += 20 / limit.limit), 20));
    expect(limit.decreases).toBeLessThanOrEqual(2);
    expect(limit.limit).toBe(64);
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
