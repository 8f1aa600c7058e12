/**
 * Revert from the audit trail over HTTP: the inverse patch applied to the session's CURRENT data (later
 * changes elsewhere survive), the same conflict check as an edit, a clear refusal when the revert no
 * longer applies, admin only — and reverting a revert.
 */
import Session from "supertokens-node/recipe/session/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, layoutJson } from "../../../app/json";
import { getPage, signIn } from "../../helpers/http";
import { createCoreUserWithSession, writeSnapshot, type TestStack } from "../../helpers/stack";
import { loadSessionPage, postData, postEdit, REVERT_ROUTE, startStackAsApp } from "./helpers";

let stack: TestStack;
let editor: string;
let admin: string;

beforeAll(async () => {
  // Written before a reason became required by default (AUDIT_REASON_REQUIRED=true): these cases are about
  // other rules, so the reason is optional here; tests/integration/audit/reason-required.test.ts covers it.
  stack = await startStackAsApp({ env: { AUDIT_REASON_REQUIRED: "false" } });
  editor = await signIn(stack, "editor");
  admin = await signIn(stack, "admin");
});

afterAll(async () => {
  await stack?.stop();
});

const revertUrl = (entryId: string) => `${stack.url}/audit/${entryId}/revert`;
const coreData = async (handle: string) => (await Session.getSessionInformation(handle))?.sessionDataInDatabase;

async function latestEntry(handle: string) {
  const { queryAudit } = await import("../../../app/audit/audit.server");
  return (await queryAudit({ session: handle })).entries[0]!;
}

/** A session edited once through the dashboard; returns the edit's audit entry id. */
async function editedSession(before: Record<string, unknown>, after: Record<string, unknown>) {
  const { userId, sessionHandle: handle } = await createCoreUserWithSession(stack, { sessionData: before });
  const page = await loadSessionPage(stack, userId, handle, editor);
  const answer = await postEdit(stack, page, { intent: "write", text: JSON.stringify(after), reason: "the edit" }, editor);
  expect(answer.redirect).toBeDefined();
  const entry = await latestEntry(handle);
  expect(entry.action).toBe("edit");
  return { userId, handle, entryId: entry.id };
}

async function loadPlan(entryId: string, cookie = admin) {
  const response = await getPage(`${revertUrl(entryId)}?_data=${encodeURIComponent(REVERT_ROUTE)}`, { cookie });
  return { status: response.status, data: (await response.json()) as { plan: Record<string, any> | null; refused: { message: string; clashes: string[] } | null } };
}

async function postRevert(entryId: string, plan: Record<string, any>, reason = "undo", cookie = admin) {
  return postData(revertUrl(entryId), REVERT_ROUTE, { intent: "revert", expectedFingerprint: plan.currentFingerprint, proposedFingerprint: plan.proposedFingerprint, reason }, cookie);
}

