import { describe, expect, it } from "vitest";
import { AdaptiveGate, AdaptiveLimit } from "~/bulk/adaptive-limit";
import { CLIENT_BUSY_THRESHOLD, eventLoopSaturation } from "~/bulk/event-loop.server";

const good = (at: number, latencyMs = 10) => ({ at, latencyMs, overloaded: false });
const failed = (at: number, latencyMs = 10) => ({ at, latencyMs, overloaded: true });

/**
 * Runs `rounds` round trips against a model core: each round trip `limit` answers come back, spread over
 * the round trip, whose length and outcome `core` decides from the number in flight. Returns the limit
 * after each round trip and how many answers were failures.
 */
function simulate(limit: AdaptiveLimit, rounds: number, core: (inFlight: number) => { latencyMs: number; failures: number; clientBusy?: boolean }) {
  let at = 0;
  let failures = 0;
  const limits: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const inFlight = limit.limit;
    const answer = core(inFlight);
    for (let i = 0; i < inFlight; i++) {
      const overloaded = i < answer.failures;
      if (overloaded) failures += 1;
      limit.record({ at: at + ((i + 1) * answer.latencyMs) / inFlight, latencyMs: answer.latencyMs, overloaded, clientBusy: answer.clientBusy });
    }
    at += answer.latencyMs;
    limits.push(limit.limit);
  }
  return { limits, failures };
}

/** A core with `workers` threads of `serviceMs` each, whose writes fail above `contention` in flight. */
const workerPoolCore = (workers: number, serviceMs: number, contention: number) => (inFlight: number) => ({
  latencyMs: 2 * serviceMs * Math.max(1, inFlight / workers) + 1,
  failures: inFlight > contention ? inFlight - contention : 0,
});

