/**
 * The bulk-apply pages over HTTP, as the browser's Remix runtime uses them: the change form's
 * validation (every message beside its field, what was typed kept), dry run → apply → live progress
 * → report, retry failed through a fresh dry run, a key with a dot and a slash typed both ways, and
 * what viewers see. Role × route denials are in the route matrix (tests/integration/staff).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";
import { postData } from "../sessions/helpers";

const FORM_ROUTE = "routes/users.$userId.bulk";
const RUN_ROUTE = "routes/bulk.runs.$runId";

let stack: TestStack;
let adminCookie: string;
let viewerCookie: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { BULK_APPLY_MAX_RETRIES: "1", BULK_APPLY_RETRY_BASE_MS: "1", AUDIT_REASON_REQUIRED: "false" } });
  adminCookie = await signIn(stack, "admin");
  viewerCookie = await signIn(stack, "viewer");
});
afterAll(async () => {
  await stack?.stop();
});

/** A user with `count` sessions made over the core's HTTP API. */
async function userWithSessions(count: number, data: (i: number) => Record<string, unknown>) {
  const first = await createCoreUserWithSession(stack, { sessionData: data(0) });
  const handles = [first.sessionHandle];
  for (let i = 1; i < count; i++) {
    const response = await fetch(`${stack.coreUrl}/recipe/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "cdi-version": "5.4", rid: "session" },
      body: JSON.stringify({ userId: first.userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: data(i) }),
    });
    handles.push(((await response.json()) as { session: { handle: string } }).session.handle);
  }
  return { userId: first.userId, handles };
}

async function sessionData(handle: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { headers: { "cdi-version": "5.4", rid: "session" } });
  return ((await response.json()) as { userDataInDatabase: Record<string, unknown> }).userDataInDatabase;
}

async function loaderData(path: string, routeId: string, cookie: string) {
  const response = await fetch(`${stack.url}${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`, { headers: { Cookie: cookie } });
  expect(response.status, await response.clone().text()).toBe(200);
  const text = await response.text();
  // A deferred answer (text/remix-deferred) starts with the critical data as JSON, then streams the rest.
  const critical = response.headers.get("content-type")?.startsWith("text/remix-deferred") ? text.slice(0, text.indexOf("\n\n")) : text;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return JSON.parse(critical) as any;
}

async function progress(runId: string) {
  const response = await fetch(`${stack.url}/bulk/runs/${runId}/progress`, { headers: { Cookie: adminCookie } });
  expect(response.status).toBe(200);
  const text = await response.text();
  // A deferred answer (text/remix-deferred) starts with the critical data as JSON, then streams the rest.
  const critical = response.headers.get("content-type")?.startsWith("text/remix-deferred") ? text.slice(0, text.indexOf("\n\n")) : text;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return JSON.parse(critical) as any;
}

async function waitUntilFinished(runId: string) {
  for (let i = 0; i < 400; i++) {
    const now = await progress(runId);
    if (now.status === "completed" || now.status === "cancelled") return now;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the run did not finish");
}

const dryRun = (userId: string, fields: Record<string, string>) =>
  postData(`${stack.url}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", scope: "all", reason: "", ...fields }, adminCookie);

const runIdOf = (redirect: string | undefined) => /^\/bulk\/runs\/([0-9a-f]+)$/.exec(redirect ?? "")?.[1] ?? "";

describe("the change form", () => {
  it.each([
    [{ keyPath: "featureFlags..beta", value: "true" }, "keyPath", /a key is missing/],
    [{ keyPath: "", value: "true" }, "keyPath", /Enter a key path/],
    [{ keyPath: "flags.beta", value: "tru" }, "value", /Not valid JSON/],
    [{ keyPath: "flags.beta", value: "beta" }, "value", /must be in double quotes, like "beta"/],
    [{ keyPath: "flags.beta", value: "" }, "value", /Type the value as JSON/],
    [{ keyPath: "flags.beta", value: "1", scope: "selected" }, "scope", /No sessions are selected/],
    [{ keyPath: "flags.beta", value: "1", scope: "tenant", tenantId: "not-theirs" }, "scope", /not in the tenant/],
    [{ keyPath: "flags.beta", value: "1", scope: "everything" }, "scope", /Choose which sessions/],
  ])("refuses %j with a message beside %s, keeping what was typed", async (fields, field, message) => {
    const { userId } = await userWithSessions(1, () => ({ plan: "free" }));
    const answer = await dryRun(userId, fields);
    expect(answer.status).toBe(400);
    expect((answer.body as { errors: Record<string, string> }).errors[field]).toMatch(message);
    expect((answer.body as { values: Record<string, string> }).values.keyPath).toBe(fields.keyPath);
  });

  it("an unknown intent is a 400, and an editor cannot open the form", async () => {
    const { userId } = await userWithSessions(1, () => ({}));
    expect((await postData(`${stack.url}/users/${userId}/bulk`, FORM_ROUTE, { intent: "apply-now", keyPath: "a", operation: "delete", scope: "all", reason: "" }, adminCookie)).status).toBe(400);
    const editor = await signIn(stack, "editor");
    expect((await fetch(`${stack.url}/users/${userId}/bulk`, { headers: { Cookie: editor } })).status).toBe(403);
  });
});

describe("dry run, apply, progress and report over HTTP", () => {
  it("a key with a dot and a slash, typed as a pointer or dotted, is the same key", async () => {
    const { userId, handles } = await userWithSessions(2, (i) => ({ "a.b": { "c/d": i }, keep: i }));
    const viaPointer = await dryRun(userId, { keyPath: "/a.b/c~1d", value: '"x"' });
    const viaDots = await dryRun(userId, { keyPath: '["a.b"]["c/d"]', value: '"x"' });
    const [a, b] = [runIdOf(viaPointer.redirect), runIdOf(viaDots.redirect)];
    const pageA = await loaderData(`/bulk/runs/${a}`, RUN_ROUTE, adminCookie);
    const pageB = await loaderData(`/bulk/runs/${b}`, RUN_ROUTE, adminCookie);
    expect(pageA.run.pointer).toBe("/a.b/c~1d");
    expect(pageB.run.pointer).toBe("/a.b/c~1d");
    expect(pageA.run.keyPath).toBe('["a.b"]["c/d"]');
    // Two different changes (0 → "x", 1 → "x"): two groups of one session each.
    expect(pageA.groups.map((group: { count: number; summary: { text: string } }) => [group.count, group.summary.text]).sort()).toEqual([
      [1, '1 change: ~ ["a.b"]["c/d"] 0 → "x"'],
      [1, '1 change: ~ ["a.b"]["c/d"] 1 → "x"'],
    ]);
    // Nothing was written by either dry run.
    expect(await sessionData(handles[0]!)).toEqual({ "a.b": { "c/d": 0 }, keep: 0 });
  });

  it("dry run → apply → progress → report; listed on the user page; viewers see it read-only", async () => {
    const { userId, handles } = await userWithSessions(8, (i) => (i === 3 ? { featureFlags: "off" } : { featureFlags: { beta: i === 5 }, other: i }));
    const planned = await dryRun(userId, { keyPath: "featureFlags.beta", value: "true", reason: "Ticket 6" });
    expect(planned.status).toBe(204);
    expect(planned.toast?.title).toBe("Dry run of 8 sessions");
    const runId = runIdOf(planned.redirect);
    const plan = await loaderData(`/bulk/runs/${runId}`, RUN_ROUTE, adminCookie);
    expect(plan.run.progress.plan).toEqual({ "will-change": 6, "already-so": 1, ended: 0, error: 1, "schema-violation": 0 });
    expect(plan.isPlan).toBe(true);
    expect(plan.show).toBe("will-change");
    // A dry run reads as its distinct changes: here one, beta false → true, for 6 sessions.
    expect(plan.groups.map((group: { count: number; plan: string }) => [group.plan, group.count])).toEqual([["will-change", 6]]);
    const errors = await loaderData(`/bulk/runs/${runId}?show=error`, RUN_ROUTE, adminCookie);
    expect(errors.groups[0].note).toBe("featureFlags is a string, not an object, so beta cannot be set inside it");
    const opened = await loaderData(`/bulk/runs/${runId}?show=error&group=${errors.groups[0].firstSeq}`, RUN_ROUTE, adminCookie);
    expect(opened.items.map((item: { sessionHandle: string; planError: string }) => [item.sessionHandle, item.planError])).toEqual([[handles[3], errors.groups[0].note]]);

    const applied = await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, adminCookie);
    expect(applied.redirect).toBe(`/bulk/runs/${runId}`);
    expect(applied.toast?.title).toBe("Bulk apply started on 8 sessions");
    const finished = await waitUntilFinished(runId);
    expect(finished.outcomes).toEqual({ written: 6, "already-so": 1, ended: 0, changed: 0, failed: 1, "not-attempted": 0, "schema-refused": 0, pending: 0 });
    expect(finished.done).toBe(8);
    for (const [i, handle] of handles.entries()) {
      expect(await sessionData(handle)).toEqual(i === 3 ? { featureFlags: "off" } : { featureFlags: { beta: true }, other: i });
    }
    // Applying the same dry run again does nothing.
    const again = await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, adminCookie);
    expect(again.toast?.title).toBe("This dry run was already applied");

    const user = await loaderData(`/users/${userId}`, "routes/users.$userId._index", viewerCookie);
    expect(user.bulkRuns.map((run: { id: string }) => run.id)).toEqual([runId]);
    const asViewer = await loaderData(`/bulk/runs/${runId}?show=written`, RUN_ROUTE, viewerCookie);
    expect(asViewer.can.act).toBe(false);
    expect(asViewer.items).toHaveLength(6);
    expect(asViewer.items.every((item: { auditEntryId: string | null }) => item.auditEntryId)).toBe(true);
  });

  it("retry failed: a fresh dry run of only the failed sessions, applied separately", async () => {
    const { userId, handles } = await userWithSessions(4, () => ({ featureFlags: {} }));
    const runId = runIdOf((await dryRun(userId, { keyPath: "featureFlags.beta", value: "true" })).redirect);
    stack.core.faults.set({ endpoints: { "PUT /recipe/session/data": { failureRate: 1, kinds: ["500"] } } });
    await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, adminCookie);
    const failed = await waitUntilFinished(runId);
    stack.core.faults.clear();
    expect(failed.outcomes.failed).toBe(4);
    expect(failed.retries).toBe(4);

    const retried = await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "retry", which: "failed" }, adminCookie);
    expect(retried.toast?.title).toBe("Fresh dry run of the 4 failed");
    const retryId = runIdOf(retried.redirect);
    expect(retryId).not.toBe(runId);
    const page = await loaderData(`/bulk/runs/${retryId}`, RUN_ROUTE, adminCookie);
    expect(page.run).toMatchObject({ parentRunId: runId, retryOf: "failed", scope: "selected" });
    expect(page.run.progress.plan["will-change"]).toBe(4);
    await postData(`${stack.url}/bulk/runs/${retryId}`, RUN_ROUTE, { intent: "apply" }, adminCookie);
    expect((await waitUntilFinished(retryId)).outcomes.written).toBe(4);
    for (const handle of handles) expect(await sessionData(handle)).toEqual({ featureFlags: { beta: true } });

    const unknown = await postData(`${stack.url}/bulk/runs/${retryId}`, RUN_ROUTE, { intent: "retry", which: "everything" }, adminCookie);
    expect(unknown.status).toBe(400);
  });

  it("an unknown run is a 404", async () => {
    expect((await fetch(`${stack.url}/bulk/runs/0123456789abcdef0123`, { headers: { Cookie: viewerCookie } })).status).toBe(404);
    expect((await fetch(`${stack.url}/bulk/runs/not-an-id`, { headers: { Cookie: viewerCookie } })).status).toBe(404);
  });
});
