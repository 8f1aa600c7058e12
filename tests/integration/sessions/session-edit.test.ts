/**
 * The session page's action over real HTTP, against the bundled core: every way an edit can fail
 * (and that nothing is written then), conflicts and both ways out of them, a session that ended, a
 * successful write with its audit entry, and who may post at all.
 *
 * The SDK in this process is initialised by the test (the app reuses it), so the test can act as "the
 * app" — change data or end a session behind the dashboard's back, as happens in production.
 */
import Session from "supertokens-node/recipe/session/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatch, fingerprint, layoutJson } from "../../../app/json";
import { postForm, signIn, signInNew } from "../../helpers/http";
import { createCoreUserWithSession, writeSnapshot, type TestStack } from "../../helpers/stack";
import { loadSessionPage, pageUrl, postEdit, readToast, SESSION_ROUTE, type EditPage, startStackAsApp } from "./helpers";

let stack: TestStack;
let editor: string;
let editorEmail: string;
let viewer: string;

beforeAll(async () => {
  // Written before a reason became required by default (AUDIT_REASON_REQUIRED=true): these cases are about
  // other rules, so the reason is optional here; tests/integration/audit/reason-required.test.ts covers it.
  stack = await startStackAsApp({ env: { AUDIT_REASON_REQUIRED: "false" } });
  const signedIn = await signInNew(stack, "editor");
  editor = signedIn.cookie;
  editorEmail = signedIn.staff.email;
  viewer = await signIn(stack, "viewer");
});

afterAll(async () => {
  await stack?.stop();
});

const auditModule = () => import("../../../app/audit/audit.server");

async function newSession(data: Record<string, unknown>) {
  const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: data });
  return { userId, handle: sessionHandle };
}

async function coreData(handle: string) {
  const info = await Session.getSessionInformation(handle);
  return info?.sessionDataInDatabase;
}

async function auditCountFor(handle: string) {
  const { queryAudit } = await auditModule();
  return (await queryAudit({ session: handle })).total;
}

/** Posts an edit and checks the answer's status and kind, and that nothing at all was written. */
async function expectRefused(page: EditPage, text: string, status: number, kind: string) {
  const before = await writeSnapshot(stack);
  const answer = await postEdit(stack, page, { intent: "write", text }, editor);
  expect(answer.status).toBe(status);
  expect(answer.body?.kind).toBe(kind);
  expect(await writeSnapshot(stack)).toBe(before);
  return answer.body!;
}

