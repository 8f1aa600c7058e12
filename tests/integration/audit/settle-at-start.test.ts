/**
 * Start-up settles what a stopped instance left unfinished: Session Desk runs as `npm start` runs it (a
 * child process with the bundled core and a data folder), stops, is found to have left two writes begun
 * and never finished, and the next start settles both from what its core holds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installDatabase, openDatabase, resolveDatabaseTarget, type DashboardDatabase } from "../../../app/db/db.server";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";

const { beginAudit, getAuditEntry } = await import("../../../app/audit/audit.server");
const clock = await import("../../../app/staff/clock.server");
const { diffJson, patchFromChanges } = await import("../../../app/json");

let dataDir: string;
let server: ServerProcess | undefined;
let database: DashboardDatabase | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-settle-"));
});
afterAll(async () => {
  await server?.stop();
  installDatabase(undefined);
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function createSession(server: ServerProcess, data: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${server.coreUrl}/public/recipe/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "cdi-version": "5.4", "api-key": server.coreApiKey },
    body: JSON.stringify({ userId: "settle-at-start-user", userDataInJWT: {}, userDataInDatabase: data, enableAntiCsrf: false }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { session: { handle: string } }).session.handle;
}

async function openDataFolder() {
  database = await openDatabase(resolveDatabaseTarget({ dataDir }));
  installDatabase(database);
}

async function closeDataFolder() {
  installDatabase(undefined);
  await database?.close();
  database = undefined;
}

describe("start-up", () => {
  it("settles the writes a stopped instance left unfinished, by what the core holds", async () => {
    server = await startServerProcess({ dataDir });
    // Two sessions as the dying instance's writes left them: one holds the change, one does not.
    const landed = await createSession(server, { plan: "pro" });
    const notLanded = await createSession(server, { plan: "free" });
    await server.stop();
    server = undefined;

    // Its audit entries, begun 20 minutes before it stopped and never finished.
    await openDataFolder();
    const staff = { id: "staff-settle", email: "settle@desk.test", displayName: "Settle Test", role: "editor" as const };
    clock.advanceClock(-20 * 60_000);
    const write = (handle: string, before: Record<string, unknown>, next: Record<string, unknown>) =>
      beginAudit({ staff, action: "edit", target: { userId: "settle-at-start-user", sessionHandle: handle, tenantId: "public" }, before, patch: patchFromChanges(diffJson(before, next)) });
    const landedEntry = await write(landed, { plan: "free" }, { plan: "pro" });
    const notLandedEntry = await write(notLanded, { plan: "free" }, { plan: "pro" });
    clock.resetClock();
    expect((await getAuditEntry(landedEntry))?.outcome).toBeNull();
    await closeDataFolder();

    server = await startServerProcess({ dataDir });
    expect(server.output()).toContain("Settled 2 audit entries left unfinished by a stopped instance: 1 written, 1 not written, 0 undetermined.");
    await server.stop();
    server = undefined;

    await openDataFolder();
    expect((await getAuditEntry(landedEntry))?.outcome).toMatchObject({ status: "written", error: expect.stringMatching(/^Settled after the instance stopped: the core holds this entry's result/) });
    expect((await getAuditEntry(notLandedEntry))?.outcome).toMatchObject({ status: "not-written", error: expect.stringMatching(/^Settled after the instance stopped: the core still holds/) });
  });
});
