/**
 * The HTTP API (/api/v1) against a whole dashboard: every route × token scope × role, expired and revoked
 * tokens, a lowered role and a disabled account, cookies refused on the API and tokens refused on the
 * pages, the problem-details shape, the 409 conflict with exact numbers, and the audit trail naming the token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiScope } from "../../../app/api/scopes";
import type { StaffRole } from "../../../app/staff/roles";
import { getPage, postForm, signInAs } from "../../helpers/http";
import { postData } from "../sessions/helpers";
import { createCoreUserWithSession, startTestStack, type TestStack, type TestStaff } from "../../helpers/stack";

let stack: TestStack;
const REASON = "TICKET-1";

async function makeToken(staff: TestStaff, scope: ApiScope, name = `${staff.role}-${scope}`): Promise<string> {
  const { createApiToken } = await import("../../../app/api/tokens.server");
  const { token } = await createApiToken({ staff: { id: staff.id, email: staff.email, displayName: staff.displayName, role: staff.role }, name, scope, expiresInDays: 7 });
  return token;
}

function api(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const all: Record<string, string> = { ...headers };
  if (token) all.Authorization = `Bearer ${token}`;
  if (body !== undefined) all["Content-Type"] = "application/json";
  return fetch(`${stack.url}/api/v1${path}`, { method, headers: all, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body), redirect: "manual" });
}

async function expectProblem(response: Response, status: number, slug: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toMatchObject({ type: `/api/docs#problem-${slug}`, status });
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect(typeof body.instance).toBe("string");
  return body;
}

beforeAll(async () => {
  // Runs across users of more than 3 sessions wait for a second admin's approval (one-user runs never do).
  stack = await startTestStack({ env: { BULK_APPROVAL_THRESHOLD: "3" } });
});

afterAll(async () => {
  await stack?.stop();
});

type Fixture = { userId: string; sessionHandle: string; fingerprint: string; runId: string };

interface RouteCase {
  name: string;
  scope: ApiScope;
  /** Status when the token may do it. */
  ok: number;
  request(token: string, fixture: Fixture): Promise<Response>;
  /** Makes what the request needs; runs for every request. */
  needs?: "session" | "planned-run" | "completed-run" | "cross-user-run";
}

/** A dry run across users of a list: the users' ids (or anything else) as entries. */
async function planCrossUserRun(token: string, entries: string[]): Promise<Response> {
  return api("POST", "/bulk-runs", token, { users: { by: "list", entries }, keyPath: "flags.beta", operation: "set", value: true, reason: REASON });
}

async function planRun(token: string, userId: string): Promise<string> {
  const response = await api("POST", `/users/${userId}/bulk-runs`, token, { keyPath: "flags.beta", operation: "set", value: true, reason: REASON });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { run: { id: string } }).run.id;
}

