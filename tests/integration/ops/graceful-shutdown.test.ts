/**
 * SIGTERM with work in flight (issue #16 §4), two instances sharing one PostgreSQL and one core, each
 * started as `npm start` starts it. Instance A applies a bulk run (the core takes 200 ms per data write)
 * and saves one session from the editor; A gets SIGTERM mid-run:
 * - the editor's save in flight finishes, with its audit entry, and its answer reaches the browser;
 * - A's bulk writes in flight finish and are recorded, its lease is released, and A exits 0;
 * - B takes the run over at once: the lease is 300 s here, so only the hand-over can explain it;
 * - in the end every session holds the change, no session was written twice, and the audit is complete.
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
import { createCoreUserWithSession, createStaff } from "../../helpers/stack";
import { loadSessionPage, postData, postEdit } from "../sessions/helpers";

const SESSIONS = 60;
const CORE_API_KEY = "graceful-shutdown-core-key-0123456789abcdef";
const METRICS_TOKEN = "graceful-shutdown-metrics-token-0123456789";
const FORM_ROUTE = "routes/users.$userId.bulk";
const RUN_ROUTE = "routes/bulk.runs.$runId";

let pgDatabase: { url: string; drop(): Promise<void> };
let core: LocalCore;
let a: ServerProcess;
let b: ServerProcess;
let database: DashboardDatabase;
const dataDirs: string[] = [];
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
  const signUp = await coreFetch("/public/recipe/signup", { method: "POST", rid: "emailpassword", body: { email: `bulk-${Date.now()}@example.com`, password: "Passw0rd-fixture" } });
  const userId = (signUp.user as { id: string }).id;
  const handles: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await coreFetch("/public/recipe/session", { method: "POST", rid: "session", body: { userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: { n: i } } });
    handles.push((created.session as { handle: string }).handle);
  }
  return { userId, handles };
}

async function sessionData(handle: string): Promise<Record<string, unknown>> {
  const answer = await coreFetch(`/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { rid: "session" });
  return answer.userDataInDatabase as Record<string, unknown>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, attempts = 1200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw ${what}`);
}

const runRow = (runId: string) => database.db.selectFrom("bulk_runs").selectAll().where("id", "=", runId).executeTakeFirstOrThrow();

beforeAll(async () => {
  pgDatabase = await createPostgresDatabase();
  core = await startLocalCore({ apiKey: CORE_API_KEY });
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "session-desk-shutdown-"));
    dataDirs.push(dir);
    return dir;
  };
  const shared = {
    DATABASE_URL: pgDatabase.url,
    SESSION_SECRET: "graceful-shutdown-test-secret-0123456789abcdef",
    SUPERTOKENS_CONNECTION_URI: core.url,
    SUPERTOKENS_API_KEY: CORE_API_KEY,
    AUDIT_REASON_REQUIRED: "false",
    BULK_APPLY_CONCURRENCY: "2",
    BULK_RUN_LEASE_SECONDS: "300",
    METRICS_TOKEN,
  };
  a = await startServerProcess({ dataDir: dataDir(), env: shared });
  b = await startServerProcess({ dataDir: dataDir(), env: shared });
  process.env.NODE_ENV = "test";
  const { installDatabase, openDatabase } = await import("../../../app/db/db.server");
  database = await openDatabase({ kind: "postgres", url: pgDatabase.url });
  installDatabase(database);
  const admin = await createStaff("admin", { password: "Graceful-shutdown-Vq9-nocturne-7141" });
  cookieA = await signInAs({ url: a.baseUrl }, admin);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  const { installDatabase } = await import("../../../app/db/db.server");
  installDatabase(undefined);
  await database?.close();
  await core?.stop();
  await pgDatabase?.drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe("SIGTERM with a bulk run and an edit in flight", () => {
  it("finishes what was in flight, hands the run over to the other instance at once, exits 0; nothing lost or written twice", async () => {
    const { userId, handles } = await userWithSessions(SESSIONS);
    const edited = await createCoreUserWithSession({ coreUrl: core.url, apiKey: CORE_API_KEY }, { sessionData: { plan: "free" } });
    const page = await loadSessionPage({ url: a.baseUrl }, edited.userId, edited.sessionHandle, cookieA);
    core.faults.set({ endpoints: { "PUT /recipe/session/data": { latencyMs: 200 } } });

    const planned = await postData(`${a.baseUrl}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", scope: "all", keyPath: "migrated", value: "true", reason: "Shutdown test" }, cookieA);
    const runId = /^\/bulk\/runs\/([0-9a-f]+)$/.exec(planned.redirect ?? "")?.[1];
    expect(runId, JSON.stringify(planned)).toBeTruthy();
    const applied = await postData(`${a.baseUrl}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, cookieA);
    expect(applied.toast?.title).toBe(`Bulk apply started on ${SESSIONS} sessions`);

    // A few sessions done, the run well under way on A.
    await until("A's first outcomes", async () => {
      const done = await database.db.selectFrom("bulk_run_items").select((eb) => eb.fn.countAll<string>().as("n")).where("run_id", "=", runId!).where("outcome", "is not", null).executeTakeFirstOrThrow();
      return Number(done.n) >= 4;
    });
    const ownerA = (await runRow(runId!)).lease_owner;
    expect(ownerA).toBeTruthy();
    const metricsA = await (await fetch(`${a.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metricsA).toContain("session_desk_bulk_runs_in_progress 1");

    // An editor save in flight: its audit entry is begun, its write is at the (slow) core.
    const saving = postEdit({ url: a.baseUrl }, page, { intent: "write", text: JSON.stringify({ plan: "pro" }) }, cookieA);
    await until("the save's audit entry", () => database.db.selectFrom("audit_entries").select("id").where("session_handle", "=", edited.sessionHandle).executeTakeFirst());

    const exitCode = await a.terminate();
    expect(exitCode, a.output().slice(-3000)).toBe(0);
    const saved = await saving;
    expect(saved.toast?.title, JSON.stringify(saved)).toMatch(/^Session data updated/);
    expect(await sessionData(edited.sessionHandle)).toEqual({ plan: "pro" });
    expect(a.output()).toContain("bulk runs handed over to another instance");
    expect(a.output()).toContain("stopped cleanly");

    // B takes it over and finishes it (with a 300 s lease, an expired lease cannot be why).
    const finished = await until("the run completed by B", async () => {
      const row = await runRow(runId!);
      return row.status === "completed" ? row : undefined;
    });
    expect(finished.resumed_count).toBe(1);
    expect(finished.lease_owner).toBeNull();
    expect(b.output()).toContain("took over a bulk run handed over by a stopping instance");

    // Every session holds the change once; every item has its outcome; every audit entry is settled.
    for (const [i, handle] of handles.entries()) expect(await sessionData(handle)).toEqual({ n: i, migrated: true });
    const items = await database.db.selectFrom("bulk_run_items").select(["session_handle", "outcome"]).where("run_id", "=", runId!).execute();
    expect(items).toHaveLength(SESSIONS);
    expect(items.filter((item) => item.outcome !== "written")).toEqual([]);
    const entries = await runSessionAuditOutcomes(database, runId!);
    const written = entries.filter((entry) => entry.status === "written").map((entry) => entry.handle);
    expect(entries.filter((entry) => entry.status === null)).toEqual([]);
    expect([...written].sort()).toEqual([...handles].sort()); // each session exactly once
    const saveEntries = await database.db
      .selectFrom("audit_entries")
      .innerJoin("audit_outcomes", "audit_outcomes.entry_id", "audit_entries.id")
      .select("audit_outcomes.status")
      .where("audit_entries.session_handle", "=", edited.sessionHandle)
      .execute();
    expect(saveEntries.map((entry) => entry.status)).toEqual(["written"]);

    // B's metrics: the items it applied, and no run in progress any more.
    const metricsB = await (await fetch(`${b.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const itemsByB = Number(/^session_desk_bulk_items_total\{outcome="written"\} (\d+)$/m.exec(metricsB)?.[1] ?? "0");
    expect(itemsByB).toBeGreaterThan(0);
    expect(itemsByB).toBeLessThan(SESSIONS);
    expect(metricsB).toContain("session_desk_bulk_runs_in_progress 0");
  }, 150_000);
});
