/**
 * Audit entries left unfinished by an instance that stopped mid-write are settled from the core's real
 * state, on SQLite and PostgreSQL, with the real SDK against the bundled core: on resume (and cancel) of
 * an interrupted bulk run, and at start-up for single edits older than the bound and for runs whose
 * lease expired — never an entry a live writer may still finish.
 *
 * A dead instance is simulated as it leaves things: audit entries begun (as writeSessionData begins
 * them) and never finished, with the core in each state the write could have left it in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";
import { Session, startCoreWithSdk } from "../helpers/core-with-sdk";
import { admin, makeUser, otherAdmin } from "../bulk/helpers";
import type { LocalCore } from "../../../local-core/index";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";
process.env.BULK_RUN_LEASE_SECONDS = "15";

const { planBulkApply } = await import("../../../app/bulk/plan.server");
const engine = await import("../../../app/bulk/engine.server");
const store = await import("../../../app/bulk/store.server");
const { beginAudit, finishAudit, getAuditEntry, queryAudit } = await import("../../../app/audit/audit.server");
const settle = await import("../../../app/sessions/settle-abandoned.server");
const clock = await import("../../../app/staff/clock.server");
const { diffJson, patchFromChanges } = await import("../../../app/json");
const { getDb } = await import("../../../app/db/db.server");

let core: LocalCore;
beforeAll(async () => {
  core = await startCoreWithSdk();
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => clock.resetClock());

const setBeta = { kind: "set" as const, path: ["featureFlags", "beta"], value: true };
const MINUTE = 60_000;

/** What the core can hold after a write whose instance died: each is settled differently. */
type CoreState = "landed" | "not-landed" | "changed-by-app" | "session-gone";
const STATES: CoreState[] = ["landed", "not-landed", "changed-by-app", "session-gone"];

/** Begins an entry exactly as writeSessionData does before the core call (before + patch), and never finishes it. */
async function beginAbandonedWrite(input: { userId: string; handle: string; before: Record<string, unknown>; next: Record<string, unknown>; runId?: string; action?: "edit" | "bulk-apply-item" }) {
  return beginAudit({
    staff: admin,
    action: input.action ?? (input.runId ? "bulk-apply-item" : "edit"),
    target: { userId: input.userId, sessionHandle: input.handle, tenantId: "public" },
    before: input.before,
    patch: patchFromChanges(diffJson(input.before, input.next)),
    runId: input.runId,
  });
}

/** Leaves the core as the dying write (or someone after it) left it. */
async function leaveCore(state: CoreState, handle: string, next: Record<string, unknown>) {
  if (state === "landed") expect(await Session.updateSessionDataInDatabase(handle, next)).toBe(true);
  if (state === "changed-by-app") expect(await Session.updateSessionDataInDatabase(handle, { featureFlags: { other: true } })).toBe(true);
  if (state === "session-gone") expect(await Session.revokeSession(handle)).toBe(true);
}

