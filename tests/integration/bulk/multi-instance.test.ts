/**
 * One bulk run applied by two instances sharing one PostgreSQL and one bundled core (issue #18 §1,
 * "beyond one machine"). The two instances are two engines with different instance ids in this test
 * process: everything they share goes through the database (claims, worker rows, the lease, the
 * published pace), exactly as between two processes. A run of 600 sessions:
 * - both instances do work, each session is written exactly once (the core's data and the audit trail),
 *   and the run's limit is shared out, not doubled;
 * - killing the helper mid-run (no more writes, outcomes or heartbeats, nothing released) loses nothing:
 *   the owner takes its claimed items once their claims lapse;
 * - killing the owner: the helper stops when the lease lapses, and a resume on it finishes the run;
 * - a cancel asked for on a third instance stops both, and exactly one instance finishes the run.
 * On SQLite (one instance) nobody joins and the owner streams the run alone, as before.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../helpers/databases";
import { startCoreWithSdk } from "../helpers/core-with-sdk";
import { expectReportedExactlyOnce, makeUser, snapshot, waitFor } from "./helpers";
import type { LocalCore } from "../../../local-core/index";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";
process.env.BULK_APPLY_MAX_RETRIES = "8";
process.env.BULK_APPLY_RETRY_BASE_MS = "5";
// Short, so that a killed instance's claims and lease lapse within the test (heartbeats every 750 ms).
process.env.BULK_RUN_LEASE_SECONDS = "3";

const { planBulkApply } = await import("../../../app/bulk/plan.server");
const engine = await import("../../../app/bulk/engine.server");
const store = await import("../../../app/bulk/store.server");
const claims = await import("../../../app/bulk/claims.server");
const { joinRunningRuns } = await import("../../../app/bulk/handover.server");
const { createStaffAccount } = await import("../../../app/staff/accounts.server");
const { queryAudit } = await import("../../../app/audit/audit.server");
const { getDb } = await import("../../../app/db/db.server");

type Runner = InstanceType<typeof engine.BulkRunner>;

const SESSIONS = 600;
/** The ceiling each instance is configured with; two instances together must stay within it. */
const CEILING = 8;
const setBeta = { kind: "set" as const, path: ["featureFlags", "beta"], value: true };
const before = { featureFlags: { alpha: true } };
const after = { featureFlags: { alpha: true, beta: true } };