async function waitForRun(token: string, runId: string): Promise<Record<string, unknown>> {
  for (;;) {
    const run = (await (await api("GET", `/bulk-runs/${runId}`, token)).json()) as { run: { progress: { status: string } } };
    if (run.run.progress.status === "completed" || run.run.progress.status === "cancelled") return run.run as unknown as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ROUTES: RouteCase[] = [
  { name: "GET /users", scope: "read", ok: 200, request: (t) => api("GET", "/users?q=%40example.com", t) },
  { name: "GET /users/:id", scope: "read", ok: 200, needs: "session", request: (t, f) => api("GET", `/users/${f.userId}`, t) },
  { name: "GET /users/:id/sessions/:h", scope: "read", ok: 200, needs: "session", request: (t, f) => api("GET", `/users/${f.userId}/sessions/${f.sessionHandle}`, t) },
  {
    name: "PUT /users/:id/sessions/:h",
    scope: "write",
    ok: 200,
    needs: "session",
    request: (t, f) => api("PUT", `/users/${f.userId}/sessions/${f.sessionHandle}`, t, { data: { plan: "pro" }, expectedFingerprint: f.fingerprint, reason: REASON }),
  },
  { name: "POST /users/:id/bulk-runs", scope: "bulk", ok: 201, needs: "session", request: (t, f) => api("POST", `/users/${f.userId}/bulk-runs`, t, { keyPath: "a", operation: "set", value: 1, reason: REASON }) },
  { name: "GET /bulk-runs/:id", scope: "read", ok: 200, needs: "planned-run", request: (t, f) => api("GET", `/bulk-runs/${f.runId}`, t) },
  { name: "POST /bulk-runs (across users)", scope: "bulk", ok: 201, needs: "session", request: (t, f) => planCrossUserRun(t, [f.userId, "nobody@example.invalid"]) },
  { name: "GET /bulk-runs/:id (across users)", scope: "read", ok: 200, needs: "cross-user-run", request: (t, f) => api("GET", `/bulk-runs/${f.runId}`, t) },
  { name: "GET /bulk-runs/:id/users", scope: "read", ok: 200, needs: "cross-user-run", request: (t, f) => api("GET", `/bulk-runs/${f.runId}/users`, t) },
  { name: "POST /bulk-runs/:id/apply (across users)", scope: "bulk", ok: 202, needs: "cross-user-run", request: (t, f) => api("POST", `/bulk-runs/${f.runId}/apply`, t) },
  { name: "POST /bulk-runs/:id/apply", scope: "bulk", ok: 202, needs: "planned-run", request: (t, f) => api("POST", `/bulk-runs/${f.runId}/apply`, t) },
  // On a finished run: the scope lets it through, and the run's state refuses it (409, not 403).
  { name: "POST /bulk-runs/:id/cancel", scope: "bulk", ok: 409, needs: "completed-run", request: (t, f) => api("POST", `/bulk-runs/${f.runId}/cancel`, t) },
  { name: "POST /bulk-runs/:id/resume", scope: "bulk", ok: 409, needs: "completed-run", request: (t, f) => api("POST", `/bulk-runs/${f.runId}/resume`, t) },
  { name: "GET /bulk-runs/:id/report", scope: "read", ok: 200, needs: "completed-run", request: (t, f) => api("GET", `/bulk-runs/${f.runId}/report`, t) },
  { name: "GET /audit", scope: "read", ok: 200, request: (t) => api("GET", "/audit?pageSize=5", t) },
  { name: "GET /openapi.json", scope: "read", ok: 200, request: (t) => api("GET", "/openapi.json", t) },
];

const SCOPES_OF: Record<StaffRole, ApiScope[]> = { viewer: ["read"], editor: ["read", "write"], admin: ["read", "write", "bulk"] };
const ORDER: ApiScope[] = ["read", "write", "bulk"];

describe("every route × token scope × role", () => {
  let adminToken: string;
  const tokens: { role: StaffRole; scope: ApiScope; token: string }[] = [];

  beforeAll(async () => {
    for (const role of ["viewer", "editor", "admin"] as const) {
      const staff = await stack.createStaff(role);
      for (const scope of SCOPES_OF[role]) tokens.push({ role, scope, token: await makeToken(staff, scope) });
    }
    adminToken = tokens.find((entry) => entry.role === "admin" && entry.scope === "bulk")!.token;
  });

  async function fixtureFor(needs: RouteCase["needs"]): Promise<Fixture> {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
    const session = (await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, adminToken)).json()) as { fingerprint: string };
    let runId = "0".repeat(16);
    if (needs === "planned-run" || needs === "completed-run") runId = await planRun(adminToken, userId);
    if (needs === "cross-user-run") {
      const planned = await planCrossUserRun(adminToken, [userId]);
      expect(planned.status, await planned.clone().text()).toBe(201);
      runId = ((await planned.json()) as { run: { id: string } }).run.id;
    }
    if (needs === "completed-run") {
      expect((await api("POST", `/bulk-runs/${runId}/apply`, adminToken)).status).toBe(202);
      await waitForRun(adminToken, runId);
    }
    return { userId, sessionHandle, fingerprint: session.fingerprint, runId };
  }

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const { role, scope, token } of tokens) {
        const fixture = await fixtureFor(route.needs);
        const response = await route.request(token, fixture);
        const allowed = ORDER.indexOf(scope) >= ORDER.indexOf(route.scope);
        if (allowed) {
          expect(response.status, `${role} token with ${scope}: ${await response.clone().text()}`).toBe(route.ok);
          if (route.ok === 409) await expectProblem(response, 409, "not-applicable");
        } else {
          const body = await expectProblem(response, 403, "insufficient-scope");
          expect(body).toMatchObject({ requiredScope: route.scope, tokenScope: scope });
          expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
        }
      }
      // Without a token, every route is a 401 problem.
      const fixture = await fixtureFor(route.needs);
      await expectProblem(await route.request(null as unknown as string, fixture), 401, "unauthenticated");
    });
  }
});

