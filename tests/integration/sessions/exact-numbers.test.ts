/**
 * Numbers survive exactly (issue #12 §2). A real core stores number text verbatim, so a write of one key
 * must give back every other number's text byte for byte: through an edit of another key, a bulk item, a
 * revert and an export, each read back over the core's raw HTTP answer and compared as text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";
import { loadSessionPage, postData, postEdit, REVERT_ROUTE } from "./helpers";

const RUN_ROUTE = "routes/bulk.runs.$runId";
const FORM_ROUTE = "routes/users.$userId.bulk";

// What a real core v11.4.7 returned byte for byte, and three more spellings a double would rewrite.
const EXACT_MEMBERS = ['"big":9223372036854775807', '"huge":18446744073709551617', '"p":19.990000000000001', '"r":1.0', '"e":1e400', '"z":-0', '"u":1E+2', '"t":0.1e-999'];
const EXACT_DATA_TEXT = `{${EXACT_MEMBERS.join(",")},"plan":"free"}`;

let stack: TestStack;
let editor: string;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false" } });
  editor = await signIn(stack, "editor");
  admin = await signIn(stack, "admin");
});

afterAll(async () => {
  await stack?.stop();
});

const coreHeaders = (rid: string) => ({ "content-type": "application/json", "cdi-version": "5.4", rid });

/** A user with one session whose data is `dataText`, sent to the core as that exact text. */
async function sessionWithText(dataText: string): Promise<{ userId: string; handle: string }> {
  const email = `exact-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const signUp = await fetch(`${stack.coreUrl}/recipe/signup`, { method: "POST", headers: coreHeaders("emailpassword"), body: JSON.stringify({ email, password: "Passw0rd-fixture" }) });
  const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
  const body = `{"userId":${JSON.stringify(userId)},"enableAntiCsrf":false,"userDataInJWT":{},"userDataInDatabase":${dataText}}`;
  const created = await fetch(`${stack.coreUrl}/recipe/session`, { method: "POST", headers: coreHeaders("session"), body });
  expect(created.status).toBe(200);
  return { userId, handle: ((await created.json()) as { session: { handle: string } }).session.handle };
}

/** The core's raw answer for the session, as text: no JSON parser between the core and the assertion. */
async function rawCoreAnswer(handle: string): Promise<string> {
  const response = await fetch(`${stack.coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { headers: coreHeaders("session") });
  expect(response.status).toBe(200);
  return response.text();
}

async function expectEveryNumberKept(handle: string) {
  const raw = await rawCoreAnswer(handle);
  for (const member of EXACT_MEMBERS) expect(raw).toContain(member);
}

async function latestEntryId(handle: string): Promise<string> {
  const { queryAudit } = await import("../../../app/audit/audit.server");
  return (await queryAudit({ session: handle })).entries[0]!.id;
}