describe("AdaptiveLimit", () => {
  it("slow start: +0.5 per good answer while nothing is queued, never above the ceiling", () => {
    const limit = new AdaptiveLimit({ initial: 4, min: 1, max: 20 });
    for (let i = 0; i < 4; i++) limit.record(good(i));
    expect(limit.limit).toBe(6);
    for (let i = 0; i < 100; i++) limit.record(good(10 + i));
    expect(limit.limit).toBe(20);
  });

  it("halves on a transient failure, once per round trip", () => {
    const limit = new AdaptiveLimit({ initial: 32, min: 1, max: 128 });
    for (let i = 0; i < 20; i++) limit.record(good(i));
    expect(limit.limit).toBe(42);
    limit.record(failed(100));
    expect(limit.limit).toBe(21);
    // Failures of requests already in flight at the old limit, within one round trip: no further cut.
    limit.record(failed(103));
    limit.record(failed(105));
    expect(limit.limit).toBe(21);
    // A round trip later, a new failure cuts again.
    limit.record(failed(130));
    expect(limit.limit).toBe(10);
    expect(limit.decreases).toBe(2);
  });

  it("settles between a worker pool's size and its contention limit, with few failures (the loaded bench's core)", () => {
    const limit = new AdaptiveLimit({ initial: 8, min: 1, max: 128 });
    const { limits, failures } = simulate(limit, 300, workerPoolCore(8, 4, 16));
    const settled = limits.slice(50);
    // Between the workers and the contention limit, but for the round trips that measure the no-load
    // round trip afresh at half the limit.
    expect(Math.max(...settled)).toBeLessThanOrEqual(16);
    expect(settled.filter((value) => value >= 8).length).toBeGreaterThanOrEqual(0.85 * settled.length);
    // 300 round trips of 8-16 answers: a failure or two at most, as the limit first finds the queue.
    expect(failures).toBeLessThanOrEqual(0.01 * settled.reduce((a, b) => a + b, 0));
  });

  it("climbs to the ceiling when round trips do not grow with it (a core that is far away, not busy)", () => {
    const limit = new AdaptiveLimit({ initial: 8, min: 1, max: 128 });
    const { limits } = simulate(limit, 60, () => ({ latencyMs: 10, failures: 0 }));
    expect(limits.slice(20).filter((value) => value === 128).length).toBeGreaterThanOrEqual(30);
  });

  /** Our own process as the bottleneck: it handles an answer every 0.3 ms, so round trips grow with what is in flight. */
  const busyClient = (failAbove = Infinity) => (inFlight: number) => ({ latencyMs: 1 + 0.3 * inFlight, failures: inFlight > failAbove ? inFlight - failAbove : 0, clientBusy: true });

  it("climbs to the ceiling while its own loop is the bottleneck: the longer round trip is its own wait, not a queue at the core", () => {
    const busy = new AdaptiveLimit({ initial: 8, min: 1, max: 128 });
    const climbed = simulate(busy, 60, busyClient()).limits.slice(10);
    // At the ceiling but for the round trips that measure the no-load round trip afresh at half the limit.
    expect(climbed.filter((value) => value === 128).length).toBeGreaterThanOrEqual(0.9 * climbed.length);
    // The same round trips from an idle loop are a queue, and hold it low (the bundled core's plain case before).
    const idle = new AdaptiveLimit({ initial: 8, min: 1, max: 128 });
    const { limits } = simulate(idle, 60, (inFlight) => ({ ...busyClient()(inFlight), clientBusy: false }));
    expect(Math.max(...limits.slice(10))).toBeLessThanOrEqual(16);
  });

  it("stops growing on a busy loop once the core has failed a request as overloaded", () => {
    const limit = new AdaptiveLimit({ initial: 8, min: 1, max: 128 });
    const { limits, failures } = simulate(limit, 200, busyClient(40));
    const settled = limits.slice(60);
    // Past the first cut the queue estimate rules again: it stays under where the core failed,
    // instead of climbing back into the failures after every cut.
    expect(Math.max(...settled)).toBeLessThanOrEqual(40);
    expect(failures).toBeLessThan(0.01 * limits.reduce((a, b) => a + b, 0));
  });

  it("after a failure, regrows fast only to 3/4 of where the core failed, then one a round trip (a core that fails with no queue first)", () => {
    // The round trip does not grow before the failures: nothing but the failures says where the core's limit is.
    const lockingCore = (inFlight: number) => ({ latencyMs: 10, failures: inFlight > 20 ? inFlight - 20 : 0 });
    const limit = new AdaptiveLimit({ initial: 8, min: 1, max: 128 });
    const { limits, failures } = simulate(limit, 200, lockingCore);
    const answers = limits.reduce((a, b) => a + b, 0);
    // Regrowing at x1.5 a round trip after each halving went straight back over: 14% of answers failed.
    expect(failures).toBeLessThan(0.015 * answers);
    // ... and it still works near the core's limit most of the time.
    expect(limits.slice(20).filter((value) => value >= 14).length).toBeGreaterThanOrEqual(0.7 * 180);
  });

  it("comes back quickly after an outage cut the limit to its minimum", () => {
    const limit = new AdaptiveLimit({ initial: 64, min: 1, max: 64 });
    simulate(limit, 10, (inFlight) => ({ latencyMs: 10, failures: inFlight }));
    expect(limit.limit).toBe(1);
    const { limits } = simulate(limit, 12, () => ({ latencyMs: 10, failures: 0 }));
    // x1.5 a round trip while nothing is queued, not +1 a round trip.
    expect(limits.at(-1)).toBeGreaterThanOrEqual(40);
  });

  it("never goes below its minimum, however often the core fails", () => {
    const limit = new AdaptiveLimit({ initial: 8, min: 2, max: 8 });
    for (let i = 0; i < 10; i++) limit.record(failed(i * 1000));
    expect(limit.limit).toBe(2);
  });

  it("forgets an old fastest answer: when every round trip becomes slower alike, it grows again within a window", () => {
    const limit = new AdaptiveLimit({ initial: 16, min: 1, max: 64 });
    simulate(limit, 10, () => ({ latencyMs: 5, failures: 0 }));
    // The machine slows down for everyone: 4x longer round trips that do not depend on the limit.
    const { limits } = simulate(limit, 400, () => ({ latencyMs: 20, failures: 0 }));
    expect(limits.at(-1)).toBe(64);
    expect(limit.baseline).toBeGreaterThan(15);
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
    // One good answer: the limit goes to 2.5 (still 2 whole places), so one enters in place of the one that left.
    clock = 10;
    leaves.shift()!({ overloaded: false });
    await settled();
    expect(order).toEqual([0, 1, 2]);
    // Another: 3 places, two of them free.
    clock = 12;
    leaves.shift()!({ overloaded: false });
    await settled();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(gate.active).toBe(3);
    // A failure halves the limit (3 -> 1.5): nobody new enters until the active ones drop below it.
    clock = 40;
    leaves.shift()!({ overloaded: true });
    await settled();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(gate.limit.limit).toBe(1);
    // A good answer: the limit climbs again (1.5 -> 2), and the one that left makes room for the last.
    clock = 50;
    leaves.shift()!({ overloaded: false });
    await settled();
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(gate.active).toBe(2);
    while (leaves.length > 0) {
      clock += 10;
      leaves.shift()!({ overloaded: false });
      await settled();
    }
    await Promise.all(entries);
    expect(gate.active).toBe(0);
    expect(most).toBeLessThanOrEqual(3);
  });

  it("lets a caller that asks to go first (a session's write after its read) ahead of those waiting to start", async () => {
    let clock = 0;
    const gate = new AdaptiveGate(new AdaptiveLimit({ initial: 1, min: 1, max: 1 }), () => clock);
    const order: string[] = [];
    const leaves = new Map<string, (outcome: { overloaded: boolean } | undefined) => void>();
    const enter = (name: string, priority = false) =>
      gate.enter({ priority }).then((leave) => {
        order.push(name);
        leaves.set(name, leave);
      });
    const all = [enter("read 1")];
    await settled();
    all.push(enter("read 2"), enter("read 3"), enter("write 1", true));
    await settled();
    expect(order).toEqual(["read 1"]);
    clock = 5;
    leaves.get("read 1")!({ overloaded: false });
    await settled();
    expect(order).toEqual(["read 1", "write 1"]);
    for (const name of ["write 1", "read 2", "read 3"]) {
      clock += 5;
      leaves.get(name)!({ overloaded: false });
      await settled();
    }
    await Promise.all(all);
    expect(order).toEqual(["read 1", "write 1", "read 2", "read 3"]);
    expect(gate.active).toBe(0);
  });

  it("frees a place released without an outcome, and learns nothing from it", async () => {
    const limit = new AdaptiveLimit({ initial: 2, min: 1, max: 8 });
    const gate = new AdaptiveGate(limit, () => 0);
    const leave = await gate.enter();
    expect(gate.active).toBe(1);
    leave(undefined);
    expect(gate.active).toBe(0);
    expect(limit.limit).toBe(2);
    expect(limit.baseline).toBeUndefined();
  });
});

describe("eventLoopSaturation", () => {
  const spin = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };

  it("says busy after a window spent running code, and not after one spent waiting", async () => {
    const busy = eventLoopSaturation({ windowMs: 20, threshold: 0.85 });
    expect(busy()).toBe(false);
    spin(40);
    expect(busy()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(busy()).toBe(false);
  });

  it("by default counts a loop busy 70% of the time as the bottleneck: between the loaded core's 50-57% and the 75-85% of a fast core", async () => {
    // A bulk run against a fast core that never queues kept its loop 75-85% busy while Vegas read that
    // wait as the core's queue; against a loaded core whose queue is real, 50-57% (event-loop.server.ts).
    // The bounds are what matter (the old 0.9 fails here); the timing checks below stay far from them,
    // so a loaded machine's late timers cannot tip them.
    expect(CLIENT_BUSY_THRESHOLD).toBeGreaterThan(0.57);
    expect(CLIENT_BUSY_THRESHOLD).toBeLessThan(0.75);
    const busy = eventLoopSaturation({ windowMs: 50 });
    spin(80);
    expect(busy()).toBe(true);
    // A window spent waiting, longer than the window so that it is measured afresh.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(busy()).toBe(false);
  });
});