describe("tokens", () => {
  it("a role may not make a token wider than itself", async () => {
    const { createApiToken, ApiTokenError } = await import("../../../app/api/tokens.server");
    const viewer = await stack.createStaff("viewer");
    await expect(createApiToken({ staff: { ...viewer }, name: "too wide", scope: "write", expiresInDays: 7 })).rejects.toBeInstanceOf(ApiTokenError);
  });

  it("expired, revoked, unknown and malformed tokens are refused with 401", async () => {
    const { getDb } = await import("../../../app/db/db.server");
    const { revokeApiToken } = await import("../../../app/api/tokens.server");
    const staff = await stack.createStaff("editor");
    const expired = await makeToken(staff, "read", "soon expired");
    await getDb().updateTable("api_tokens").set({ expires_at: "2000-01-01T00:00:00.000Z" }).where("id", "=", expired.slice(3, 19)).execute();
    expect((await expectProblem(await api("GET", "/users", expired), 401, "invalid-token")).detail).toMatch(/expired/);

    const revoked = await makeToken(staff, "write", "to revoke");
    expect((await api("GET", "/users", revoked)).status).toBe(200);
    await revokeApiToken({ tokenId: revoked.slice(3, 19), actor: { ...staff }, asAdmin: false });
    expect((await expectProblem(await api("GET", "/users", revoked), 401, "invalid-token")).detail).toMatch(/revoked/);

    const unknown = `${revoked.slice(0, 20)}${"A".repeat(43)}`;
    await expectProblem(await api("GET", "/users", unknown), 401, "invalid-token");
    const response = await api("GET", "/users", "not-a-token");
    await expectProblem(response, 401, "invalid-token");
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("a lowered role narrows its tokens at once; a disabled account's tokens stop", async () => {
    const { setStaffRole, disableStaffAccount } = await import("../../../app/staff/accounts.server");
    const admin = await stack.createStaff("admin");
    const token = await makeToken(admin, "bulk");
    const { userId } = await createCoreUserWithSession(stack);
    await planRun(token, userId);
    await setStaffRole(admin.email, "editor");
    const body = await expectProblem(await api("POST", `/users/${userId}/bulk-runs`, token, { keyPath: "a", operation: "delete", reason: REASON }), 403, "insufficient-scope");
    expect(body.tokenScope).toBe("write");
    expect((await api("GET", `/users/${userId}`, token)).status).toBe(200);
    await disableStaffAccount(admin.email);
    expect((await expectProblem(await api("GET", `/users/${userId}`, token), 401, "invalid-token")).detail).toMatch(/disabled/);
  });

  it("records last use, and creation and revocation in the staff events", async () => {
    const { listOwnApiTokens, revokeApiToken } = await import("../../../app/api/tokens.server");
    const { listStaffEvents } = await import("../../../app/staff/events.server");
    const staff = await stack.createStaff("viewer");
    const token = await makeToken(staff, "read", "last-used check");
    expect((await listOwnApiTokens(staff.id))[0]!.lastUsedAt).toBeNull();
    await api("GET", "/audit", token);
    expect((await listOwnApiTokens(staff.id))[0]!.lastUsedAt).not.toBeNull();
    const admin = await stack.createStaff("admin");
    await revokeApiToken({ tokenId: token.slice(3, 19), actor: { ...admin }, asAdmin: true });
    const events = (await listStaffEvents(50)).filter((event) => event.targetEmail === staff.email);
    expect(events.map((event) => event.action).sort()).toEqual(["api-token-create", "api-token-revoke"]);
    expect(events.find((event) => event.action === "api-token-revoke")!.actorEmail).toBe(admin.email);
  });
});

describe("cookies and pages", () => {
  it("a staff cookie opens nothing on the API; a token opens no page", async () => {
    const admin = await stack.createStaff("admin");
    const cookie = await signInAs(stack, admin);
    const withCookie = await api("GET", "/users", null, undefined, { Cookie: cookie });
    expect((await expectProblem(withCookie, 401, "unauthenticated")).detail).toMatch(/cookies/);
    // A POST with the cookie and this site's Origin (a page's own form) is refused too.
    const { userId } = await createCoreUserWithSession(stack);
    await expectProblem(await api("POST", `/users/${userId}/bulk-runs`, null, { keyPath: "a", operation: "delete", reason: REASON }, { Cookie: cookie, Origin: stack.url }), 401, "unauthenticated");

    const token = await makeToken(admin, "bulk");
    const page = await getPage(`${stack.url}/`, { headers: { Authorization: `Bearer ${token}` } });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toMatch(/^\/login/);
    const staffPage = await getPage(`${stack.url}/staff/api-tokens`, { headers: { Authorization: `Bearer ${token}` } });
    expect(staffPage.status).toBe(302);
  });

  it("an unknown API address is a 404 problem, and bad input a 400 with each error's path", async () => {
    const staff = await stack.createStaff("admin");
    const token = await makeToken(staff, "bulk");
    await expectProblem(await api("GET", "/nothing-here", token), 404, "not-found");
    const { userId, sessionHandle } = await createCoreUserWithSession(stack);
    const bad = await expectProblem(await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, { data: [1], expectedFingerprint: "nope" }), 400, "invalid-request");
    expect((bad.errors as { path: string }[]).map((error) => error.path).sort()).toEqual(["data", "expectedFingerprint"]);
    const duplicate = await expectProblem(await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, '{"data":{"a":1,"a":2},"expectedFingerprint":"x"}'), 400, "invalid-request");
    expect(duplicate.detail).toMatch(/duplicate|twice/i);
    await expectProblem(await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, undefined, { "Content-Type": "text/plain" }), 415, "unsupported-media-type");
    await expectProblem(await api("DELETE", `/users/${userId}/sessions/${sessionHandle}`, token), 405, "method-not-allowed");
  });
});

