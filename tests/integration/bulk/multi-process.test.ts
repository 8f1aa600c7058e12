/**
 * One bulk run on two real instances (issue #18 §1, "beyond one machine"): two Session Desk processes,
 * each started as `npm start` starts it, sharing one PostgreSQL and one core. A run of 600 sessions is
 * applied on A; B learns of it by itself (its periodic look) and joins; then B is killed with SIGKILL
 * mid-run, holding claimed sessions and with writes in flight. A finishes every session once B's claims
 * lapse: each session holds the change exactly once, the audit trail has exactly one landed write per
 * session and no entry left open, and both instances did work.
 *
 * Then cancel across instances: a run applied on A, with a fresh instance C helping, is cancelled from
 * C's page. Both stop: every session either holds the change with one landed write in the audit trail
 * and "written" in the report, or holds its old data and is "not attempted"; nothing is written after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardDatabase } from "../../../app/db/db.server";
import { startLocalCore, type LocalCore } from "../../../local-core/index";
import { createPostgresDatabase, runSessionAuditOutcomes } from "../../helpers/databases";
import { signInAs } from "../../helpers/http";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process";
import { createStaff } from "../../helpers/stack";
import { postData } from "../sessions/helpers";

const SESSIONS = 600;
const CORE_API_KEY = "multi-process-core-key-0123456789abcdef0123";
const FORM_ROUTE = "routes/users.$userId.bulk";
const RUN_ROUTE = "routes/bulk.runs.$runId";

let pgDatabase: { url: string; drop(): Promise<void> };
let core: LocalCore;
let a: ServerProcess;
let b: ServerProcess;
let c: ServerProcess | undefined;
let shared: Record<string, string>;
let admin: Awaited<ReturnType<typeof createStaff>>;
let database: DashboardDatabase;
const dataDirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "session-desk-multi-"));
  dataDirs.push(dir);
  return dir;
};
let cookieA = "";

async function coreFetch(route: string, init: { method?: string; body?: unknown; rid?: string } = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${core.url}${route}`, {
    method: init.method ?? "GET",
    headers: { "content-type": "application/json", "cdi-version": "5.4", "api-key": CORE_API_KEY, ...(init.rid ? { rid: init.rid } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) throw new Error(`core ${route}: HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

async function userWithSessions(count: number): Promise<{ userId: string; handles: string[] }> {
  const signUp = await coreFetch("/public/recipe/signup", { method: "POST", rid: "emailpassword", body: { email: `multi-${Date.now()}@example.com`, password: "Passw0rd-fixture" } });
  const userId = (signUp.user as { id: string }).id;
  const handles: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await coreFetch("/public/recipe/session", { method: "POST", rid: "session", body: { userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: { n: i } } });
    handles.push((created.session as { handle: string }).handle);
  }
  return { userId, handles };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, attempts = 2400): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw ${what}`);
}

beforeAll(async () => {
  pgDatabase = await createPostgresDatabase();
  core = await startLocalCore({ apiKey: CORE_API_KEY });
  shared = {
    DATABASE_URL: pgDatabase.url,
    SESSION_SECRET: "multi-process-test-secret-0123456789abcdef012",
    SUPERTOKENS_CONNECTION_URI: core.url,
    SUPERTOKENS_API_KEY: CORE_API_KEY,
    AUDIT_REASON_REQUIRED: "false",
    BULK_APPLY_CONCURRENCY: "8",
    // Short, so that the killed instance's claims lapse within the test (heartbeats and looks every second).
    BULK_RUN_LEASE_SECONDS: "4",
  };
  [a, b] = await Promise.all([startServerProcess({ dataDir: dataDir(), env: shared }), startServerProcess({ dataDir: dataDir(), env: shared })]);
  process.env.NODE_ENV = "test";
  const { installDatabase, openDatabase } = await import("../../../app/db/db.server");
  database = await openDatabase({ kind: "postgres", url: pgDatabase.url });
  installDatabase(database);
  admin = await createStaff("admin", { password: "Multi-process-Vq9-nocturne-7141" });
  cookieA = await signInAs({ url: a.baseUrl }, admin);
}, 240_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
  const { installDatabase } = await import("../../../app/db/db.server");
  installDatabase(undefined);
  await database?.close();
  await core?.stop();
  await pgDatabase?.drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe("a bulk run on two instances sharing PostgreSQL", () => {
  it("the second instance joins by itself; killed mid-run, it loses nothing: every session written exactly once", async () => {
    const { userId, handles } = await userWithSessions(SESSIONS);
    core.faults.set({ endpoints: { "PUT /recipe/session/data": { latencyMs: 40 } } });

    const planned = await postData(`${a.baseUrl}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", scope: "all", keyPath: "migrated", value: "true", reason: "Two instances" }, cookieA);
    const runId = /^\/bulk\/runs\/([0-9a-f]+)$/.exec(planned.redirect ?? "")?.[1];
    expect(runId, JSON.stringify(planned)).toBeTruthy();
    const applied = await postData(`${a.baseUrl}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, cookieA);
    expect(applied.toast?.title).toBe(`Bulk apply started on ${SESSIONS} sessions`);
    const ownerA = (await database.db.selectFrom("bulk_runs").select("lease_owner").where("id", "=", runId!).executeTakeFirstOrThrow()).lease_owner;
    expect(ownerA).toBeTruthy();

    // B joins through its periodic look, and has recorded some work (its heartbeat counts it).
    const helperB = await until("B to take part and record work", async () => {
      const rows = await database.db.selectFrom("bulk_run_workers").selectAll().where("run_id", "=", runId!).execute();
      return rows.find((row) => row.instance !== ownerA && row.processed >= 20);
    });
    expect(b.output()).toContain("joined a bulk run another instance is applying");
    const pendingAtKill = await database.db.selectFrom("bulk_run_items").select("seq").where("run_id", "=", runId!).where("outcome", "is", null).execute();
    expect(pendingAtKill.length, "the run is still under way when B dies").toBeGreaterThan(0);

    await b.crash(); // SIGKILL: its claims, its unrecorded outcomes and any write in flight are left as they are

    const finished = await until("the run completed by A", async () => {
      const row = await database.db.selectFrom("bulk_runs").selectAll().where("id", "=", runId!).executeTakeFirstOrThrow();
      return row.status === "completed" ? row : undefined;
    });
    core.faults.clear();
    expect(finished.lease_owner).toBeNull();
    expect(finished.resumed_count).toBe(0); // nobody had to resume it
    expect(finished.pace_limit).toBeGreaterThan(0);

    // Every session holds the change once, and the report says so.
    for (const [i, handle] of handles.entries()) {
      const answer = await coreFetch(`/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { rid: "session" });
      expect(answer.userDataInDatabase, handle).toEqual({ n: i, migrated: true });
    }
    const items = await database.db.selectFrom("bulk_run_items").select(["session_handle", "outcome"]).where("run_id", "=", runId!).execute();
    expect(items).toHaveLength(SESSIONS);
    expect(items.filter((item) => item.outcome !== "written")).toEqual([]);

    // The audit trail: no entry left open (B's writes in flight are settled from the core), one landed write per session.
    const entries = await runSessionAuditOutcomes(database, runId!);
    expect(entries.filter((entry) => entry.status === null)).toEqual([]);
    const written = entries.filter((entry) => entry.status === "written").map((entry) => entry.handle);
    expect([...written].sort()).toEqual([...handles].sort());

    // Both did work; B's row stopped being live when it died.
    const workers = await database.db.selectFrom("bulk_run_workers").selectAll().where("run_id", "=", runId!).orderBy("instance").execute();
    expect(workers).toHaveLength(2);
    expect(workers.find((row) => row.instance === ownerA)?.processed).toBeGreaterThan(0);
    const deadB = workers.find((row) => row.instance === helperB.instance)!;
    expect(deadB.processed).toBeGreaterThanOrEqual(20);
    expect(deadB.seen_until < new Date().toISOString()).toBe(true);
  }, 180_000);

  it("a run cancelled on the instance that helps, not the one that owns it, stops on both: each session written once or not attempted", async () => {
    c = await startServerProcess({ dataDir: dataDir(), env: shared });
    const cookieC = await signInAs({ url: c.baseUrl }, admin);
    const { userId, handles } = await userWithSessions(SESSIONS);
    core.faults.set({ endpoints: { "PUT /recipe/session/data": { latencyMs: 40 } } });

    const planned = await postData(`${a.baseUrl}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", scope: "all", keyPath: "migrated", value: "true", reason: "Cancel across instances" }, cookieA);
    const runId = /^\/bulk\/runs\/([0-9a-f]+)$/.exec(planned.redirect ?? "")?.[1];
    expect(runId, JSON.stringify(planned)).toBeTruthy();
    await postData(`${a.baseUrl}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, cookieA);
    const ownerA = (await database.db.selectFrom("bulk_runs").select("lease_owner").where("id", "=", runId!).executeTakeFirstOrThrow()).lease_owner;
    await until("C to take part and record work", async () => {
      const rows = await database.db.selectFrom("bulk_run_workers").selectAll().where("run_id", "=", runId!).execute();
      return rows.find((row) => row.instance !== ownerA && row.processed >= 20);
    });

    const cancelled = await postData(`${c.baseUrl}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "cancel" }, cookieC);
    expect(cancelled.status, JSON.stringify(cancelled)).toBeLessThan(400);
    const finished = await until("the run cancelled", async () => {
      const row = await database.db.selectFrom("bulk_runs").selectAll().where("id", "=", runId!).executeTakeFirstOrThrow();
      return row.status === "cancelled" ? row : undefined;
    });
    expect(finished.lease_owner).toBeNull();
    // Nobody is still working on it, and nothing lands afterwards.
    const workers = await database.db.selectFrom("bulk_run_workers").selectAll().where("run_id", "=", runId!).execute();
    expect(workers).toHaveLength(2);
    for (const worker of workers) expect(worker.processed, worker.instance).toBeGreaterThan(0);
    const readAll = () => Promise.all(handles.map((handle) => coreFetch(`/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { rid: "session" }).then((answer) => answer.userDataInDatabase)));
    const atCancel = await readAll();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await readAll()).toEqual(atCancel);
    core.faults.clear();

    // The report matches the core, session by session; the run stopped well before the end.
    const items = await database.db.selectFrom("bulk_run_items").select(["session_handle", "outcome"]).where("run_id", "=", runId!).execute();
    expect(items).toHaveLength(SESSIONS);
    const outcomeOf = new Map(items.map((item) => [item.session_handle, item.outcome]));
    for (const [i, handle] of handles.entries()) {
      const data = atCancel[i];
      if (outcomeOf.get(handle) === "written") expect(data, handle).toEqual({ n: i, migrated: true });
      else {
        expect(outcomeOf.get(handle), handle).toBe("not-attempted");
        expect(data, handle).toEqual({ n: i });
      }
    }
    const writtenCount = items.filter((item) => item.outcome === "written").length;
    expect(writtenCount).toBeGreaterThan(0);
    expect(writtenCount).toBeLessThan(SESSIONS);

    // The audit trail: nothing left open, one landed write for each written session and none for the rest.
    const entries = await runSessionAuditOutcomes(database, runId!);
    expect(entries.filter((entry) => entry.status === null)).toEqual([]);
    const landed = entries.filter((entry) => entry.status === "written").map((entry) => entry.handle!);
    expect([...landed].sort()).toEqual(items.filter((item) => item.outcome === "written").map((item) => item.session_handle).sort());
  }, 180_000);
});