let core: LocalCore;
beforeAll(async () => {
  core = await startCoreWithSdk();
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => {
  core.faults.clear();
});

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

async function makeAdmin(name: string) {
  const { account } = await createStaffAccount({ email: `multi-${name}-${unique()}@desk.test`, role: "admin", displayName: `Multi ${name}` });
  return { id: account.id, email: account.email, displayName: account.displayName, role: "admin" as const };
}

async function progressOf(runId: string) {
  return store.getProgress((await store.getRunRow(runId))!);
}

/** Per session, how many audit entries of the run say "written" (a write that landed). */
async function writtenEntriesPerHandle(runId: string): Promise<Map<string, number>> {
  const rows = await getDb()
    .selectFrom("audit_entries")
    .innerJoin("audit_outcomes", "audit_outcomes.entry_id", "audit_entries.id")
    .select(["audit_entries.session_handle"])
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("audit_entries.run_id", "=", runId)
    .where("audit_entries.action", "=", "bulk-apply-item")
    .where("audit_outcomes.status", "=", "written")
    .groupBy("audit_entries.session_handle")
    .execute();
  return new Map(rows.map((row) => [row.session_handle!, Number(row.count)]));
}

/** Every session holds the change once, and the audit trail has exactly one landed write for it. */
async function expectEachWrittenExactlyOnce(runId: string, handles: string[]) {
  core.faults.clear();
  const data = await snapshot(handles);
  for (const handle of handles) expect(data.get(handle), handle).toEqual(after);
  const written = await writtenEntriesPerHandle(runId);
  expect(written.size).toBe(handles.length);
  for (const handle of handles) expect(written.get(handle), `${handle}: landed writes in the audit trail`).toBe(1);
}

/** The run's own audit entry: exactly one, finished once. */
async function runEntryOf(runId: string) {
  const entries = (await queryAudit({ runId, action: "bulk-apply-run", pageSize: 10 })).entries;
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

async function allItems(runId: string) {
  return (await store.listItems(runId, { by: "all" }, 1, 100_000)).items;
}

/** Starts the run on instance A and has instance B join it through the periodic look. */
async function startOnTwoInstances(staff: Awaited<ReturnType<typeof makeAdmin>>, runId: string): Promise<{ a: Runner; b: Runner }> {
  const started = await engine.applyRun(runId, staff, { owner: "instance-a", concurrency: CEILING });
  expect(started.status).toBe("started");
  const a = (started as { runner: Runner }).runner;
  const joined = await joinRunningRuns({ owner: "instance-b", concurrency: CEILING });
  expect(joined.map((runner) => runner.runId)).toEqual([runId]);
  // Already taking part: a second look does not join twice; the owner does not join its own run.
  expect(await joinRunningRuns({ owner: "instance-b", concurrency: CEILING })).toEqual([]);
  expect((await joinRunningRuns({ owner: "instance-a", concurrency: CEILING })).map((runner) => runner.runId)).not.toContain(runId);
  return { a, b: joined[0]! };
}

describe("one bulk run on two instances sharing PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("both instances do work, every session is written exactly once, and the run's limit is shared, not doubled", async () => {
    const staff = await makeAdmin("share");
    const user = await makeUser(SESSIONS, () => before);
    const plan = await planBulkApply({ staff, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 10 });
    const { a, b } = await startOnTwoInstances(staff, plan.runId);

    // While both know of each other, their shares of the run's one limit add up to no more than it.
    let sampled = 0;
    let largestTotalShare = 0;
    let finished = false;
    const both = Promise.all([a.done, b.done]).then(() => (finished = true));
    while (!finished) {
      const [paceA, paceB] = [a.pace(), b.pace()];
      if (paceA.instances === 2 && paceB.instances === 2) {
        sampled += 1;
        largestTotalShare = Math.max(largestTotalShare, paceA.share + paceB.share);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await both;
    expect(sampled).toBeGreaterThan(0);
    expect(largestTotalShare).toBeLessThanOrEqual(CEILING);

    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("completed");
    expect(progress.outcomes.written).toBe(SESSIONS);
    expectReportedExactlyOnce(await allItems(plan.runId), user.handles);
    await expectEachWrittenExactlyOnce(plan.runId, user.handles);

    const workers = await claims.listWorkers(plan.runId);
    expect(workers.map((w) => w.instance)).toEqual(["instance-a", "instance-b"]);
    for (const worker of workers) {
      expect(worker.processed, `${worker.instance} did work`).toBeGreaterThan(0);
      expect(worker.live, `${worker.instance} has left the finished run`).toBe(false);
    }
    expect(workers.reduce((sum, w) => sum + w.processed, 0)).toBe(SESSIONS);
    const run = await store.getRunRow(plan.runId);
    expect(run?.pace_limit).toBeGreaterThan(0);
    expect(run?.lease_owner).toBeNull();
    expect((await runEntryOf(plan.runId)).outcome).toMatchObject({ status: "completed", after: { outcomes: { written: SESSIONS } } });
  });

  it("killing the helper mid-run loses nothing: the owner takes its claimed items once the claims lapse", async () => {
    const staff = await makeAdmin("kill-helper");
    const user = await makeUser(SESSIONS, () => before);
    const plan = await planBulkApply({ staff, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 10 });
    const { a, b } = await startOnTwoInstances(staff, plan.runId);
    // Its row counts what it had processed at its last heartbeat, all a crash leaves behind.
    await waitFor("the helper to have recorded some work", async () => ((await claims.listWorkers(plan.runId)).find((w) => w.instance === "instance-b")?.processed ?? 0) >= 30);
    b.kill(); // a crash: writes in flight land in the core, but nothing is recorded, renewed or given back
    await b.done;
    const heldByTheDead = await getDb()
      .selectFrom("bulk_run_items")
      .select((eb) => eb.fn.countAll<string | number>().as("count"))
      .where("run_id", "=", plan.runId)
      .where("claimed_by", "=", "instance-b")
      .where("outcome", "is", null)
      .executeTakeFirstOrThrow();
    expect(Number(heldByTheDead.count), "the helper died holding claimed items").toBeGreaterThan(0);

    await a.done;
    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("completed");
    expect(progress.outcomes.written).toBe(SESSIONS);
    expectReportedExactlyOnce(await allItems(plan.runId), user.handles);
    await expectEachWrittenExactlyOnce(plan.runId, user.handles);
    const workers = await claims.listWorkers(plan.runId);
    expect(workers.find((w) => w.instance === "instance-b")?.processed).toBeGreaterThan(0);
    expect(workers.find((w) => w.instance === "instance-a")?.processed).toBeGreaterThan(0);
    expect((await runEntryOf(plan.runId)).outcome).toMatchObject({ status: "completed" });
  });

  it("killing the owner: the helper stops when the lease lapses, and a resume on it finishes the run", async () => {
    const staff = await makeAdmin("kill-owner");
    const user = await makeUser(SESSIONS, () => before);
    const plan = await planBulkApply({ staff, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 10 });
    const { a, b } = await startOnTwoInstances(staff, plan.runId);
    await waitFor("the owner to have done some work", async () => a.processed >= 30);
    a.kill();
    await a.done;
    // The helper leaves when nothing is left to claim (the dead owner's claims are live until they lapse)
    // or when it notices the lapsed lease at a heartbeat, having recorded what it had in flight.
    await b.done;
    await waitFor("the run to show as interrupted", async () => (await progressOf(plan.runId)).status === "interrupted");
    expect((await claims.listWorkers(plan.runId)).find((w) => w.instance === "instance-b")?.live).toBe(false);

    const resumed = await engine.resumeRun(plan.runId, staff, { owner: "instance-b", concurrency: CEILING });
    expect(resumed.status).toBe("resumed");
    await (resumed as { runner?: Runner }).runner?.done;
    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("completed");
    expect(progress.outcomes.written).toBe(SESSIONS);
    expectReportedExactlyOnce(await allItems(plan.runId), user.handles);
    await expectEachWrittenExactlyOnce(plan.runId, user.handles);
    expect((await runEntryOf(plan.runId)).outcome).toMatchObject({ status: "completed" });
  });

  it("a cancel asked for on another instance stops both; one instance finishes the run, every session reported once", async () => {
    const staff = await makeAdmin("cancel");
    const canceller = await makeAdmin("canceller");
    const user = await makeUser(SESSIONS, () => before);
    const plan = await planBulkApply({ staff, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 10 });
    const { a, b } = await startOnTwoInstances(staff, plan.runId);
    await waitFor("both instances to have done some work", async () => a.processed >= 20 && b.processed >= 20);
    // As a third instance would: only the database says so; each instance sees it at its heartbeat.
    expect(await store.requestCancel(plan.runId, canceller)).toBe(true);
    await Promise.all([a.done, b.done]);

    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("cancelled");
    expect(progress.outcomes.pending).toBe(0);
    expect(progress.outcomes["not-attempted"]).toBeGreaterThan(0);
    expect(progress.outcomes.written + progress.outcomes["not-attempted"]).toBe(SESSIONS);
    const outcomes = expectReportedExactlyOnce(await allItems(plan.runId), user.handles);
    core.faults.clear();
    const data = await snapshot(user.handles);
    const written = await writtenEntriesPerHandle(plan.runId);
    for (const [handle, outcome] of outcomes) {
      // What the report says is what the core holds: a write the helper had in flight is reported written.
      expect(data.get(handle), `${handle} (${outcome})`).toEqual(outcome === "written" ? after : before);
      expect(written.get(handle) ?? 0).toBe(outcome === "written" ? 1 : 0);
    }
    for (const worker of await claims.listWorkers(plan.runId)) expect(worker.processed).toBeGreaterThan(0);
    expect((await runEntryOf(plan.runId)).outcome).toMatchObject({ status: "cancelled" });
    expect(await engine.cancelRun(plan.runId, canceller)).toBe("not-running");
  });
});

describe("on SQLite (one instance)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("sqlite");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("nobody joins: the owner streams the run alone, without claims or worker rows", async () => {
    const staff = await makeAdmin("sqlite");
    const user = await makeUser(60, () => before);
    const plan = await planBulkApply({ staff, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 5 });
    const started = await engine.applyRun(plan.runId, staff, { owner: "instance-a", concurrency: CEILING });
    expect(await joinRunningRuns({ owner: "instance-b" })).toEqual([]);
    await (started as { runner: Runner }).runner.done;
    expect((await progressOf(plan.runId)).outcomes.written).toBe(60);
    await expectEachWrittenExactlyOnce(plan.runId, user.handles);
    expect(await claims.listWorkers(plan.runId)).toEqual([]);
    const claimed = await getDb().selectFrom("bulk_run_items").select("seq").where("run_id", "=", plan.runId).where("claimed_by", "is not", null).execute();
    expect(claimed).toEqual([]);
  });
});
