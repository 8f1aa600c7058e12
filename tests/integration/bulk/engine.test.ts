/**
 * Bulk apply against the bundled core with the real SDK, on SQLite and PostgreSQL: the dry run writes
 * nothing and judges each session; the run, under 10% injected failures plus latency, reports every
 * session exactly once, counts its retries and touches nothing but the target key; a session edited
 * during the run is "changed since preview"; cancel; an interrupted run (its process "dies") is
 * resumed to completion; retry-failed goes through a fresh dry run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";
import { createSession, createTenant, Multitenancy, Session, startCoreWithSdk, SuperTokens } from "../helpers/core-with-sdk";
import { admin, expectReportedExactlyOnce, makeUser, otherAdmin, snapshot, variedData, waitFor } from "./helpers";
import type { LocalCore } from "../../../local-core/index";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";
process.env.BULK_APPLY_MAX_RETRIES = "8";
process.env.BULK_APPLY_RETRY_BASE_MS = "5";
process.env.BULK_RUN_LEASE_SECONDS = "15";

const { planBulkApply } = await import("../../../app/bulk/plan.server");
const engine = await import("../../../app/bulk/engine.server");
const store = await import("../../../app/bulk/store.server");
const { queryAudit } = await import("../../../app/audit/audit.server");
const clock = await import("../../../app/staff/clock.server");
const { canonicalJson, deleteAt, setAt } = await import("../../../app/json");
const { getDb } = await import("../../../app/db/db.server");
const { writeSessionData } = await import("../../../app/sessions/write.server");

let core: LocalCore;
beforeAll(async () => {
  core = await startCoreWithSdk();
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => {
  core.faults.clear();
  clock.resetClock();
});

const setBeta = { kind: "set" as const, path: ["featureFlags", "beta"], value: true };
/** Dry runs a test made look as if planned before migration 0005. */
const legacyRuns = new Set<string>();

async function allItems(runId: string) {
  return (await store.listItems(runId, { by: "all" }, 1, 100_000)).items;
}

/** The audit entry that stands for the run as a whole (there is exactly one). */
async function runEntryOf(runId: string) {
  const entries = (await queryAudit({ runId, action: "bulk-apply-run", pageSize: 10 })).entries;
  expect(entries).toHaveLength(1);
  return entries[0];
}

async function progressOf(runId: string) {
  const row = await store.getRunRow(runId);
  return store.getProgress(row!);
}

/** What each session must hold after the run: the operation applied to its data before, or unchanged. */
function expectOnlyTargetChanged(before: Map<string, Record<string, unknown> | undefined>, after: Map<string, Record<string, unknown> | undefined>, outcomes: Map<string, string>, operation: { kind: "set"; path: string[]; value: unknown } | { kind: "delete"; path: string[] }) {
  for (const [handle, data] of before) {
    const now = after.get(handle);
    const outcome = outcomes.get(handle);
    if (outcome === "written") {
      const expected = operation.kind === "set" ? setAt(data, operation.path, operation.value) : deleteAt(data, operation.path);
      expect(expected.ok).toBe(true);
      expect(canonicalJson(now), `${handle}: the whole document is the old one with only the target changed`).toBe(canonicalJson((expected as { value: unknown }).value));
    } else if (outcome !== "changed") {
      expect(canonicalJson(now), `${handle} (${outcome}) must be untouched`).toBe(canonicalJson(data));
    }
  }
}