describe("writing a session", () => {
  it("writes with the expected fingerprint, keeps exact numbers, answers 409 with the current data on conflict, and audits via the token", async () => {
    const staff = await stack.createStaff("editor");
    const token = await makeToken(staff, "write", "runbook script");
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
    const read = (await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, token)).json()) as { fingerprint: string; data: unknown };
    expect(read.data).toEqual({ plan: "free" });

    const body = '{"data":{"plan":"pro","big":9223372036854775807,"price":19.990000000000001},"expectedFingerprint":"' + read.fingerprint + '","reason":"TICKET-9"}';
    const written = await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, body);
    const writtenText = await written.text();
    expect(written.status, writtenText).toBe(200);
    expect(writtenText).toContain("9223372036854775807");
    expect(writtenText).toContain("19.990000000000001");
    const answer = JSON.parse(writtenText) as { status: string; fingerprint: string; auditEntryId: string };
    expect(answer.status).toBe("written");
    const again = await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, token)).text();
    expect(again).toContain('"big":9223372036854775807');

    // A second write from the first read is a conflict: nothing written, the current data returned.
    const conflict = await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, { data: { plan: "enterprise" }, expectedFingerprint: read.fingerprint, reason: REASON });
    const conflictText = await conflict.clone().text();
    const problem = await expectProblem(conflict, 409, "conflict");
    expect(problem.currentFingerprint).toBe(answer.fingerprint);
    expect(conflictText).toContain('"big":9223372036854775807');
    const after = (await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, token)).json()) as { data: { plan: string } };
    expect(after.data.plan).toBe("pro");

    // A reason is required (AUDIT_REASON_REQUIRED defaults to true).
    const noReason = await expectProblem(await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, { data: { plan: "x" }, expectedFingerprint: answer.fingerprint }), 400, "invalid-request");
    expect((noReason.errors as { path: string }[])[0]!.path).toBe("reason");

    // The audit trail names the staff member and the token, in the API and on the audit page.
    const audit = (await (await api("GET", `/audit?session=${sessionHandle}`, token)).json()) as { entries: { id: string; staff: { email: string }; viaApiToken: { name: string } | null; outcome: { status: string } | null }[] };
    const entry = audit.entries.find((item) => item.id === answer.auditEntryId)!;
    expect(entry.staff.email).toBe(staff.email);
    expect(entry.viaApiToken?.name).toBe("runbook script");
    expect(audit.entries.some((item) => item.outcome?.status === "conflict" && item.viaApiToken?.name === "runbook script")).toBe(true);
    const cookie = await signInAs(stack, staff);
    const page = await getPage(`${stack.url}/audit/${answer.auditEntryId}`, { cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("via API token <!-- -->runbook script");
  });

  it("a handle of another user's session is a 404, and nothing is written", async () => {
    const staff = await stack.createStaff("editor");
    const token = await makeToken(staff, "write");
    const a = await createCoreUserWithSession(stack);
    const b = await createCoreUserWithSession(stack, { sessionData: { mine: true } });
    await expectProblem(await api("GET", `/users/${a.userId}/sessions/${b.sessionHandle}`, token), 404, "not-found");
    const { fingerprint } = await import("../../../app/json");
    await expectProblem(await api("PUT", `/users/${a.userId}/sessions/${b.sessionHandle}`, token, { data: { mine: false }, expectedFingerprint: fingerprint({ mine: true }), reason: REASON }), 404, "not-found");
    const own = (await (await api("GET", `/users/${b.userId}/sessions/${b.sessionHandle}`, token)).json()) as { data: unknown };
    expect(own.data).toEqual({ mine: true });
  });
});