function expectSettledAs(entry: Awaited<ReturnType<typeof getAuditEntry>>, state: CoreState) {
  expect(entry?.outcome, `entry ${entry?.id} (${state}) is still pending`).not.toBeNull();
  const expected = {
    landed: { status: "written", error: /^Settled after the instance stopped: the core holds this entry's result/ },
    "not-landed": { status: "not-written", error: /^Settled after the instance stopped: the core still holds the data from before/ },
    "changed-by-app": { status: "undetermined", error: /^Settled after the instance stopped: the core holds neither/ },
    "session-gone": { status: "undetermined", error: /^Settled after the instance stopped: the session no longer exists/ },
  }[state];
  expect(entry!.outcome!.status, `${state}`).toBe(expected.status);
  expect(entry!.outcome!.error).toMatch(expected.error);
}

describe.each(DATABASE_KINDS)("settling what a stopped instance left unfinished, on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("resuming an interrupted run settles every write it had in flight by what the core holds, and none stays pending", async () => {
    const user = await makeUser(12, (i) => ({ featureFlags: { n: i } }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    // The dying instance had claimed the run and begun a write to every session when it stopped.
    expect(await store.claimPlanned(plan.runId, "instance-that-dies", admin)).toBe(true);
    const items = await store.nextPendingItems(plan.runId, -1, 100);
    const abandoned = new Map<string, { entryId: string; state: CoreState; next: Record<string, unknown> }>();
    for (const [i, item] of items.entries()) {
      const n = user.handles.indexOf(item.session_handle);
      const before = { featureFlags: { n } };
      const next = { featureFlags: { n, beta: true } };
      const state = STATES[i % STATES.length]!;
      const entryId = await beginAbandonedWrite({ userId: user.userId, handle: item.session_handle, before, next, runId: plan.runId });
      await leaveCore(state, item.session_handle, next);
      abandoned.set(item.session_handle, { entryId, state, next });
    }
    expect((await queryAudit({ runId: plan.runId, pageSize: 500 })).entries.filter((entry) => entry.outcome === null)).toHaveLength(12);

    clock.advanceClock(16_000); // its lease lapses: the run is interrupted
    const resumed = await engine.resumeRun(plan.runId, otherAdmin, { owner: "instance-that-resumes" });
    expect(resumed.status).toBe("resumed");
    if (resumed.status === "resumed") await resumed.runner?.done;

    for (const [, { entryId, state }] of abandoned) expectSettledAs(await getAuditEntry(entryId), state);
    const trail = (await queryAudit({ runId: plan.runId, pageSize: 500 })).entries;
    expect(trail.filter((entry) => entry.outcome === null).map((entry) => entry.id)).toEqual([]);

    // The run's report agrees with the settled entries and with the core.
    const report = (await store.listItems(plan.runId, { by: "all" }, 1, 100)).items;
    for (const item of report) {
      const { entryId, state, next } = abandoned.get(item.sessionHandle)!;
      const info = await Session.getSessionInformation(item.sessionHandle);
      if (state === "landed") {
        expect(item).toMatchObject({ outcome: "written", auditEntryId: entryId }); // adopted, not redone
        expect(info?.sessionDataInDatabase).toEqual(next);
      } else if (state === "not-landed") {
        expect(item.outcome).toBe("written"); // retried by the resuming instance
        expect(info?.sessionDataInDatabase).toEqual(next);
      } else if (state === "changed-by-app") {
        expect(item.outcome).toBe("changed");
        expect(info?.sessionDataInDatabase).toEqual({ featureFlags: { other: true } });
      } else {
        expect(item.outcome).toBe("ended");
        expect(info).toBeUndefined();
      }
    }
    expect((await store.getRunRow(plan.runId))?.status).toBe("completed");
  });

  it("cancelling an interrupted run settles its in-flight writes too, and reports the ones that did not land as not attempted", async () => {
    const user = await makeUser(4, (i) => ({ featureFlags: { n: i } }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    expect(await store.claimPlanned(plan.runId, "dies-before-cancel", admin)).toBe(true);
    const states = new Map<string, { entryId: string; state: CoreState }>();
    for (const [i, handle] of user.handles.entries()) {
      const next = { featureFlags: { n: i, beta: true } };
      const entryId = await beginAbandonedWrite({ userId: user.userId, handle, before: { featureFlags: { n: i } }, next, runId: plan.runId });
      await leaveCore(STATES[i]!, handle, next);
      states.set(handle, { entryId, state: STATES[i]! });
    }
    clock.advanceClock(16_000);
    expect(await engine.cancelRun(plan.runId, admin)).toBe("cancelled");
    for (const { entryId, state } of states.values()) expectSettledAs(await getAuditEntry(entryId), state);
    const report = new Map((await store.listItems(plan.runId, { by: "all" }, 1, 100)).items.map((item) => [item.sessionHandle, item]));
    for (const [handle, { state }] of states) {
      const item = report.get(handle)!;
      if (state === "landed") expect(item.outcome).toBe("written");
      else if (state === "not-landed") expect(item).toMatchObject({ outcome: "not-attempted", outcomeError: expect.stringMatching(/checked afterwards and it had not landed/) });
      else expect(item.outcome).toBe("not-attempted");
    }
  });

  it("an entry a dead instance left open is judged by the run's later attempt at that session, not by the core it has since written", async () => {
    // Two instances on one run: one began a write and died before sending it; once its claim lapsed the
    // other read the session (still as before), wrote it, and recorded that. The core now holds the
    // result, but the dead one's write never landed: only the later attempt's read can tell.
    const user = await makeUser(2, (i) => ({ featureFlags: { n: i } }));
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    expect(await store.claimPlanned(plan.runId, "instance-that-lives", admin)).toBe(true);
    const [unsent, sent] = user.handles as [string, string];
    const attempts = new Map<string, { dead: string; later: string }>();
    for (const [handle, n, landed] of [[unsent, 0, false], [sent, 1, true]] as const) {
      const before = { featureFlags: { n } };
      const next = { featureFlags: { n, beta: true } };
      const dead = await beginAbandonedWrite({ userId: user.userId, handle, before, next, runId: plan.runId });
      if (landed) await leaveCore("landed", handle, next);
      clock.advanceClock(5_000); // the claim lapses; the other instance reads the session again
      const later = await beginAbandonedWrite({ userId: user.userId, handle, before: landed ? next : before, next, runId: plan.runId });
      if (!landed) await leaveCore("landed", handle, next);
      await finishAudit(later, { status: "written" });
      attempts.set(handle, { dead, later });
    }
    await settle.settleRunEntries(plan.runId);
    const unsentEntry = await getAuditEntry(attempts.get(unsent)!.dead);
    expect(unsentEntry?.outcome).toMatchObject({ status: "not-written", error: expect.stringMatching(/^Settled after the instance stopped: the run's next attempt at this session still found the data from before/) });
    const sentEntry = await getAuditEntry(attempts.get(sent)!.dead);
    expect(sentEntry?.outcome).toMatchObject({ status: "written", error: expect.stringMatching(/^Settled after the instance stopped: the run's next attempt at this session found this entry's result/) });
    // One landed write per session in the trail.
    const trail = (await queryAudit({ runId: plan.runId, pageSize: 500 })).entries.filter((entry) => entry.target.sessionHandle === unsent);
    expect(trail.filter((entry) => entry.outcome?.status === "written")).toHaveLength(1);
  });

  it("start-up settles old single edits and revokes, and the entries of runs whose lease expired, but not what a live writer may still finish", async () => {
    const user = await makeUser(9, (i) => ({ featureFlags: { n: i } }));
    const [landed, notLanded, changed, gone, revoked, revokeMissed, young, liveRun, expiredRun] = user.handles as [string, string, string, string, string, string, string, string, string];
    const nextOf = (handle: string) => ({ featureFlags: { n: user.handles.indexOf(handle), beta: true } });
    const beforeOf = (handle: string) => ({ featureFlags: { n: user.handles.indexOf(handle) } });

    // Single edits and revokes begun 20 minutes ago by an instance that then stopped.
    clock.advanceClock(-20 * MINUTE);
    const old = new Map<string, { entryId: string; state: CoreState }>();
    for (const [handle, state] of [[landed, "landed"], [notLanded, "not-landed"], [changed, "changed-by-app"], [gone, "session-gone"]] as const) {
      old.set(handle, { entryId: await beginAbandonedWrite({ userId: user.userId, handle, before: beforeOf(handle), next: nextOf(handle) }), state });
    }
    const revokeEntry = await beginAudit({ staff: admin, action: "revoke", target: { userId: user.userId, sessionHandle: revoked }, before: beforeOf(revoked) });
    const revokeMissedEntry = await beginAudit({ staff: admin, action: "revoke", target: { userId: user.userId, sessionHandle: revokeMissed }, before: beforeOf(revokeMissed) });
    clock.resetClock();
    for (const [handle, { state }] of old) await leaveCore(state, handle, nextOf(handle));
    await Session.revokeSession(revoked);

    // A single edit begun a moment ago: its writer may be alive (another instance), so it is left alone.
    const youngEntry = await beginAbandonedWrite({ userId: user.userId, handle: young, before: beforeOf(young), next: nextOf(young) });
    // A run another instance is running right now (its lease is live), with a write in flight.
    const live = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "selected", handles: [liveRun] } });
    expect(await store.claimPlanned(live.runId, "live-instance", admin)).toBe(true);
    const liveEntry = await beginAbandonedWrite({ userId: user.userId, handle: liveRun, before: beforeOf(liveRun), next: nextOf(liveRun), runId: live.runId });
    // A run whose owner stopped heartbeating a minute ago, with a write that landed.
    const expired = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "selected", handles: [expiredRun] } });
    expect(await store.claimPlanned(expired.runId, "dead-instance", admin)).toBe(true);
    await getDb().updateTable("bulk_runs").set({ lease_expires_at: new Date(Date.now() - MINUTE).toISOString() }).where("id", "=", expired.runId).execute();
    const expiredEntry = await beginAbandonedWrite({ userId: user.userId, handle: expiredRun, before: beforeOf(expiredRun), next: nextOf(expiredRun), runId: expired.runId });
    await leaveCore("landed", expiredRun, nextOf(expiredRun));

    const lines: string[] = [];
    await settle.settleAtStartup((line) => lines.push(line));
    expect(lines).toEqual(["Settled 7 audit entries left unfinished by a stopped instance: 3 written, 2 not written, 2 undetermined."]);

    for (const { entryId, state } of old.values()) expectSettledAs(await getAuditEntry(entryId), state);
    expectSettledAs(await getAuditEntry(expiredEntry), "landed");
    expect((await getAuditEntry(revokeEntry))?.outcome).toMatchObject({ status: "written", error: expect.stringMatching(/^Settled after the instance stopped: the session no longer exists, as the revoke intended/) });
    expect((await getAuditEntry(revokeMissedEntry))?.outcome).toMatchObject({ status: "not-written", error: expect.stringMatching(/the session is still live/) });
    expect((await getAuditEntry(youngEntry))?.outcome).toBeNull();
    expect((await getAuditEntry(liveEntry))?.outcome).toBeNull();

    // A second instance starting at the same time changes nothing: each entry has exactly one outcome.
    expect(await settle.settleAbandonedEntries()).toEqual({ written: 0, "not-written": 0, undetermined: 0 });
    // Once past the bound, no write can still be in flight: the young entry (and the live run's) is settled then.
    clock.advanceClock(16 * MINUTE);
    await settle.settleAbandonedEntries();
    expectSettledAs(await getAuditEntry(youngEntry), "not-landed");
    expectSettledAs(await getAuditEntry(liveEntry), "not-landed");
  });
});
