/**
 * The API with its tokens on PostgreSQL (migration 0011 there too): a token made in the database works,
 * writes are audited via the token, last use is recorded, and a revoked token stops.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresDatabase } from "../../helpers/databases";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let database: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  database = await createPostgresDatabase();
  stack = await startTestStack({ env: { DATABASE_URL: database.url } });
});

afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

it("a token writes a session and is audited on PostgreSQL; revoked, it stops", async () => {
  const { createApiToken, listOwnApiTokens, revokeApiToken } = await import("../../../app/api/tokens.server");
  const staff = await stack.createStaff("editor");
  const { token } = await createApiToken({ staff: { ...staff }, name: "pg script", scope: "write", expiresInDays: 30 });
  const auth = { Authorization: `Bearer ${token}` };
  const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
  const url = `${stack.url}/api/v1/users/${userId}/sessions/${sessionHandle}`;
  const read = (await (await fetch(url, { headers: auth })).json()) as { fingerprint: string };
  const write = await fetch(url, { method: "PUT", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ data: { plan: "pro" }, expectedFingerprint: read.fingerprint, reason: "PG-1" }) });
  expect(write.status, await write.clone().text()).toBe(200);
  const audit = (await (await fetch(`${stack.url}/api/v1/audit?session=${sessionHandle}`, { headers: auth })).json()) as { entries: { viaApiToken: { name: string } | null; outcome: { status: string } | null }[] };
  expect(audit.entries[0]).toMatchObject({ viaApiToken: { name: "pg script" }, outcome: { status: "written" } });
  expect((await listOwnApiTokens(staff.id))[0]!.lastUsedAt).not.toBeNull();
  await revokeApiToken({ tokenId: token.slice(3, 19), actor: { ...staff }, asAdmin: false });
  expect((await fetch(url, { headers: auth })).status).toBe(401);
});