describe("bulk runs", () => {
  it("plans, reads the dry run, applies, and reports every session; items are audited via the token", async () => {
    const admin = await stack.createStaff("admin");
    const token = await makeToken(admin, "bulk", "bulk script");
    const { userId } = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
    const bad = await expectProblem(await api("POST", `/users/${userId}/bulk-runs`, token, { keyPath: "", operation: "set", reason: REASON }), 400, "invalid-request");
    expect(bad.errors).toBeDefined();
    const runId = await planRun(token, userId);
    const dryRun = (await (await api("GET", `/bulk-runs/${runId}`, token)).json()) as { run: { progress: { status: string; plan: Record<string, number> } }; groups: unknown[] };
    expect(dryRun.run.progress.status).toBe("planned");
    expect(dryRun.run.progress.plan["will-change"]).toBe(1);
    expect(dryRun.groups).toHaveLength(1);
    expect((await api("POST", `/bulk-runs/${runId}/apply`, token)).status).toBe(202);
    await waitForRun(token, runId);
    const report = (await (await api("GET", `/bulk-runs/${runId}/report`, token)).json()) as { items: { outcome: string }[]; total: number };
    expect(report.total).toBe(1);
    expect(report.items[0]!.outcome).toBe("written");
    await expectProblem(await api("POST", `/bulk-runs/${runId}/apply`, token), 409, "not-applicable");
    const audit = (await (await api("GET", `/audit?run=${runId}`, token)).json()) as { entries: { action: string; viaApiToken: { name: string } | null }[] };
    expect(audit.entries.map((entry) => entry.action).sort()).toEqual(["bulk-apply-item", "bulk-apply-run"]);
    expect(audit.entries.every((entry) => entry.viaApiToken?.name === "bulk script")).toBe(true);
  });

  it("across users: unknown and invalid entries are listed first; apply; the report per user and per session; a previous run's users", async () => {
    const admin = await stack.createStaff("admin");
    const token = await makeToken(admin, "bulk", "cross-user script");
    const email = `api-across-${Date.now()}@example.com`;
    const a = await createCoreUserWithSession(stack, { email, sessionData: { plan: "free" } });
    const b = await createCoreUserWithSession(stack, { sessionData: { plan: "pro", flags: { beta: true } } });
    const unknown = `nobody-${Date.now()}@example.invalid`;

    // Bad input: each problem named by its path, nothing planned.
    const bad = await expectProblem(await api("POST", "/bulk-runs", token, { users: { by: "list", entries: [] }, keyPath: "flags.beta", operation: "set", value: true, reason: REASON }), 400, "invalid-request");
    expect((bad.errors as { path: string }[]).map((error) => error.path)).toContain("users.entries");
    const noRun = await expectProblem(await api("POST", "/bulk-runs", token, { users: { by: "run", runId: "0".repeat(16) }, keyPath: "a", operation: "delete", reason: REASON }), 400, "invalid-request");
    expect(noRun.errors).toEqual([{ path: "users.runId", message: "There is no bulk run with that id." }]);

    const planned = await planCrossUserRun(token, [email, b.userId, unknown, "not an entry at all"]);
    expect(planned.status, await planned.clone().text()).toBe(201);
    const plan = (await planned.json()) as { run: { id: string; userId: string; progress: { status: string; plan: Record<string, number> } }; crossUser: { approval: { status: string | null }; entries: Record<string, number>; unresolved: { input: string; status: string }[] } };
    const runId = plan.run.id;
    expect(planned.headers.get("location")).toBe(`/api/v1/bulk-runs/${runId}`);
    expect(plan.run.userId).toBe("*");
    expect(plan.run.progress).toMatchObject({ status: "planned", plan: { "will-change": 1, "already-so": 1 } });
    expect(plan.crossUser.approval.status).toBeNull();
    expect(plan.crossUser.entries).toMatchObject({ matched: 2, unknown: 1, invalid: 1 });
    expect(plan.crossUser.unresolved.map((entry) => [entry.input, entry.status])).toEqual([
      [unknown, "unknown"],
      ["not an entry at all", "invalid"],
    ]);
    const read = (await (await api("GET", `/bulk-runs/${runId}`, token)).json()) as { crossUser: { entries: Record<string, number> } };
    expect(read.crossUser.entries.matched).toBe(2);
    const unresolved = (await (await api("GET", `/bulk-runs/${runId}/users?show=unresolved`, token)).json()) as { entries: { status: string }[]; pageCount: number };
    expect(unresolved.entries.map((entry) => entry.status)).toEqual(["unknown", "invalid"]);

    expect((await api("POST", `/bulk-runs/${runId}/apply`, token)).status).toBe(202);
    await waitForRun(token, runId);
    const users = (await (await api("GET", `/bulk-runs/${runId}/users`, token)).json()) as { users: { userId: string; verdict: string; outcomes: Record<string, number> }[] };
    expect(users.users.map((user) => [user.userId, user.verdict])).toEqual([
      [a.userId, "written"],
      [b.userId, "already-so"],
    ]);
    const report = (await (await api("GET", `/bulk-runs/${runId}/report`, token)).json()) as { items: { userId: string; sessionHandle: string; outcome: string }[] };
    expect(report.items.map((item) => [item.userId, item.sessionHandle, item.outcome])).toEqual([
      [a.userId, a.sessionHandle, "written"],
      [b.userId, b.sessionHandle, "already-so"],
    ]);
    // A one-user run has no users to list.
    const single = await planRun(token, a.userId);
    await expectProblem(await api("GET", `/bulk-runs/${single}/users`, token), 404, "not-found");

    // The users of that run, again: a fresh dry run of the same users.
    const again = await api("POST", "/bulk-runs", token, { users: { by: "run", runId }, keyPath: "flags.beta", operation: "delete", reason: REASON });
    expect(again.status).toBe(201);
    expect(((await again.json()) as { crossUser: { entries: Record<string, number> } }).crossUser.entries.matched).toBe(2);
  });

  it("across users above the approval threshold: the API cannot apply it until a second admin approves it in the app", async () => {
    const admin = await stack.createStaff("admin");
    const token = await makeToken(admin, "bulk", "large run script");
    const users = await Promise.all([1, 2, 3, 4].map(() => createCoreUserWithSession(stack, { sessionData: { plan: "free" } })));
    const planned = await planCrossUserRun(token, users.map((user) => user.userId));
    expect(planned.status).toBe(201);
    const plan = (await planned.json()) as { run: { id: string }; crossUser: { approval: { status: string; threshold: number } } };
    expect(plan.crossUser.approval).toMatchObject({ status: "pending", threshold: 3 });
    const refused = await expectProblem(await api("POST", `/bulk-runs/${plan.run.id}/apply`, token), 409, "not-applicable");
    expect(refused.detail).toMatch(/second admin must approve it in the app/);
    expect(refused.approval).toBe("pending");
    // Nothing was started or written.
    const before = (await (await api("GET", `/bulk-runs/${plan.run.id}`, token)).json()) as { run: { progress: { status: string } } };
    expect(before.run.progress.status).toBe("planned");

    // A second admin approves it in the app (the API has no way to approve), then the token may apply it.
    const second = await stack.createStaff("admin");
    const approved = await postData(`${stack.url}/bulk/across/${plan.run.id}`, "routes/bulk.across.$runId", { intent: "approve", note: "Checked" }, await signInAs(stack, second));
    expect(approved.toast).toMatchObject({ kind: "success", title: "Run approved" });
    expect((await api("POST", `/bulk-runs/${plan.run.id}/apply`, token)).status).toBe(202);
    const done = await waitForRun(token, plan.run.id);
    expect((done as { progress: { outcomes: Record<string, number> } }).progress.outcomes.written).toBe(4);
  });
});