describe("number text is kept exactly", () => {
  it("an edit of another key writes back every other number as the core held it, and keeps a typed number as typed", async () => {
    const { userId, handle } = await sessionWithText(EXACT_DATA_TEXT);
    const page = await loadSessionPage(stack, userId, handle, editor);
    // The editor is given the numbers as stored.
    expect(page.originalText).toContain('"big": 9223372036854775807');
    expect(page.originalText).toContain('"e": 1e400');
    const edited = page.originalText.replace('"plan": "free"', '"plan": "pro",\n  "price": 10.50');
    const answer = await postEdit(stack, page, { intent: "write", text: edited, reason: "exact numbers" }, editor);
    expect(answer.redirect, JSON.stringify(answer.body)).toBeDefined();
    await expectEveryNumberKept(handle);
    const raw = await rawCoreAnswer(handle);
    expect(raw).toContain('"plan":"pro"');
    expect(raw).toContain('"price":10.50');

    // The audit entry's before and after are exact too, and its patch names only the keys that changed.
    const entryId = await latestEntryId(handle);
    const entry = (await (await getPage(`${stack.url}/audit/${entryId}?_data=${encodeURIComponent("routes/audit.$entryId")}`, { cookie: editor })).json()) as {
      entry: { before: string; after: string; patch: string };
    };
    expect(entry.entry.before).toContain('"big": 9223372036854775807');
    expect(entry.entry.after).toContain('"huge": 18446744073709551617');
    expect(entry.entry.after).toContain('"price": 10.50');
    expect(JSON.parse(entry.entry.patch).map((op: { path: string }) => op.path).sort()).toEqual(["/plan", "/price"]);

    // The export carries the same text.
    const exported = await (await getPage(`${stack.url}/users/${encodeURIComponent(userId)}/export`, { cookie: editor })).text();
    for (const member of EXACT_MEMBERS) expect(exported).toContain(member.replace(":", ": "));

    // A revert of that edit removes "price" and restores "plan", and leaves every other number as it was.
    const planResponse = await getPage(`${stack.url}/audit/${entryId}/revert?_data=${encodeURIComponent(REVERT_ROUTE)}`, { cookie: admin });
    const plan = ((await planResponse.json()) as { plan: { currentFingerprint: string; proposedFingerprint: string; proposedText: string } }).plan;
    expect(plan.proposedText).toContain('"r": 1.0');
    const reverted = await postData(`${stack.url}/audit/${entryId}/revert`, REVERT_ROUTE, { intent: "revert", expectedFingerprint: plan.currentFingerprint, proposedFingerprint: plan.proposedFingerprint, reason: "undo" }, admin);
    expect(reverted.redirect, JSON.stringify(reverted.body)).toBeDefined();
    await expectEveryNumberKept(handle);
    const afterRevert = await rawCoreAnswer(handle);
    expect(afterRevert).toContain('"plan":"free"');
    expect(afterRevert).not.toContain('"price"');
  });

  it("an edit made in a view sorted by key writes only the change: every other key keeps its stored place and bytes", async () => {
    const stored = '{"zeta":1.0,"alpha":{"y":18446744073709551617,"b":[3,1,2]},"mid":"keep"}';
    const { userId, handle } = await sessionWithText(stored);
    const page = await loadSessionPage(stack, userId, handle, editor);
    // The page's text as a sorted view would send it: keys A-Z, "mid" changed, one key added.
    const sortedEdited = '{\n  "alpha": {\n    "b": [3, 1, 2],\n    "y": 18446744073709551617\n  },\n  "mid": "changed",\n  "new": true,\n  "zeta": 1.0\n}';
    const answer = await postEdit(stack, page, { intent: "write", text: sortedEdited, reason: "key order" }, editor);
    expect(answer.redirect, JSON.stringify(answer.body)).toBeDefined();
    expect(await rawCoreAnswer(handle)).toContain('"userDataInDatabase":{"zeta":1.0,"alpha":{"y":18446744073709551617,"b":[3,1,2]},"mid":"changed","new":true}');
  });

  it("a bulk item sets one key and leaves every other number's text alone", async () => {
    const { userId, handle } = await sessionWithText(EXACT_DATA_TEXT);
    const planned = await postData(`${stack.url}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", scope: "all", keyPath: "featureFlags.newCheckout", value: "true", reason: "" }, admin);
    const runId = /^\/bulk\/runs\/([0-9a-f]+)$/.exec(planned.redirect ?? "")?.[1];
    expect(runId, JSON.stringify(planned.body)).toBeTruthy();
    const applied = await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, admin);
    expect(applied.redirect).toBe(`/bulk/runs/${runId}`);
    for (let i = 0; i < 400; i++) {
      const progress = (await (await getPage(`${stack.url}/bulk/runs/${runId}/progress`, { cookie: admin })).json()) as { status: string; outcomes: Record<string, number> };
      if (progress.status === "completed") {
        expect(progress.outcomes.written).toBe(1);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await expectEveryNumberKept(handle);
    expect(await rawCoreAnswer(handle)).toContain('"featureFlags":{"newCheckout":true}');
  });

  it("the user page's rows carry the data as exact text", async () => {
    const { userId } = await sessionWithText(EXACT_DATA_TEXT);
    const response = await getPage(`${stack.url}/users/${encodeURIComponent(userId)}?_data=${encodeURIComponent("routes/users.$userId._index")}`, { cookie: editor });
    const text = await response.text();
    // The rows stream in (deferred): the data text is somewhere in the answer, escaped once as a JSON string.
    expect(text).toContain(JSON.stringify('"big": 9223372036854775807').slice(1, -1));
    expect(text).toContain(JSON.stringify('"t": 0.1e-999').slice(1, -1));
    expect(text).not.toContain("exact-number:");
  });
});
