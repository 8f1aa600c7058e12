/**
 * Writes to one session are serialised (issue #12 §1), on SQLite and on PostgreSQL, with the real SDK
 * against the bundled core: N saves made from the same data give one "written" and N−1 conflicts and
 * lose nothing; a bulk run racing single edits leaves every edit written and kept, or reported as a
 * conflict; on PostgreSQL the lock is the database's (held elsewhere, a write waits, then gives up with
 * a transient failure; a holder whose connection dies lets go). And ownership (§3) in the write path:
 * a session of another user is "not-found", nothing written, nothing audited; linked accounts pass.
 *
 * The core's write is given 15 ms of latency, as a core across a network has: it widens the window
 * between a write's check and its write, which is where a lost update happens without the lock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";
import { AccountLinking, createSession, Session, signUp, startCoreWithSdk, SuperTokens } from "../helpers/core-with-sdk";
import { admin, makeUser, snapshot } from "../bulk/helpers";
import type { LocalCore } from "../../../local-core/index";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";
process.env.SESSION_LOCK_WAIT_MS = "4000";
process.env.BULK_APPLY_MAX_RETRIES = "8";
process.env.BULK_APPLY_RETRY_BASE_MS = "5";

const { writeSessionData } = await import("../../../app/sessions/write.server");
const { revokeOneSession } = await import("../../../app/sessions/revoke.server");
const { advisoryKeyOf } = await import("../../../app/sessions/session-lock.server");
const { planBulkApply } = await import("../../../app/bulk/plan.server");
const engine = await import("../../../app/bulk/engine.server");
const store = await import("../../../app/bulk/store.server");
const { queryAudit } = await import("../../../app/audit/audit.server");
const { fingerprint, canonicalJson } = await import("../../../app/json");

const WRITE_LATENCY = { endpoints: { "PUT /recipe/session/data": { latencyMs: 15 } } };
const TRIALS = 5;
const WRITERS = 10;

let core: LocalCore;
beforeAll(async () => {
  core = await startCoreWithSdk();
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => core.faults.clear());

const coreData = async (handle: string) => (await Session.getSessionInformation(handle))?.sessionDataInDatabase as Record<string, unknown> | undefined;
const entriesOf = async (handle: string) => (await queryAudit({ session: handle, pageSize: 100 })).entries;

describe.each(DATABASE_KINDS)("serialised writes on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it(`${WRITERS} saves from the same data at once: exactly one written, the rest conflicts, nothing lost (${TRIALS} trials)`, async () => {
    core.faults.set(WRITE_LATENCY);
    const figures = { trials: 0, written: 0, conflicts: 0, lost: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const userId = await signUp(`race-${kind}-${trial}-${Date.now()}@example.com`);
      const base = { plan: "free", trial };
      const sessionHandle = await createSession(userId, base);
      const outcomes = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) => writeSessionData({ staff: admin, userId, sessionHandle, next: { ...base, writer: i }, expectedFingerprint: fingerprint(base), reason: `writer ${i}` })),
      );
      const written = outcomes.flatMap((outcome, i) => (outcome.status === "written" ? [i] : []));
      const conflicts = outcomes.filter((outcome) => outcome.status === "conflict").length;
      const held = await coreData(sessionHandle);
      figures.trials += 1;
      figures.written += written.length;
      figures.conflicts += conflicts;
      // Lost: a writer told "written" whose change the core does not hold.
      figures.lost += written.filter((i) => held?.writer !== i).length;
      expect(written, `trial ${trial}: ${outcomes.map((o) => o.status).join(", ")}`).toHaveLength(1);
      expect(conflicts).toBe(WRITERS - 1);
      expect(held).toEqual({ ...base, writer: written[0] });
      // The audit trail agrees: one entry written, the others conflicts.
      const statuses = (await entriesOf(sessionHandle)).map((entry) => entry.outcome?.status).sort();
      expect(statuses).toEqual(["written", ...Array(WRITERS - 1).fill("conflict")].sort());
    }
    console.log(`[serialised writes, one instance, ${kind}] ${JSON.stringify(figures)}`);
    expect(figures.lost).toBe(0);
  });

  it("a bulk run racing single edits: every edit is either written and kept, or reported as a conflict", async () => {
    const user = await makeUser(40, (i) => ({ featureFlags: {}, i }));
    const before = await snapshot(user.handles);
    const setBeta = { kind: "set" as const, path: ["featureFlags", "beta"], value: true };
    const plan = await planBulkApply({ staff: admin, userId: user.userId, operation: setBeta, scope: { kind: "all" } });
    core.faults.set(WRITE_LATENCY);
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 16 });
    expect(started.status).toBe("started");
    // Each edit was made from the data as the dry run saw it (the page loaded before the run started).
    const edited = user.handles.filter((_, i) => i % 2 === 0);
    const edits = await Promise.all(
      edited.map(async (handle) => {
        const base = before.get(handle)!;
        const outcome = await writeSessionData({ staff: admin, userId: user.userId, sessionHandle: handle, next: { ...base, note: `edit of ${handle}` }, expectedFingerprint: fingerprint(base) });
        return [handle, outcome.status] as const;
      }),
    );
    await (started as { runner: { done: Promise<void> } }).runner.done;
    core.faults.clear();

    const items = new Map((await store.listItems(plan.runId, { by: "all" }, 1, 1000)).items.map((item) => [item.sessionHandle, item.outcome]));
    const after = await snapshot(user.handles);
    let bothSucceeded = 0;
    for (const [handle, status] of edits) {
      const base = before.get(handle)!;
      const held = after.get(handle);
      expect(["written", "conflict"], handle).toContain(status);
      if (status === "written") {
        // Kept: the run saw the change and left the session alone.
        expect(held, handle).toEqual({ ...base, note: `edit of ${handle}` });
        expect(items.get(handle), handle).toBe("changed");
      } else {
        expect(items.get(handle), handle).toBe("written");
        expect(canonicalJson(held)).toBe(canonicalJson({ ...base, featureFlags: { beta: true } }));
      }
      if (status === "written" && items.get(handle) === "written") bothSucceeded += 1;
    }
    expect(bothSucceeded).toBe(0);
    // The sessions nobody edited got the run's change.
    for (const handle of user.handles.filter((h) => !edited.includes(h))) {
      expect(items.get(handle)).toBe("written");
      expect(after.get(handle)).toEqual({ ...before.get(handle)!, featureFlags: { beta: true } });
    }
  });

  it("a revoke waits for a write in flight to the same session, and records the data that write left", async () => {
    const userId = await signUp(`revoke-race-${kind}-${Date.now()}@example.com`);
    const sessionHandle = await createSession(userId, { n: 1 });
    core.faults.set(WRITE_LATENCY);
    const [write, revoke] = await Promise.all([
      writeSessionData({ staff: admin, userId, sessionHandle, next: { n: 2 }, expectedFingerprint: fingerprint({ n: 1 }) }),
      // Started a moment later, so it queues behind the write.
      new Promise((resolve) => setImmediate(resolve)).then(() => revokeOneSession({ staff: admin, userId, sessionHandle })),
    ]);
    expect(write.status).toBe("written");
    expect(revoke).toEqual({ status: "revoked" });
    const revokeEntry = (await entriesOf(sessionHandle)).find((entry) => entry.action === "revoke");
    expect(revokeEntry?.before).toEqual({ n: 2 });
  });
});

describe("the PostgreSQL lock is shared through the database", () => {
  let database: TestDatabase;
  let other: pg.Client;
  beforeAll(async () => {
    database = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await other?.end().catch(() => {});
    await database?.drop();
  });

  it("held by another instance: the write waits, then fails as transient with nothing written or audited; a holder that dies lets go", async () => {
    const userId = await signUp(`held-${Date.now()}@example.com`);
    const sessionHandle = await createSession(userId, { n: 1 });
    // Another instance's connection holds this session's lock.
    other = new pg.Client({ connectionString: database.databaseUrl });
    await other.connect();
    await other.query("select pg_advisory_lock($1::bigint)", [advisoryKeyOf(sessionHandle).toString()]);

    const blocked = await writeSessionData({ staff: admin, userId, sessionHandle, next: { n: 2 }, expectedFingerprint: fingerprint({ n: 1 }) });
    expect(blocked).toMatchObject({ status: "failed", transient: true });
    expect((blocked as { error: string }).error).toMatch(/still being written.*Nothing was written; try again/);
    expect(await coreData(sessionHandle)).toEqual({ n: 1 });
    expect(await entriesOf(sessionHandle)).toEqual([]);

    // That instance crashes: its connection ends without unlocking. The database lets go of the lock.
    await other.end();
    const after = await writeSessionData({ staff: admin, userId, sessionHandle, next: { n: 2 }, expectedFingerprint: fingerprint({ n: 1 }) });
    expect(after.status).toBe("written");
    expect(await coreData(sessionHandle)).toEqual({ n: 2 });
  });
});

describe("ownership in the write path", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("sqlite");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("another user's session: not-found, nothing written, nothing audited (edit, bulk item, revoke)", async () => {
    const a = await signUp(`owner-a-${Date.now()}@example.com`);
    const b = await signUp(`owner-b-${Date.now()}@example.com`);
    const bHandle = await createSession(b, { secret: "b" });
    const expectedFingerprint = fingerprint({ secret: "b" });
    expect(await writeSessionData({ staff: admin, userId: a, sessionHandle: bHandle, next: { secret: "stolen" }, expectedFingerprint })).toEqual({ status: "not-found" });
    expect(await writeSessionData({ staff: admin, userId: a, sessionHandle: bHandle, next: (current) => ({ next: { ...current, x: 1 } }), expectedFingerprint, action: "bulk-apply-item", confirm: false })).toEqual({
      status: "not-found",
    });
    expect(await revokeOneSession({ staff: admin, userId: a, sessionHandle: bHandle })).toEqual({ status: "not-found" });
    expect(await coreData(bHandle)).toEqual({ secret: "b" });
    expect(await entriesOf(bHandle)).toEqual([]);
  });

  it("linked login methods: the primary user, the login method's own id, and another linked method all reach the session; the entry names the primary user", async () => {
    const primary = await signUp(`linked-primary-${Date.now()}@example.com`);
    const secondary = await signUp(`linked-secondary-${Date.now()}@example.com`);
    const made = await AccountLinking.createPrimaryUser(SuperTokens.convertToRecipeUserId(primary));
    expect(made.status).toBe("OK");
    const linked = await AccountLinking.linkAccounts(SuperTokens.convertToRecipeUserId(secondary), primary);
    expect(linked.status).toBe("OK");
    // A session of the primary's own login method, reached through the secondary's id (no direct match).
    const handle = await createSession(primary, { n: 0 });
    let n = 0;
    for (const asUser of [primary, secondary]) {
      const outcome = await writeSessionData({ staff: admin, userId: asUser, sessionHandle: handle, next: { n: n + 1 }, expectedFingerprint: fingerprint({ n }) });
      expect(outcome.status, asUser).toBe("written");
      n += 1;
    }
    // A session of the secondary login method: its recipe id, or the primary id.
    const secondaryHandle = await createSession(secondary, { m: 0 });
    expect((await writeSessionData({ staff: admin, userId: secondary, sessionHandle: secondaryHandle, next: { m: 1 }, expectedFingerprint: fingerprint({ m: 0 }) })).status).toBe("written");
    expect((await writeSessionData({ staff: admin, userId: primary, sessionHandle: secondaryHandle, next: { m: 2 }, expectedFingerprint: fingerprint({ m: 1 }) })).status).toBe("written");
    const users = new Set([...(await entriesOf(handle)), ...(await entriesOf(secondaryHandle))].map((entry) => entry.target.userId));
    expect(users).toEqual(new Set([primary]));
  });
});
