/**
 * writeSessionData as the other write paths (bulk apply, revert) call it: every outcome of its contract
 * against the bundled core, with what each leaves in the core and in the audit trail.
 */
import Session from "supertokens-node/recipe/session/index.js";
import { startStackAsApp } from "./helpers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fingerprint } from "../../../app/json";
import type { StaffUser } from "../../../app/staff/roles";
import { createCoreUserWithSession, writeSnapshot, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let staff: StaffUser;
let write: typeof import("../../../app/sessions/write.server");
let audit: typeof import("../../../app/audit/audit.server");

beforeAll(async () => {
  // Written before a reason became required by default (AUDIT_REASON_REQUIRED=true): these cases are about
  // other rules, so the reason is optional here; tests/integration/audit/reason-required.test.ts covers it.
  stack = await startStackAsApp({ env: { AUDIT_REASON_REQUIRED: "false" } });
  write = await import("../../../app/sessions/write.server");
  audit = await import("../../../app/audit/audit.server");
  const account = await stack.createStaff("admin");
  staff = { id: account.id, email: account.email, displayName: account.displayName, role: "admin" };
});

afterEach(() => stack.core.faults.clear());
afterAll(async () => {
  await stack?.stop();
});

async function session(data: Record<string, unknown>) {
  const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: data });
  return { userId, sessionHandle, expectedFingerprint: fingerprint(data) };
}
const coreData = async (handle: string) => (await Session.getSessionInformation(handle))?.sessionDataInDatabase;
const latest = async (handle: string) => (await audit.queryAudit({ session: handle })).entries;

describe("writeSessionData", () => {
  it("written: the count of changes, the audit entry id and what the core holds; bulk fields recorded", async () => {
    const target = await session({ plan: "free", seats: 5 });
    const outcome = await write.writeSessionData({ staff, ...target, next: { plan: "pro", seats: 5, extra: true }, action: "bulk-apply-item", runId: "run-1", reason: "bulk" });
    expect(outcome).toMatchObject({ status: "written", changes: 2, after: { plan: "pro", seats: 5, extra: true } });
    expect(await coreData(target.sessionHandle)).toEqual({ plan: "pro", seats: 5, extra: true });
    const [entry] = await latest(target.sessionHandle);
    expect(entry).toMatchObject({ id: (outcome as { entryId: string }).entryId, action: "bulk-apply-item", runId: "run-1", reason: "bulk", outcome: { status: "written" } });
  });

  it("unchanged: no write to the core, recorded as 'already so'", async () => {
    const target = await session({ a: 1, b: [1, 2] });
    const before = (await writeSnapshot(stack)).split("\n").pop();
    expect(await write.writeSessionData({ staff, ...target, next: { b: [1, 2], a: 1 } })).toEqual({ status: "unchanged" });
    expect((await writeSnapshot(stack)).split("\n").pop()).toBe(before); // no non-GET core call
    expect((await latest(target.sessionHandle))[0]).toMatchObject({ outcome: { status: "already-so" }, patch: [] });
  });

  it("conflict: returns their data and fingerprint, writes nothing, audits the conflict", async () => {
    const target = await session({ n: 1 });
    await Session.updateSessionDataInDatabase(target.sessionHandle, { n: 2 });
    const outcome = await write.writeSessionData({ staff, ...target, next: { n: 3 } });
    expect(outcome).toEqual({ status: "conflict", theirs: { n: 2 }, theirsFingerprint: fingerprint({ n: 2 }) });
    expect(await coreData(target.sessionHandle)).toEqual({ n: 2 });
    expect((await latest(target.sessionHandle))[0]).toMatchObject({ before: { n: 2 }, after: { n: 3 }, outcome: { status: "conflict" } });
  });

  it("session-gone: audited, nothing written", async () => {
    const target = await session({ n: 1 });
    await Session.revokeSession(target.sessionHandle);
    expect(await write.writeSessionData({ staff, ...target, next: { n: 2 } })).toEqual({ status: "session-gone" });
    expect((await latest(target.sessionHandle))[0]).toMatchObject({ outcome: { status: "session-gone" } });
  });

  it("failed, transient: the core answers 500 or 429, or drops the connection (the bulk engineer retries these)", async () => {
    for (const kind of ["500", "429", "drop"] as const) {
      const target = await session({ n: 1 });
      stack.core.faults.set({ endpoints: { "PUT /recipe/session/data": { failureRate: 1, kinds: [kind] } } });
      const outcome = await write.writeSessionData({ staff, ...target, next: { n: 2 } });
      stack.core.faults.clear();
      expect(outcome, kind).toMatchObject({ status: "failed", transient: true });
      expect(await coreData(target.sessionHandle)).toEqual({ n: 1 });
      expect((await latest(target.sessionHandle))[0], kind).toMatchObject({ outcome: { status: "failed" } });
    }
  });

  it("failed, not transient: data over MAX_SESSION_DATA_BYTES is refused before anything is attempted", async () => {
    const target = await session({ n: 1 });
    const before = await writeSnapshot(stack);
    const outcome = await write.writeSessionData({ staff, ...target, next: { blob: "x".repeat(1024 * 1024) } });
    expect(outcome).toMatchObject({ status: "failed", transient: false });
    expect((outcome as { error: string }).error).toContain("the limit is");
    expect(await writeSnapshot(stack)).toBe(before);
  });
});

