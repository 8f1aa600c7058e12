/**
 * A run finds its pace from the core (issue #14 §3): against a core that answers every write with its
 * SQLite-lock 500 once too many requests are in flight, the run backs off below its ceiling, retries
 * what failed and writes every session; against a core that keeps up, it climbs to its ceiling. Real SDK,
 * bundled core with its contention and service-time modes, SQLite audit database. The limit is on requests
 * at the core: a cancel stops the sessions still waiting for their first request, with no audit entry.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../helpers/databases";
import { startCoreWithSdk } from "../helpers/core-with-sdk";
import { admin, expectReportedExactlyOnce, makeUser, snapshot, variedData, waitFor } from "./helpers";
import type { LocalCore } from "../../../local-core/index";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";
process.env.BULK_APPLY_MAX_RETRIES = "8";
process.env.BULK_APPLY_RETRY_BASE_MS = "5";

const { planBulkApply } = await import("../../../app/bulk/plan.server");
const engine = await import("../../../app/bulk/engine.server");
const store = await import("../../../app/bulk/store.server");
const { queryAudit } = await import("../../../app/audit/audit.server");

let core: LocalCore;
beforeAll(async () => {
  core = await startCoreWithSdk();
  await openTestDatabase("sqlite");
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => core.faults.clear());

const operation = { kind: "set" as const, path: ["featureFlags", "paced"], value: true };

async function runAll(userId: string, ceiling: number) {
  const plan = await planBulkApply({ staff: admin, userId, operation, scope: { kind: "all" }, reason: "pace" });
  const started = await engine.applyRun(plan.runId, admin, { concurrency: ceiling });
  if (started.status !== "started" || !started.runner) throw new Error("the run did not start");
  const seen = { lowest: ceiling, highest: 0 };
  const watch = setInterval(() => {
    const { concurrency } = started.runner!.pace();
    seen.lowest = Math.min(seen.lowest, concurrency);
    seen.highest = Math.max(seen.highest, concurrency);
  }, 5);
  await started.runner.done;
  clearInterval(watch);
  const pace = started.runner.pace();
  const progress = await store.getProgress((await store.getRunRow(plan.runId))!);
  return { pace, progress, ...seen };
}

describe("a bulk run's concurrency", () => {
  it("backs off below its ceiling when the core answers lock errors, and still writes every session", async () => {
    const user = await makeUser(240, variedData);
    core.faults.set({ serviceTimeMs: 2, workers: 8, contentionLimit: 6 });
    const { pace, progress, lowest } = await runAll(user.userId, 64);
    expect(progress.status).toBe("completed");
    expect(progress.outcomes.written).toBe(240);
    expect(progress.retries).toBeGreaterThan(0); // the core did refuse writes
    expect(pace.retries).toBe(progress.retries);
    // It learnt: the limit fell well below the ceiling at some point, and is below it at the end.
    expect(lowest).toBeLessThanOrEqual(16);
    expect(pace.concurrency).toBeLessThan(64);
    expect(pace.ceiling).toBe(64);
  });

  it("paces requests, not sessions: sessions still waiting for their first request when the run is cancelled are not attempted, and leave no audit entry", async () => {
    const user = await makeUser(60, (i) => ({ n: i }));
    // A slow core on 2 workers: the limit stays low while 40 sessions are under way, most of them waiting
    // at the gate for their read.
    core.faults.set({ serviceTimeMs: 25, workers: 2 });
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation, scope: { kind: "all" }, reason: "pace" });
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 40 });
    if (started.status !== "started" || !started.runner) throw new Error("the run did not start");
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, started.runner!.pace().inFlight)), 5);
    await waitFor("a few sessions written", async () => (await store.getProgress((await store.getRunRow(plan.runId))!)).outcomes.written >= 3);
    expect(await engine.cancelRun(plan.runId, admin)).toBe("cancelling");
    await started.runner.done;
    clearInterval(watch);
    core.faults.clear();
    const progress = await store.getProgress((await store.getRunRow(plan.runId))!);
    expect(progress.status).toBe("cancelled");
    expect(progress.outcomes["not-attempted"]).toBeGreaterThan(0);
    expect(progress.outcomes.written + progress.outcomes["not-attempted"]).toBe(60);
    // 40 sessions were under way at once; had those waiting for their read gone on after the cancel, at
    // least 40 would be written.
    expect(progress.outcomes.written).toBeLessThan(40);
    const items = (await store.listItems(plan.runId, { by: "all" }, 1, 1000)).items;
    const outcomes = expectReportedExactlyOnce(items, user.handles);
    // An audit entry for every session whose read was sent and written, none for the rest; the core agrees.
    const entries = (await queryAudit({ runId: plan.runId, action: "bulk-apply-item", pageSize: 500 })).entries;
    const audited = new Set(entries.map((entry) => entry.target.sessionHandle));
    const after = await snapshot(user.handles);
    for (const [handle, outcome] of outcomes) {
      expect(audited.has(handle), handle).toBe(outcome === "written");
      expect(after.get(handle)).toEqual(outcome === "written" ? { n: expect.any(Number), featureFlags: { paced: true } } : { n: expect.any(Number) });
    }
    // Requests at the core, not sessions: never more than the ceiling, and some were seen in flight.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(40);
  });

  it("climbs to its ceiling against a core that keeps up", async () => {
    const user = await makeUser(300, variedData);
    // Each request takes 20 ms on one of 64 workers: 24 requests in flight never queue. (Long enough
    // that this process's own event-loop delays, with the core in the same process, do not read as a queue.)
    core.faults.set({ serviceTimeMs: 20, workers: 64 });
    const { pace, progress, highest } = await runAll(user.userId, 24);
    expect(progress.outcomes.written).toBe(300);
    expect(progress.retries).toBe(0);
    // From 8, x1.5 each round trip while the core keeps up: it reaches the ceiling and no further.
    expect(highest).toBe(24);
    expect(pace.sessionsPerSecond).toBeGreaterThan(0);
  });
});