describe.each(DATABASE_KINDS)("bulk apply on %s", (kind) => {
  let database: TestDatabase;
  const tenantId = `bulk-${kind}`;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await createTenant(tenantId);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("dry run: writes nothing, and judges each session (will change, already so, ended, a clear error)", async () => {
    const user = await makeUser(12);
    const ended = user.handles[11]!;
    await Session.revokeSession(ended);
    core.resetStats();
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "selected", handles: user.handles } });
    expect(Object.keys(core.stats()).filter((key) => !key.startsWith("GET "))).toEqual([]);
    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("planned");
    // i % 4 === 1 has no featureFlags (created as a parent: will change); i % 5 === 0 has beta already.
    expect(progress.plan).toEqual({ "will-change": 9, "already-so": 2, ended: 1, error: 0, "schema-violation": 0 });
    const items = await allItems(plan.runId);
    const summaryOf = (handle: string) => items.find((item) => item.sessionHandle === handle)?.summary?.text;
    expect(summaryOf(user.handles[3]!)).toBe("1 change: + featureFlags.beta");
    expect(summaryOf(user.handles[1]!)).toBe("1 change: + featureFlags"); // a missing parent is created
    expect(items.find((item) => item.sessionHandle === ended)?.plan).toBe("ended");

    // A parent that is not an object: that session gets a clear error, the others are judged as usual.
    await Session.updateSessionDataInDatabase(user.handles[2]!, { ...variedData(2), featureFlags: "off" });
    const again = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    const errors = (await allItems(again.runId)).filter((item) => item.plan === "error");
    expect(errors.map((item) => [item.sessionHandle, item.planError])).toEqual([[user.handles[2], "featureFlags is a string, not an object, so beta cannot be set inside it"]]);
    expect((await progressOf(again.runId)).plan["will-change"]).toBe(8);
  });

  it("applies under 10% core failures plus latency: every session once, retries counted, nothing but the key touched", async () => {
    const big = { blob: "x".repeat(80 * 1024), featureFlags: {} };
    const user = await makeUser(60, (i) => (i === 7 ? big : i === 9 ? { ...variedData(i), featureFlags: ["not", "an", "object"] } : variedData(i)));
    const before = await snapshot(user.handles);
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" }, reason: "ticket #6" });
    core.faults.set({
      latencyMs: 2,
      endpoints: {
        "PUT /recipe/session/data": { failureRate: 0.1, kinds: ["500", "drop"] },
        "GET /recipe/session": { failureRate: 0.1, kinds: ["500", "drop"] },
      },
    });
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 8 });
    expect(started.status).toBe("started");
    await (started as { runner: { done: Promise<void> } }).runner.done;
    core.faults.clear();

    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("completed");
    const items = await allItems(plan.runId);
    const outcomes = expectReportedExactlyOnce(items, user.handles);
    expect(progress.outcomes.pending).toBe(0);
    expect(progress.outcomes.failed).toBe(1); // the session whose featureFlags is an array
    expect(items.find((item) => item.sessionHandle === user.handles[9])?.outcomeError).toMatch(/featureFlags is an array, so it has no key "beta"/);
    expect(progress.outcomes.written).toBe(progress.plan["will-change"]);
    expect(outcomes.get(user.handles[7]!)).toBe("written"); // too big to keep: re-read at apply time
    // Retries: counted, and the same number as the items' extra attempts.
    expect(progress.retries).toBeGreaterThan(0);
    expect(progress.retries).toBe(items.reduce((sum, item) => sum + Math.max(0, item.attempts - 1), 0));

    const after = await snapshot(user.handles);
    expectOnlyTargetChanged(before, after, outcomes, setBeta);
    // Each written session has exactly one "written" audit entry of this run, with the reason.
    const audit = await queryAudit({ runId: plan.runId, pageSize: 500 });
    const written = audit.entries.filter((entry) => entry.outcome?.status === "written");
    expect(written.map((entry) => entry.target.sessionHandle).sort()).toEqual(items.filter((item) => item.outcome === "written").map((item) => item.sessionHandle).sort());
    expect(new Set(audit.entries.map((entry) => entry.reason))).toEqual(new Set(["ticket #6"]));
    // One entry for the run as a whole, finished with its counts; every other one is a session's.
    const runEntries = audit.entries.filter((entry) => entry.action === "bulk-apply-run");
    expect(runEntries).toHaveLength(1);
    expect(runEntries[0]).toMatchObject({
      target: { userId: user.userId, sessionHandle: null },
      after: { change: "Set featureFlags.beta to true", keyPath: "/featureFlags/beta", scope: "all", sessions: user.handles.length },
      outcome: { status: "completed", after: { outcomes: { ...progress.outcomes }, retries: progress.retries } },
    });
    expect(audit.entries.filter((entry) => entry.action !== "bulk-apply-run").every((entry) => entry.action === "bulk-apply-item")).toBe(true);
  });

  it("delete: removes the key (dots and slashes in it), leaves sessions without it as they are", async () => {
    const user = await makeUser(8);
    const before = await snapshot(user.handles);
    const operation = { kind: "delete" as const, path: ["a.b", "c/d"] };
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation, scope: { kind: "selected", handles: user.handles.slice(0, 5) } });
    const started = await engine.applyRun(plan.runId, admin);
    await (started as { runner: { done: Promise<void> } }).runner.done;
    const items = await allItems(plan.runId);
    const outcomes = expectReportedExactlyOnce(items, user.handles.slice(0, 5));
    expect([...outcomes.values()]).toEqual(Array(5).fill("written"));
    const after = await snapshot(user.handles);
    expectOnlyTargetChanged(new Map([...before].slice(0, 5)), after, outcomes, operation);
    for (const handle of user.handles.slice(5)) expect(after.get(handle)).toEqual(before.get(handle));
  });

  it("costs each session one read and one write at the core, and audits each write before and after", async () => {
    const user = await makeUser(12);
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.resetStats();
    const started = await engine.applyRun(plan.runId, admin);
    await (started as { runner: { done: Promise<void> } }).runner.done;
    const outcomes = expectReportedExactlyOnce(await allItems(plan.runId), user.handles);
    const written = [...outcomes.values()].filter((outcome) => outcome === "written").length;
    expect(written).toBeGreaterThan(0);
    const stats = core.stats();
    // The dry run read every session already; the run re-reads each for its fingerprint, then writes it.
    expect(stats["GET /recipe/session"]).toBe(user.handles.length);
    expect(stats["PUT /recipe/session/data"]).toBe(written);
    const entries = (await queryAudit({ run: plan.runId, pageSize: 100 })).entries;
    expect(entries.filter((entry) => entry.outcome?.status === "written")).toHaveLength(written);
  });

  it("one tenant: only that tenant's sessions are in scope", async () => {
    const user = await makeUser(3, () => ({ featureFlags: {} }));
    await Multitenancy.associateUserToTenant(tenantId, SuperTokens.convertToRecipeUserId(user.userId));
    const inTenant = [await createSession(user.userId, { featureFlags: {} }, tenantId), await createSession(user.userId, { featureFlags: {} }, tenantId)];
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "tenant", tenantId } });
    const items = await allItems(plan.runId);
    expect(items.map((item) => item.sessionHandle).sort()).toEqual([...inTenant].sort());
    expect(new Set(items.map((item) => item.tenantId))).toEqual(new Set([tenantId]));
    const started = await engine.applyRun(plan.runId, admin);
    await (started as { runner: { done: Promise<void> } }).runner.done;
    const after = await snapshot([...user.handles, ...inTenant]);
    for (const handle of inTenant) expect(after.get(handle)).toEqual({ featureFlags: { beta: true } });
    for (const handle of user.handles) expect(after.get(handle)).toEqual({ featureFlags: {} });
  });

  it("a session edited during the run is reported as changed since preview, and keeps the edit", async () => {
    const user = await makeUser(10, () => ({ featureFlags: {}, plan: "free" }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    const lastHandle = (await allItems(plan.runId)).at(-1)!.sessionHandle;
    core.faults.set({ latencyMs: 25 });
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 1 });
    // The run is going; the app changes the last session before the run reaches it.
    await Session.updateSessionDataInDatabase(lastHandle, { featureFlags: {}, plan: "pro" });
    await (started as { runner: { done: Promise<void> } }).runner.done;
    const items = await allItems(plan.runId);
    const outcomes = expectReportedExactlyOnce(items, user.handles);
    expect(outcomes.get(lastHandle)).toBe("changed");
    expect(items.find((item) => item.sessionHandle === lastHandle)?.outcomeError).toMatch(/changed after the dry run/);
    expect([...outcomes.values()].filter((o) => o === "written")).toHaveLength(9);
    core.faults.clear();
    expect((await snapshot([lastHandle])).get(lastHandle)).toEqual({ featureFlags: {}, plan: "pro" });
  });

  it.each([
    ["this version's dry run (the result's fingerprint)", false],
    ["a dry run made before migration 0005 (a copy of the data)", true],
  ])("a session that already holds the previewed result is told apart from one that changed otherwise: %s", async (_, legacy) => {
    const user = await makeUser(3, () => ({ featureFlags: {}, plan: "free" }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    if (legacy) {
      legacyRuns.add(plan.runId);
      await getDb().updateTable("bulk_run_items").set({ result_fingerprint: null, doc_json: JSON.stringify({ featureFlags: {}, plan: "free" }) }).where("run_id", "=", plan.runId).execute();
    }
    const [sameChange, otherChange] = user.handles;
    // Before the run: someone makes exactly the previewed change to one session, a different one to another.
    await Session.updateSessionDataInDatabase(sameChange!, { featureFlags: { beta: true }, plan: "free" });
    await Session.updateSessionDataInDatabase(otherChange!, { featureFlags: { beta: true }, plan: "pro" });
    const started = await engine.applyRun(plan.runId, admin);
    await (started as { runner: { done: Promise<void> } }).runner.done;
    const items = await allItems(plan.runId);
    const outcomes = expectReportedExactlyOnce(items, user.handles);
    expect(outcomes.get(sameChange!)).toBe("already-so");
    expect(items.find((item) => item.sessionHandle === sameChange)?.outcomeError).toMatch(/already holds exactly the previewed result/);
    expect(outcomes.get(otherChange!)).toBe("changed");
    expect(outcomes.get(user.handles[2]!)).toBe("written");
    expect((await snapshot([otherChange!])).get(otherChange!)).toEqual({ featureFlags: { beta: true }, plan: "pro" });
  });

  it("cancel: writes in flight finish, the rest are not attempted", async () => {
    const user = await makeUser(30, () => ({ featureFlags: { alpha: true } }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 20 });
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 2 });
    await waitFor("a few sessions done", async () => (await progressOf(plan.runId)).done >= 4);
    expect(await engine.cancelRun(plan.runId, otherAdmin)).toBe("cancelling");
    await (started as { runner: { done: Promise<void> } }).runner.done;
    core.faults.clear();
    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("cancelled");
    expect(progress.outcomes.pending).toBe(0);
    expect(progress.outcomes["not-attempted"]).toBeGreaterThan(0);
    expect(progress.outcomes.written + progress.outcomes["not-attempted"]).toBe(30);
    const items = await allItems(plan.runId);
    const outcomes = expectReportedExactlyOnce(items, user.handles);
    const after = await snapshot(user.handles);
    for (const [handle, outcome] of outcomes) {
      expect(after.get(handle)).toEqual(outcome === "written" ? { featureFlags: { alpha: true, beta: true } } : { featureFlags: { alpha: true } });
    }
    expect((await store.getRunRow(plan.runId))?.cancel_requested_by).toBe("Other Admin (bulk-other@desk.test)");
    expect(await engine.cancelRun(plan.runId, admin)).toBe("not-running");
    expect(await runEntryOf(plan.runId)).toMatchObject({ staff: { email: admin.email }, outcome: { status: "cancelled", after: { outcomes: { "not-attempted": progress.outcomes["not-attempted"] } } } });
  });

  it("an interrupted run (its process died) shows as interrupted with its outcomes, and resumes to completion", async () => {
    const user = await makeUser(40, (i) => ({ featureFlags: { n: i } }));
    const before = await snapshot(user.handles);
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 15 });
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 4, owner: "instance-that-dies" });
    const runner = (started as { runner: { done: Promise<void>; kill(): void } }).runner;
    await waitFor("some outcomes recorded", async () => (await progressOf(plan.runId)).done >= 8);
    runner.kill(); // the process goes away: writes in flight land in the core, but nothing more is recorded
    await runner.done;
    const atDeath = await progressOf(plan.runId);
    expect(atDeath.status).toBe("running"); // its lease has not lapsed yet
    expect(await engine.resumeRun(plan.runId, otherAdmin)).toEqual({ status: "not-interrupted" });

    clock.advanceClock(16_000);
    const interrupted = await progressOf(plan.runId);
    expect(interrupted.status).toBe("interrupted");
    // The run's own audit entry stays open: the trail does not claim it ended.
    expect((await runEntryOf(plan.runId))?.outcome).toBeNull();
    expect(interrupted.outcomes.written).toBe(atDeath.outcomes.written);
    expect(interrupted.outcomes.pending).toBeGreaterThan(0);

    core.faults.set({ latencyMs: 2, endpoints: { "PUT /recipe/session/data": { failureRate: 0.1, kinds: ["500"] } } });
    const resumed = await engine.resumeRun(plan.runId, otherAdmin, { owner: "instance-that-resumes" });
    expect(resumed.status).toBe("resumed");
    expect(await engine.resumeRun(plan.runId, admin)).toEqual({ status: "not-interrupted" }); // only one taker
    await (resumed as { runner: { done: Promise<void> } }).runner.done;
    core.faults.clear();

    const done = await progressOf(plan.runId);
    expect(done.status).toBe("completed");
    const items = await allItems(plan.runId);
    const outcomes = expectReportedExactlyOnce(items, user.handles);
    // Writes that were in flight when the first process died are recognised as this run's, not "changed".
    expect([...outcomes.values()]).toEqual(Array(40).fill("written"));
    expectOnlyTargetChanged(before, await snapshot(user.handles), outcomes, setBeta);
    expect((await store.getRunRow(plan.runId))?.resumed_count).toBe(1);
    expect((await runEntryOf(plan.runId))?.outcome).toMatchObject({ status: "completed", after: { outcomes: { written: 40 } } });
  });

  it("resume settles a session refused as changed, but already holding the previewed result, as already so (as the runner would)", async () => {
    const user = await makeUser(3, (i) => ({ featureFlags: { n: i } }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    const [madeSo] = user.handles;
    // Someone makes exactly the previewed change after the dry run; the run's write is then refused as a
    // conflict, and its process dies before recording the session's outcome.
    await Session.updateSessionDataInDatabase(madeSo!, { featureFlags: { n: 0, beta: true } });
    expect(await store.claimPlanned(plan.runId, "instance-that-dies", admin)).toBe(true);
    const item = (await store.nextPendingItems(plan.runId, -1, 10)).find((pending) => pending.session_handle === madeSo)!;
    const refused = await writeSessionData({
      staff: admin, userId: user.userId, sessionHandle: madeSo!, expectedFingerprint: item.fingerprint!, action: "bulk-apply-item", runId: plan.runId, confirm: false,
      next: (current) => ({ next: { ...current, featureFlags: { ...(current.featureFlags as object), beta: true } } }),
    });
    expect(refused.status).toBe("conflict");

    clock.advanceClock(16_000);
    const resumed = await engine.resumeRun(plan.runId, otherAdmin);
    await (resumed as { runner: { done: Promise<void> } }).runner.done;
    const outcomes = expectReportedExactlyOnce(await allItems(plan.runId), user.handles);
    expect(outcomes.get(madeSo!)).toBe("already-so");
    expect([...outcomes.values()].filter((outcome) => outcome === "written")).toHaveLength(2);
  });

  it("cancelling an interrupted run settles the rest as not attempted at once", async () => {
    const user = await makeUser(16, () => ({ featureFlags: {} }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ latencyMs: 20 });
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 2, owner: "dies-again" });
    const runner = (started as { runner: { done: Promise<void>; kill(): void } }).runner;
    await waitFor("some outcomes recorded", async () => (await progressOf(plan.runId)).done >= 2);
    runner.kill();
    await runner.done;
    clock.advanceClock(16_000);
    expect(await engine.cancelRun(plan.runId, admin)).toBe("cancelled");
    const progress = await progressOf(plan.runId);
    expect(progress.status).toBe("cancelled");
    expect(progress.outcomes.pending).toBe(0);
    expect(progress.outcomes["not-attempted"]).toBeGreaterThan(0);
    const outcomes = expectReportedExactlyOnce(await allItems(plan.runId), user.handles);
    // Writes the dead process finished but had not recorded are "written" (from the audit trail), not
    // "not attempted": the report matches what the sessions hold.
    core.faults.clear();
    const after = await snapshot(user.handles);
    for (const [handle, outcome] of outcomes) {
      expect(after.get(handle), `${handle} (${outcome})`).toEqual(outcome === "written" ? { featureFlags: { beta: true } } : { featureFlags: {} });
    }
    const audit = await queryAudit({ runId: plan.runId, pageSize: 500 });
    expect(audit.entries.filter((entry) => entry.outcome?.status === "written")).toHaveLength(progress.outcomes.written);
  });

  it("retry failed: a fresh dry run of just the failed sessions, then they are written", async () => {
    const user = await makeUser(6, () => ({ featureFlags: {} }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set({ endpoints: { "PUT /recipe/session/data": { failureRate: 1, kinds: ["500"] } } });
    const started = await engine.applyRun(plan.runId, admin, { retry: { maxRetries: 1, baseMs: 1 } });
    await (started as { runner: { done: Promise<void> } }).runner.done;
    core.faults.clear();
    const first = await progressOf(plan.runId);
    expect(first.outcomes.failed).toBe(6);
    expect(first.retries).toBe(6);
    const item = (await allItems(plan.runId))[0]!;
    expect(item.outcomeError).toMatch(/HTTP 500.*\(tried 2 times\)/s);

    const failed = await store.handlesWithOutcome(plan.runId, "failed");
    const retry = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "selected", handles: failed }, parentRunId: plan.runId, retryOf: "failed" });
    expect((await progressOf(retry.runId)).plan["will-change"]).toBe(6);
    const again = await engine.applyRun(retry.runId, admin);
    await (again as { runner: { done: Promise<void> } }).runner.done;
    expect((await progressOf(retry.runId)).outcomes.written).toBe(6);
    expect(await engine.applyRun(retry.runId, admin)).toEqual({ status: "not-planned" }); // applied once only
  });

  it("keeps no copy of a session's data, only fingerprints: of the data seen, and of the result to write", async () => {
    const rows = await getDb().selectFrom("bulk_run_items").select(["run_id", "doc_json", "plan", "fingerprint", "result_fingerprint"]).execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(legacyRuns.size).toBeGreaterThan(0);
    // Even a legacy dry run's copies are gone once their outcomes are recorded.
    expect(rows.filter((row) => row.doc_json !== null)).toEqual([]);
    for (const row of rows.filter((row) => row.plan === "will-change" && !legacyRuns.has(row.run_id))) {
      expect(row.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(row.result_fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(row.result_fingerprint).not.toBe(row.fingerprint);
    }
    expect(rows.filter((row) => row.plan !== "will-change" && row.result_fingerprint !== null)).toEqual([]);
  });
});
