/**
 * Two Session Desk instances sharing one PostgreSQL and one core (issue #12 §1), each in its own
 * process as in production: saves of one session posted at once to both, from the same data, give one
 * "Session data updated" and conflicts for the rest, and the core holds that one change. Only a lock
 * in the database can do this: each process's in-memory lock knows nothing of the other's writers.
 *
 * Instance 1 starts the bundled core (with 15 ms on each data write, as a core across a network);
 * instance 2 is pointed at that core, as at a real one. Staff accounts are made in the shared database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../../helpers/databases";
import { signInAs } from "../../helpers/http";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process";
import { createCoreUserWithSession, createStaff } from "../../helpers/stack";
import { loadSessionPage, postEdit } from "./helpers";

const TRIALS = 10;
const WRITERS = 8;

let database: { url: string; drop(): Promise<void> };
const instances: ServerProcess[] = [];
const dataDirs: string[] = [];
let cookies: string[] = [];
let closeDb: (() => Promise<void>) | undefined;

beforeAll(async () => {
  database = await createPostgresDatabase();
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "session-desk-instance-"));
    dataDirs.push(dir);
    return dir;
  };
  const shared = { DATABASE_URL: database.url, SESSION_SECRET: "two-instances-test-secret-0123456789abcdef", AUDIT_REASON_REQUIRED: "false" };
  instances.push(await startServerProcess({ dataDir: dataDir(), env: { ...shared, LOCAL_CORE_FAULTS: JSON.stringify({ endpoints: { "PUT /recipe/session/data": { latencyMs: 15 } } }) } }));
  instances.push(await startServerProcess({ dataDir: dataDir(), env: { ...shared, SUPERTOKENS_CONNECTION_URI: instances[0]!.coreUrl, SUPERTOKENS_API_KEY: instances[0]!.coreApiKey } }));
  // This process opens the same database only to make a staff account (after both have migrated it).
  process.env.NODE_ENV = "test";
  const { installDatabase, openDatabase } = await import("../../../app/db/db.server");
  const opened = await openDatabase({ kind: "postgres", url: database.url });
  installDatabase(opened);
  closeDb = async () => {
    installDatabase(undefined);
    await opened.close();
  };
  const editor = await createStaff("editor");
  cookies = await Promise.all(instances.map((instance) => signInAs({ url: instance.baseUrl }, editor)));
}, 180_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await closeDb?.();
  await database?.drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function coreData(coreUrl: string, handle: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { headers: { "cdi-version": "5.4", rid: "session", "api-key": instances[0]!.coreApiKey } });
  return ((await response.json()) as { userDataInDatabase: Record<string, unknown> }).userDataInDatabase;
}

describe("two instances sharing one PostgreSQL", () => {
  it(`${WRITERS} saves from the same data, split across both instances: one updated, the rest conflicts, nothing lost (${TRIALS} trials)`, async () => {
    const coreUrl = instances[0]!.coreUrl;
    const figures = { trials: 0, written: 0, conflicts: 0, lost: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const { userId, sessionHandle } = await createCoreUserWithSession({ coreUrl, apiKey: instances[0]!.coreApiKey }, { sessionData: { plan: "free", trial } });
      const page = await loadSessionPage({ url: instances[0]!.baseUrl }, userId, sessionHandle, cookies[0]!);
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) => postEdit({ url: instances[i % 2]!.baseUrl }, page, { intent: "write", text: JSON.stringify({ plan: "free", trial, writer: i }) }, cookies[i % 2]!)),
      );
      const written = answers.flatMap((answer, i) => (answer.toast?.title.startsWith("Session data updated") ? [i] : []));
      const conflicts = answers.filter((answer) => answer.status === 409 && answer.body?.kind === "conflict").length;
      const held = await coreData(coreUrl, sessionHandle);
      figures.trials += 1;
      figures.written += written.length;
      figures.conflicts += conflicts;
      figures.lost += written.filter((i) => held.writer !== i).length;
      expect(written, `trial ${trial}: ${answers.map((a) => `${a.status} ${a.body?.kind ?? a.toast?.title ?? ""}`).join("; ")}`).toHaveLength(1);
      expect(conflicts).toBe(WRITERS - 1);
      expect(held).toEqual({ plan: "free", trial, writer: written[0] });
    }
    console.log(`[serialised writes, two instances on one PostgreSQL] ${JSON.stringify(figures)}`);
    expect(figures.lost).toBe(0);
  });
});
