/**
 * The bundled core of a real start (`npm start`, demo mode): it requires a random API key kept in the data
 * folder, so another local process cannot read or write sessions without it; /_local-core/* (faults,
 * clock, stats) exists only when the tests or the benchmarks ask for it; data files are the owner's only.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process";

let dataDir: string;
let server: ServerProcess | undefined;

const mode = (file: string) => statSync(file).mode & 0o777;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-core-key-"));
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the bundled core's API key, control endpoints and data files", () => {
  it("requires the key kept in the data folder; /_local-core/* answers in test mode", async () => {
    server = await startServerProcess({ dataDir });
    const key = readFileSync(path.join(dataDir, "local-core.api-key"), "utf8").trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(server.coreApiKey).toBe(key);
    const read = (headers: Record<string, string>) => fetch(`${server!.coreUrl}/public/users/count`, { headers: { "cdi-version": "5.4", ...headers } });
    expect((await read({})).status).toBe(401);
    expect((await read({ "api-key": "not-the-key" })).status).toBe(401);
    expect((await read({ "api-key": key })).status).toBe(200);
    // The dashboard itself uses it: the seeded demo data is there and readiness is green.
    expect(((await (await read({ "api-key": key })).json()) as { count: number }).count).toBeGreaterThan(0);
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.coreUrl}/_local-core/stats`)).status).toBe(401);
    expect((await fetch(`${server.coreUrl}/_local-core/stats`, { headers: { "api-key": key } })).status).toBe(200);
  });

  it("keeps the same key across a restart; without LOCAL_CORE_CONTROL there is no /_local-core/*", async () => {
    const key = server!.coreApiKey;
    await server!.stop();
    server = await startServerProcess({ dataDir, env: { LOCAL_CORE_CONTROL: "false" } });
    expect(server.coreApiKey).toBe(key);
    for (const route of ["/_local-core/stats", "/_local-core/faults", "/_local-core/clock"]) {
      const answer = await fetch(`${server.coreUrl}${route}`, { method: route.endsWith("stats") ? "GET" : "PUT", headers: { "api-key": key, "content-type": "application/json" }, body: route.endsWith("stats") ? undefined : "{}" });
      expect(answer.status, route).toBe(404);
    }
  });

  it("without LOCAL_CORE_CONTROL, a first start still seeds the full demo data (the seed alone gets the control endpoints)", async () => {
    const freshDir = mkdtempSync(path.join(tmpdir(), "session-desk-core-key-fresh-"));
    const fresh = await startServerProcess({ dataDir: freshDir, env: { LOCAL_CORE_CONTROL: "false" } });
    try {
      expect(fresh.output()).toContain("sessions that expire within hours");
      expect((await fetch(`${fresh.coreUrl}/_local-core/clock`, { headers: { "api-key": fresh.coreApiKey } })).status).toBe(404);
    } finally {
      await fresh.stop();
      rmSync(freshDir, { recursive: true, force: true });
    }
  });

  it("creates the data folder 0700 and every file in it 0600 (databases, their WAL files, the cookie secret, the key)", () => {
    expect(mode(dataDir) & 0o077).toBe(0); // mkdtemp made it 0700 already; nothing loosened it
    const files = readdirSync(dataDir);
    for (const expected of ["local-core.api-key", "local-core.sqlite", "session-desk.sqlite"]) expect(files).toContain(expected);
    expect(files.some((file) => /secret/.test(file))).toBe(true);
    for (const file of files) {
      const full = path.join(dataDir, file);
      if (statSync(full).isDirectory()) expect(mode(full), file).toBe(0o700);
      else expect(mode(full), file).toBe(0o600);
    }
  });
});