describe("writeSessionData with the new data made from the fresh read (a bulk item)", () => {
  const addBeta = (current: Record<string, unknown>) => ({ next: { ...current, beta: true } });

  it("makes the change from what the core holds, once it matches the expected fingerprint", async () => {
    const target = await session({ plan: "free", nested: { keep: [1, 2] } });
    const seen: unknown[] = [];
    const outcome = await write.writeSessionData({ staff, ...target, next: (current) => (seen.push(current), addBeta(current)), action: "bulk-apply-item", confirm: false });
    expect(outcome).toMatchObject({ status: "written", changes: 1, after: { plan: "free", nested: { keep: [1, 2] }, beta: true } });
    expect(seen).toEqual([{ plan: "free", nested: { keep: [1, 2] } }]);
    expect(await coreData(target.sessionHandle)).toEqual({ plan: "free", nested: { keep: [1, 2] }, beta: true });
    expect((await latest(target.sessionHandle))[0]).toMatchObject({ before: { plan: "free" }, after: { beta: true }, patch: [{ op: "add", path: "/beta", value: true }], outcome: { status: "written" } });
  });

  it("is not called when the data changed: a conflict, audited with what the core holds, nothing written", async () => {
    const target = await session({ n: 1 });
    await Session.updateSessionDataInDatabase(target.sessionHandle, { n: 2 });
    let called = false;
    const outcome = await write.writeSessionData({ staff, ...target, next: (current) => ((called = true), addBeta(current)) });
    expect(outcome).toEqual({ status: "conflict", theirs: { n: 2 }, theirsFingerprint: fingerprint({ n: 2 }) });
    expect(called).toBe(false);
    expect(await coreData(target.sessionHandle)).toEqual({ n: 2 });
    expect((await latest(target.sessionHandle))[0]).toMatchObject({ before: { n: 2 }, after: null, outcome: { status: "conflict" } });
  });

  it("a change that cannot be made, or whose result is over the limit, fails before anything is attempted", async () => {
    const target = await session({ n: 1 });
    const writesBefore = await writeSnapshot(stack);
    const entriesBefore = (await latest(target.sessionHandle)).length;
    expect(await write.writeSessionData({ staff, ...target, next: () => ({ error: "n is a number, not an object" }) })).toEqual({
      status: "failed",
      error: "n is a number, not an object. Nothing was written.",
      transient: false,
    });
    const tooBig = await write.writeSessionData({ staff, ...target, next: (current) => ({ next: { ...current, blob: "x".repeat(1024 * 1024) } }) });
    expect(tooBig).toMatchObject({ status: "failed", transient: false });
    expect((tooBig as { error: string }).error).toContain("the limit is");
    expect(await writeSnapshot(stack)).toBe(writesBefore);
    expect(await latest(target.sessionHandle)).toHaveLength(entriesBefore);
  });
});