describe("revert", () => {
  it("undoes the entry on top of the current data, keeping later changes elsewhere; reverting the revert redoes it", async () => {
    const { userId, handle, entryId } = await editedSession({ plan: "free", seats: 5 }, { plan: "pro", seats: 5 });
    // The app changes something else afterwards.
    await Session.updateSessionDataInDatabase(handle, { plan: "pro", seats: 5, flags: { beta: true } });

    const { status, data } = await loadPlan(entryId);
    expect(status).toBe(200);
    expect(data.plan).toMatchObject({
      userId,
      sessionHandle: handle,
      currentText: layoutJson({ plan: "pro", seats: 5, flags: { beta: true } }),
      proposedText: layoutJson({ plan: "free", seats: 5, flags: { beta: true } }),
      currentFingerprint: fingerprint({ plan: "pro", seats: 5, flags: { beta: true } }),
      summary: { count: 1, text: '1 change: ~ plan "pro" → "free"' },
    });

    const answer = await postRevert(entryId, data.plan!, "customer asked to undo");
    expect(answer.redirect).toBe(`/users/${userId}/sessions/${handle}`);
    expect(answer.toast?.title).toBe("Change reverted — 1 change");
    expect(await coreData(handle)).toEqual({ plan: "free", seats: 5, flags: { beta: true } });
    const revert = await latestEntry(handle);
    expect(revert).toMatchObject({
      action: "revert",
      revertOf: entryId,
      reason: "customer asked to undo",
      before: { plan: "pro", seats: 5, flags: { beta: true } },
      after: { plan: "free", seats: 5, flags: { beta: true } },
      patch: [{ op: "replace", path: "/plan", value: "free" }],
      outcome: { status: "written" },
    });

    // Reverting the revert puts the edit back.
    const again = await loadPlan(revert.id);
    expect(again.data.plan?.proposedText).toBe(layoutJson({ plan: "pro", seats: 5, flags: { beta: true } }));
    const redo = await postRevert(revert.id, again.data.plan!);
    expect(redo.redirect).toBe(`/users/${userId}/sessions/${handle}`);
    expect(await coreData(handle)).toEqual({ plan: "pro", seats: 5, flags: { beta: true } });
    expect(await latestEntry(handle)).toMatchObject({ action: "revert", revertOf: revert.id });

    // Reverting the first revert again: the session already holds the data from before it.
    const nothing = await loadPlan(revert.id);
    expect(nothing.status).toBe(409);
    expect(nothing.data.refused?.message).toMatch(/^Nothing to revert/);
  });

  it("refuses with the clashing paths when the same place changed after the entry; nothing written", async () => {
    const { handle, entryId } = await editedSession({ limits: { seats: 5 } }, { limits: { seats: 10 } });
    await Session.updateSessionDataInDatabase(handle, { limits: { seats: 12 } });
    const { status, data } = await loadPlan(entryId);
    expect(status).toBe(409);
    expect(data.refused?.clashes).toEqual(["/limits/seats"]);
    expect(data.refused?.message).toContain("no longer applies: the data changed at limits.seats after this change");

    const before = await writeSnapshot(stack);
    const forced = await postData(revertUrl(entryId), REVERT_ROUTE, { intent: "revert", expectedFingerprint: fingerprint({ limits: { seats: 12 } }), proposedFingerprint: fingerprint({ limits: { seats: 5 } }) }, admin);
    expect(forced.status).toBe(409);
    expect(forced.body?.error).toContain("no longer applies");
    expect(await writeSnapshot(stack)).toBe(before);
    expect(await coreData(handle)).toEqual({ limits: { seats: 12 } });
  });

  it("writes nothing when the data changed after the review was shown (the same conflict check as an edit)", async () => {
    const { handle, entryId } = await editedSession({ a: 1, b: 1 }, { a: 2, b: 1 });
    const { data } = await loadPlan(entryId);
    await Session.updateSessionDataInDatabase(handle, { a: 2, b: 5 });
    const answer = await postRevert(entryId, data.plan!);
    expect(answer.status).toBe(409);
    expect(answer.body?.error).toContain("changed since this review");
    expect(await coreData(handle)).toEqual({ a: 2, b: 5 });
    expect(await latestEntry(handle)).toMatchObject({ action: "revert", revertOf: entryId, outcome: { status: "conflict" } });
  });

  it("refuses a review that does not match what would be written now", async () => {
    const { handle, entryId } = await editedSession({ a: 1 }, { a: 2 });
    const { data } = await loadPlan(entryId);
    const before = await writeSnapshot(stack);
    const answer = await postRevert(entryId, { ...data.plan!, proposedFingerprint: fingerprint({ a: 999 }) });
    expect(answer.status).toBe(409);
    expect(await writeSnapshot(stack)).toBe(before);
    expect(await coreData(handle)).toEqual({ a: 2 });
  });

  it("is for admins: an editor gets 403 on the review and on the write", async () => {
    const { handle, entryId } = await editedSession({ a: 1 }, { a: 2 });
    const { data } = await loadPlan(entryId);
    expect((await getPage(revertUrl(entryId), { cookie: editor })).status).toBe(403);
    const answer = await postRevert(entryId, data.plan!, "undo", editor);
    expect(answer.status).toBe(403);
    expect(await coreData(handle)).toEqual({ a: 2 });
  });

  it("explains entries that cannot be reverted", async () => {
    const { handle, entryId } = await editedSession({ a: 1 }, { a: 2 });
    await Session.revokeSession(handle);
    const gone = await loadPlan(entryId);
    expect(gone.status).toBe(410);
    expect(gone.data.refused?.message).toContain("ended or expired");

    const { beginAudit, finishAudit } = await import("../../../app/audit/audit.server");
    const staff = await stack.createStaff("admin");
    const revokeId = await beginAudit({ staff, action: "revoke", target: { userId: "someone", sessionHandle: "h" } });
    await finishAudit(revokeId, { status: "written" });
    const revoke = await loadPlan(revokeId);
    expect(revoke.status).toBe(400);
    expect(revoke.data.refused?.message).toContain("Only a change to one session's data can be reverted");

    expect((await getPage(`${stack.url}/audit/ffffffffffffffffffff/revert`, { cookie: admin })).status).toBe(404);
  });
});
