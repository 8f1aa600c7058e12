/**
 * A core call that times out in a write (the function a bulk run calls per session) is a transient
 * failure with the cause in words: the bulk engine retries transient failures (app/bulk/engine.server.ts),
 * so a stalled core costs a retry, not the session. Against the local core with a stall longer than a
 * small CORE_TIMEOUT_MS, through the real SDK and the pooled transport.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";
import { createSession, signUp, startCoreWithSdk } from "../helpers/core-with-sdk";
import type { LocalCore } from "../../../local-core/index";

process.env.CORE_TIMEOUT_MS = "300";
process.env.AUDIT_REASON_REQUIRED = "false";

const { writeSessionData } = await import("../../../app/sessions/write.server");
const { classifyFailure } = await import("../../../app/bulk/retry.server");
const { getSessionInfo } = await import("../../../app/core/sessions.server");
const { fingerprint } = await import("../../../app/json");

const admin = { id: "staff-timeout-admin", email: "timeout-admin@desk.test", displayName: "Timeout Admin", role: "admin" as const };

let core: LocalCore;
let database: TestDatabase;
beforeAll(async () => {
  core = await startCoreWithSdk();
  database = await openTestDatabase(DATABASE_KINDS[0]!);
});
afterAll(async () => {
  await database?.drop();
  await core?.stop();
});
afterEach(() => core.faults.clear());

describe("a write whose core call times out", () => {
  it("fails as transient, saying the core did not answer within CORE_TIMEOUT_MS; the same write succeeds once the core answers", async () => {
    const userId = await signUp(`timeout-${Date.now()}@example.com`);
    const handle = await createSession(userId, { plan: "free" });
    core.faults.set({ endpoints: { "PUT /recipe/session/data": { latencyMs: 3_000 } } });
    const write = () => writeSessionData({ staff: admin, userId, sessionHandle: handle, next: { plan: "pro" }, expectedFingerprint: fingerprint({ plan: "free" }) });
    const timedOut = await write();
    expect(timedOut).toMatchObject({ status: "failed", transient: true });
    expect((timedOut as { error: string }).error).toContain("did not answer within 300 ms (CORE_TIMEOUT_MS)");
    core.faults.clear();
    // The stalled write may still land in the core when its stall ends; the retry reads afresh either way.
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    const current = (await getSessionInfo(handle))!;
    const retried = await writeSessionData({ staff: admin, userId, sessionHandle: handle, next: { plan: "pro" }, expectedFingerprint: fingerprint(current.sessionDataInDatabase) });
    expect(["written", "already-so", "unchanged"]).toContain(retried.status);
  });

  it("a read that times out is the outage for a page, and transient for a bulk run", async () => {
    const userId = await signUp(`timeout-read-${Date.now()}@example.com`);
    const handle = await createSession(userId, { plan: "free" });
    core.faults.set({ endpoints: { "GET /recipe/session": { latencyMs: 3_000 } } });
    const thrown = await getSessionInfo(handle).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(503);
    expect(await classifyFailure(thrown)).toEqual({ transient: true, error: expect.stringContaining("did not answer within 300 ms") });
  });
});