describe("the session page", () => {
  it("shows facts and data to a viewer, read-only, with the data as inert text", async () => {
    const { userId, handle } = await newSession({ note: "<script>alert(1)</script>", plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, viewer);
    expect(page.data.can).toEqual({ edit: false, revert: false });
    expect(page.data.fingerprint).toBe(fingerprint({ note: "<script>alert(1)</script>", plan: "free" }));
    expect(page.data.originalText).toBe(layoutJson({ note: "<script>alert(1)</script>", plan: "free" }));
    const html = await (await fetch(pageUrl(stack, userId, handle), { headers: { Cookie: viewer } })).text();
    expect(html).toContain(handle);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Access-token payload");
  });

  it("answers 404 for a session that has ended, or that belongs to someone else", async () => {
    const { userId, handle } = await newSession({ a: 1 });
    const other = await newSession({ b: 2 });
    expect((await fetch(pageUrl(stack, other.userId, handle), { headers: { Cookie: viewer } })).status).toBe(404);
    await Session.revokeSession(handle);
    expect((await fetch(pageUrl(stack, userId, handle), { headers: { Cookie: viewer } })).status).toBe(404);
  });
});

describe("validation: nothing is written and the message says why", () => {
  let page: EditPage;
  beforeAll(async () => {
    const { userId, handle } = await newSession({ plan: "free", seats: 5 });
    page = await loadSessionPage(stack, userId, handle, editor);
  });

  it("invalid JSON → 400 with the line and column", async () => {
    const body = await expectRefused(page, '{\n  "plan": "pro",\n  "seats": 5,\n}', 400, "invalid");
    expect(body.error).toMatch(/^Line 3, column 13: .*trailing comma.*Nothing was written\.$/);
    expect(body).toMatchObject({ line: 3, column: 13 });
  });

  it("not an object → 400", async () => {
    const body = await expectRefused(page, '["plan", "pro"]', 400, "invalid");
    expect(body.error).toContain("must be a JSON object");
    expect((await expectRefused(page, '"pro"', 400, "invalid")).error).toContain("must be a JSON object");
  });

  it("larger than MAX_SESSION_DATA_BYTES (1 MiB) → 400", async () => {
    const body = await expectRefused(page, JSON.stringify({ blob: "x".repeat(1024 * 1024) }), 400, "invalid");
    expect(body.error).toMatch(/limit is 1(\.0)? MB|limit is 1 MiB|limit is 1048576 bytes/);
  });

  it("no change (only formatting and key order differ) → 400 'Nothing to write', no core call", async () => {
    const body = await expectRefused(page, '{"seats":5,    "plan":"free"}', 400, "nothing-to-write");
    expect(body.error).toMatch(/^Nothing to write/);
  });

  it("a form whose original does not match its fingerprint → 400", async () => {
    const before = await writeSnapshot(stack);
    const answer = await postEdit(stack, { ...page, originalText: '{"plan":"enterprise","seats":5}' }, { intent: "write", text: '{"plan":"pro","seats":5}' }, editor);
    expect(answer.status).toBe(400);
    expect(answer.body?.error).toContain("does not match its fingerprint");
    expect(await writeSnapshot(stack)).toBe(before);
  });

  it("an unknown intent → 400", async () => {
    const answer = await postEdit(stack, page, { intent: "delete-everything", text: "{}" }, editor);
    expect(answer.status).toBe(400);
    expect(answer.body?.kind).toBe("invalid");
  });
});

describe("who may write", () => {
  it("a viewer gets 403 and nothing is written", async () => {
    const { userId, handle } = await newSession({ plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, viewer);
    const before = await writeSnapshot(stack);
    const answer = await postEdit(stack, page, { intent: "write", text: '{"plan":"pro"}' }, viewer);
    expect(answer.status).toBe(403);
    expect(await writeSnapshot(stack)).toBe(before);
    expect(await coreData(handle)).toEqual({ plan: "free" });
  });

  it("a POST from a foreign Origin (or with none) gets 403 and nothing is written, even for an editor", async () => {
    const { userId, handle } = await newSession({ plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, editor);
    const before = await writeSnapshot(stack);
    const fields = { intent: "write", text: '{"plan":"pro"}', original: page.originalText, fingerprint: page.fingerprint };
    expect((await postForm(pageUrl(stack, userId, handle), fields, { cookie: editor, origin: "https://evil.example" })).status).toBe(403);
    expect((await postForm(pageUrl(stack, userId, handle), fields, { cookie: editor, origin: null })).status).toBe(403);
    expect(await writeSnapshot(stack)).toBe(before);
    expect(await coreData(handle)).toEqual({ plan: "free" });
  });

  it("signed out: 401, nothing written", async () => {
    const { userId, handle } = await newSession({ plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, editor);
    const answer = await postEdit(stack, page, { intent: "write", text: '{"plan":"pro"}' }, "");
    expect(answer.status).toBe(401);
    expect(await coreData(handle)).toEqual({ plan: "free" });
  });
});

describe("a successful write", () => {
  it("writes, redirects back with a toast, and records before, after, patch and reason", async () => {
    const original = { limits: { seats: 5 }, trial: true, "<b>": "x" };
    const { userId, handle } = await newSession(original);
    const page = await loadSessionPage(stack, userId, handle, editor);
    const next = { limits: { seats: 10 }, plan: "pro", "<b>": "x" };
    const text = JSON.stringify(next, null, 4);

    // A plain form post, as without JavaScript: the answer is a 302 to the page itself.
    const response = await postForm(pageUrl(stack, userId, handle), { intent: "write", text, original: page.originalText, fingerprint: page.fingerprint, reason: "Ticket #4521" }, { cookie: editor });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/users/${userId}/sessions/${handle}`);
    expect(readToast(response)).toEqual({ kind: "success", title: "Session data updated — 3 changes", description: "3 changes: + plan, ~ limits.seats 5 → 10, − trial" });

    expect(await coreData(handle)).toEqual(next);
    const { queryAudit } = await auditModule();
    const [entry] = (await queryAudit({ session: handle })).entries;
    expect(entry).toMatchObject({
      action: "edit",
      target: { userId, sessionHandle: handle, tenantId: "public" },
      reason: "Ticket #4521",
      before: original,
      after: next,
      staff: { email: editorEmail, role: "editor" },
      outcome: { status: "written", error: null, after: null },
    });
    expect(entry!.patch).toEqual(createPatch(original, next));
    expect(entry!.patch).toEqual([
      { op: "replace", path: "/limits/seats", value: 10 },
      { op: "add", path: "/plan", value: "pro" },
      { op: "remove", path: "/trial" },
    ]);

    // The page now shows the new data, with a new fingerprint.
    const reloaded = await loadSessionPage(stack, userId, handle, editor);
    expect(reloaded.fingerprint).toBe(fingerprint(next));
    expect(reloaded.data.history[0]).toMatchObject({ action: "edit", outcome: "written" });
  });

  it("says '1 change' for one", async () => {
    const { userId, handle } = await newSession({ a: 1 });
    const page = await loadSessionPage(stack, userId, handle, editor);
    const answer = await postEdit(stack, page, { intent: "write", text: '{"a":2}' }, editor);
    expect(answer.redirect).toBe(`/users/${userId}/sessions/${handle}`);
    expect(answer.toast?.title).toBe("Session data updated — 1 change");
  });
});

describe("conflicts: the data changed after the editor loaded it", () => {
  it("starts the editor from the stored key order; keys sorted A to Z only when the page asks (?keys=sorted)", async () => {
    const { userId, handle } = await newSession({ zebra: 1, apple: { pear: 2, fig: 3 } });
    const page = await loadSessionPage(stack, userId, handle, editor);
    expect(page.originalText).toBe('{\n  "zebra": 1,\n  "apple": {\n    "pear": 2,\n    "fig": 3\n  }\n}');
    const sorted = await (await fetch(`${pageUrl(stack, userId, handle)}?keys=sorted&_data=${encodeURIComponent(SESSION_ROUTE)}`, { headers: { Cookie: editor } })).json();
    expect(sorted.originalText).toBe('{\n  "apple": {\n    "fig": 3,\n    "pear": 2\n  },\n  "zebra": 1\n}');
  });

  it("says who and when when the change came through Session Desk, and answers with the session's history, conflict included", async () => {
    const { userId, handle } = await newSession({ plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, editor);
    const other = await signInNew(stack, "editor");
    const otherPage = await loadSessionPage(stack, userId, handle, other.cookie);
    const theirs = await postEdit(stack, otherPage, { intent: "write", text: '{"plan":"team"}', reason: "ticket 7" }, other.cookie);
    expect(theirs.redirect).toBe(`/users/${userId}/sessions/${handle}`);

    const conflict = await postEdit(stack, page, { intent: "write", text: '{"plan":"pro"}', reason: "ticket 8" }, editor);
    expect(conflict.status).toBe(409);
    const body = conflict.body as { error: string; theirChange: { entryId: string; staffEmail: string; at: string; action: string }; history: { id: string; outcome: string; staffName: string }[] };
    expect(body.theirChange).toMatchObject({ staffEmail: other.staff.email, action: "edit" });
    expect(body.error).toMatch(new RegExp(`\\(${other.staff.email.replace(/[.+]/g, "\\$&")}\\) changed this session's data through Session Desk at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, after you opened it`));
    // Newest first: my refused write, then their write.
    expect(body.history.map((item) => item.outcome)).toEqual(["conflict", "written"]);
    expect(body.history[1]!.id).toBe(body.theirChange.entryId);

    // A change from the app itself: Session Desk cannot know who, and says so.
    await Session.updateSessionDataInDatabase(handle, { plan: "enterprise" });
    const again = await postEdit(stack, page, { intent: "write", text: '{"plan":"pro"}', reason: "ticket 8" }, editor);
    expect(again.body).toMatchObject({ kind: "conflict", theirChange: null });
    expect(again.body?.error).toMatch(/^This session's data was changed outside Session Desk/);
  });

  it("writes nothing, shows original / theirs / yours, then 'apply my changes to theirs' merges", async () => {
    const { userId, handle } = await newSession({ plan: "free", seats: 5, flags: { beta: false } });
    const page = await loadSessionPage(stack, userId, handle, editor);
    // The app changes something else meanwhile.
    await Session.updateSessionDataInDatabase(handle, { plan: "free", seats: 5, flags: { beta: true } });
    const auditBefore = await auditCountFor(handle);

    const mine = '{"plan":"pro","seats":5,"flags":{"beta":false}}';
    const conflict = await postEdit(stack, page, { intent: "write", text: mine, reason: "upgrade" }, editor);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      kind: "conflict",
      originalText: layoutJson({ plan: "free", seats: 5, flags: { beta: false } }),
      theirsText: layoutJson({ plan: "free", seats: 5, flags: { beta: true } }),
      yoursText: layoutJson({ plan: "pro", seats: 5, flags: { beta: false } }),
      theirsFingerprint: fingerprint({ plan: "free", seats: 5, flags: { beta: true } }),
      merge: { ok: true, changes: 1, summary: "1 change: ~ plan \"free\" → \"pro\"" },
    });
    expect(await coreData(handle)).toEqual({ plan: "free", seats: 5, flags: { beta: true } });
    const { queryAudit } = await auditModule();
    const [conflictEntry] = (await queryAudit({ session: handle })).entries;
    expect(await auditCountFor(handle)).toBe(auditBefore + 1);
    expect(conflictEntry).toMatchObject({ action: "edit", outcome: { status: "conflict" } });

    const applied = await postEdit(stack, page, { intent: "apply-mine-to-theirs", text: mine, theirsFingerprint: conflict.body!.theirsFingerprint as string, reason: "upgrade" }, editor);
    expect(applied.redirect).toBe(`/users/${userId}/sessions/${handle}`);
    expect(applied.toast?.title).toBe("Session data updated — 1 change");
    // Their change (beta) survives; mine (plan) is on top.
    expect(await coreData(handle)).toEqual({ plan: "pro", seats: 5, flags: { beta: true } });
    const [written] = (await queryAudit({ session: handle })).entries;
    expect(written).toMatchObject({ action: "edit", reason: "upgrade", patch: [{ op: "replace", path: "/plan", value: "pro" }], outcome: { status: "written" } });
  });

  it("lists the clashing paths when both changed the same place; apply-mine refuses; overwrite is explicit and audited", async () => {
    const { userId, handle } = await newSession({ limits: { seats: 5 }, plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, editor);
    await Session.updateSessionDataInDatabase(handle, { limits: { seats: 7 }, plan: "free" });
    const mine = '{"limits":{"seats":10},"plan":"free"}';

    const conflict = await postEdit(stack, page, { intent: "write", text: mine }, editor);
    expect(conflict.status).toBe(409);
    expect(conflict.body?.merge).toEqual({ ok: false, clashes: ["/limits/seats"], paths: ["limits.seats"] });
    const theirsFingerprint = conflict.body!.theirsFingerprint as string;

    const before = await coreData(handle);
    const refused = await postEdit(stack, page, { intent: "apply-mine-to-theirs", text: mine, theirsFingerprint }, editor);
    expect(refused.status).toBe(409);
    expect(refused.body?.merge).toEqual({ ok: false, clashes: ["/limits/seats"], paths: ["limits.seats"] });
    expect(await coreData(handle)).toEqual(before);

    const overwritten = await postEdit(stack, page, { intent: "overwrite", text: mine, theirsFingerprint, reason: "customer confirmed 10" }, editor);
    expect(overwritten.redirect).toBe(`/users/${userId}/sessions/${handle}`);
    expect(overwritten.toast?.title).toBe("Session data updated — 1 change");
    expect(await coreData(handle)).toEqual({ limits: { seats: 10 }, plan: "free" });
    const { queryAudit } = await auditModule();
    const [entry] = (await queryAudit({ session: handle })).entries;
    expect(entry).toMatchObject({
      action: "overwrite-after-conflict",
      reason: "customer confirmed 10",
      before: { limits: { seats: 7 }, plan: "free" },
      after: { limits: { seats: 10 }, plan: "free" },
      outcome: { status: "written" },
    });
  });

  it("overwrite refuses when theirs changed again since the conflict view", async () => {
    const { userId, handle } = await newSession({ n: 1 });
    const page = await loadSessionPage(stack, userId, handle, editor);
    await Session.updateSessionDataInDatabase(handle, { n: 2 });
    const conflict = await postEdit(stack, page, { intent: "write", text: '{"n":10}' }, editor);
    expect(conflict.status).toBe(409);
    await Session.updateSessionDataInDatabase(handle, { n: 3 });
    const again = await postEdit(stack, page, { intent: "overwrite", text: '{"n":10}', theirsFingerprint: conflict.body!.theirsFingerprint as string }, editor);
    expect(again.status).toBe(409);
    expect(again.body?.theirsText).toBe(layoutJson({ n: 3 }));
    expect(await coreData(handle)).toEqual({ n: 3 });
    const applied = await postEdit(stack, page, { intent: "apply-mine-to-theirs", text: '{"n":10}', theirsFingerprint: conflict.body!.theirsFingerprint as string }, editor);
    expect(applied.status).toBe(409);
    expect(applied.body?.error).toContain("changed again");
    expect(await coreData(handle)).toEqual({ n: 3 });
  });
});

describe("a session that ended between view and write", () => {
  it("answers 410 with a clear message, writes nothing, and audits it", async () => {
    const { userId, handle } = await newSession({ plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, editor);
    await Session.revokeSession(handle);
    const answer = await postEdit(stack, page, { intent: "write", text: '{"plan":"pro"}' }, editor);
    expect(answer.status).toBe(410);
    expect(answer.body).toMatchObject({ kind: "session-gone" });
    expect(answer.body?.error).toMatch(/ended or expired.*Nothing was written/);
    expect(await Session.getSessionInformation(handle)).toBeUndefined();
    const { queryAudit } = await auditModule();
    const [entry] = (await queryAudit({ session: handle })).entries;
    expect(entry).toMatchObject({ action: "edit", outcome: { status: "session-gone" } });
  });
});

describe("the core failing during the write", () => {
  it("answers 503 (transient), keeps the edit, and audits the failure", async () => {
    const { userId, handle } = await newSession({ plan: "free" });
    const page = await loadSessionPage(stack, userId, handle, editor);
    stack.core.faults.set({ endpoints: { "PUT /recipe/session/data": { failureRate: 1, kinds: ["500"] } } });
    try {
      const answer = await postEdit(stack, page, { intent: "write", text: '{"plan":"pro"}' }, editor);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ kind: "failed", transient: true });
      expect(answer.body?.error).toContain("HTTP 500");
    } finally {
      stack.core.faults.clear();
    }
    expect(await coreData(handle)).toEqual({ plan: "free" });
    const { queryAudit } = await auditModule();
    const [entry] = (await queryAudit({ session: handle })).entries;
    expect(entry).toMatchObject({ action: "edit", outcome: { status: "failed" } });
  });
});