describe("OpenAPI", () => {
  it("publishes an OpenAPI 3.1 document of every route, and the reference page renders it", async () => {
    const staff = await stack.createStaff("viewer");
    const token = await makeToken(staff, "read");
    const document = (await (await api("GET", "/openapi.json", token)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual(
      ["/audit", "/bulk-runs", "/bulk-runs/{runId}", "/bulk-runs/{runId}/users", "/bulk-runs/{runId}/apply", "/bulk-runs/{runId}/cancel", "/bulk-runs/{runId}/report", "/bulk-runs/{runId}/resume", "/users", "/users/{userId}", "/users/{userId}/bulk-runs", "/users/{userId}/sessions/{sessionHandle}"].sort(),
    );
    expect(Object.keys(document.paths["/users/{userId}/sessions/{sessionHandle}"]!).sort()).toEqual(["get", "put"]);
    expect(document.components.schemas.WriteSessionRequest).toMatchObject({ required: expect.arrayContaining(["data", "expectedFingerprint"]) });
    const cookie = await signInAs(stack, staff);
    const page = await getPage(`${stack.url}/api/docs`, { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/api/v1/users/{userId}/sessions/{sessionHandle}");
    expect(html).toContain('id="problem-conflict"');
  });
});

describe("the token pages", () => {
  const TOKEN = /sd_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;

  it("a viewer makes a read token (shown once), cannot make a wider one, revokes their own and not another's", async () => {
    const viewer = await stack.createStaff("viewer");
    const cookie = await signInAs(stack, viewer);
    const page = await (await getPage(`${stack.url}/profile/api-tokens`, { cookie })).text();
    expect(page).toContain('value="read"');
    expect(page).not.toContain('value="write"');
    const wider = await postForm(`${stack.url}/profile/api-tokens`, { intent: "create", name: "too wide", scope: "bulk", expiresInDays: "30" }, { cookie });
    expect(wider.status).toBe(400);
    const made = await postForm(`${stack.url}/profile/api-tokens`, { intent: "create", name: "from the page", scope: "read", expiresInDays: "30" }, { cookie });
    expect(made.status).toBe(200);
    const token = TOKEN.exec(await made.text())![0];
    expect((await api("GET", "/audit?pageSize=1", token)).status).toBe(200);
    const listed = await (await getPage(`${stack.url}/profile/api-tokens`, { cookie })).text();
    expect(listed).toContain("from the page");
    expect(listed).not.toContain(token);

    const other = await stack.createStaff("viewer");
    const othersToken = await makeToken(other, "read");
    const refused = await postForm(`${stack.url}/profile/api-tokens`, { intent: "revoke", tokenId: othersToken.slice(3, 19) }, { cookie });
    expect(refused.status).toBe(400);
    expect((await api("GET", "/audit?pageSize=1", othersToken)).status).toBe(200);

    const revoked = await postForm(`${stack.url}/profile/api-tokens`, { intent: "revoke", tokenId: token.slice(3, 19) }, { cookie });
    expect(revoked.status).toBe(302);
    await expectProblem(await api("GET", "/audit?pageSize=1", token), 401, "invalid-token");
  });

  it("an admin sees every token on the staff page and revokes any", async () => {
    const owner = await stack.createStaff("editor");
    const token = await makeToken(owner, "write", "owner's script");
    const admin = await stack.createStaff("admin");
    const cookie = await signInAs(stack, admin);
    const page = await (await getPage(`${stack.url}/staff/api-tokens`, { cookie })).text();
    expect(page).toContain("owner&#x27;s script");
    expect(page).toContain(owner.email);
    const revoked = await postForm(`${stack.url}/staff/api-tokens`, { intent: "revoke", tokenId: token.slice(3, 19) }, { cookie });
    expect(revoked.status).toBe(302);
    await expectProblem(await api("GET", "/users", token), 401, "invalid-token");
    // Editors cannot open the admins' page.
    const editorCookie = await signInAs(stack, owner);
    expect((await getPage(`${stack.url}/staff/api-tokens`, { cookie: editorCookie })).status).toBe(403);
  });
});

describe("masking on the API", () => {
  it("a masked editor reads the masked view with a sealed fingerprint, and a write through it keeps the hidden value", async () => {
    const admin = await stack.createStaff("admin");
    const adminCookie = await signInAs(stack, admin);
    const pattern = await postForm(`${stack.url}/masking`, { intent: "add-pattern", pattern: "device.ip", reason: "API test" }, { cookie: adminCookie });
    // The demo configuration may have it already (DEMO_MASK_PATTERNS): either way it is in force.
    expect([302, 400], await pattern.clone().text()).toContain(pattern.status);
    if (pattern.status === 400) expect(await pattern.text()).toMatch(/already/i);
    const role = await postForm(`${stack.url}/masking`, { intent: "set-role", role: "editor", masked: "true", reason: "API test" }, { cookie: adminCookie });
    expect(role.status).toBe(302);

    const editor = await stack.createStaff("editor");
    const token = await makeToken(editor, "write", "masked script");
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { device: { ip: "192.0.2.7" }, plan: "free" } });
    const readText = await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, token)).text();
    expect(readText).not.toContain("192.0.2.7");
    const read = JSON.parse(readText) as { data: { device: { ip: string }; plan: string }; fingerprint: string };
    const { fingerprint } = await import("../../../app/json");
    expect(read.fingerprint).not.toBe(fingerprint({ device: { ip: "192.0.2.7" }, plan: "free" }));

    const written = await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, { data: { ...read.data, plan: "pro" }, expectedFingerprint: read.fingerprint, reason: REASON });
    const writtenText = await written.text();
    expect(written.status, writtenText).toBe(200);
    expect(writtenText).not.toContain("192.0.2.7");
    // An admin (not masked) sees the hidden value kept and the change made.
    const adminToken = await makeToken(admin, "read");
    const real = (await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, adminToken)).json()) as { data: unknown };
    expect(real.data).toEqual({ device: { ip: "192.0.2.7" }, plan: "pro" });

    // Changing a hidden value through the placeholder is refused, nothing written.
    const again = (await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, token)).json()) as { data: { device: { ip: string } }; fingerprint: string };
    await expectProblem(await api("PUT", `/users/${userId}/sessions/${sessionHandle}`, token, { data: { ...again.data, device: { ip: "198.51.100.1" } }, expectedFingerprint: again.fingerprint, reason: REASON }), 422, "write-refused");
    const still = (await (await api("GET", `/users/${userId}/sessions/${sessionHandle}`, adminToken)).json()) as { data: { device: { ip: string } } };
    expect(still.data.device.ip).toBe("192.0.2.7");
  });
});
