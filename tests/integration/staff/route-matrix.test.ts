/**
 * Runs the route matrix (route-matrix.ts) against a whole dashboard: every route × every identity,
 * status codes, nothing written when denied, nothing written by any GET, and foreign-origin POSTs refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRole, type StaffRole } from "../../../app/staff/roles";
import { getPage, send, signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, writeSnapshot, type TestStack, type TestStaff } from "../../helpers/stack";
import { IDENTITIES, ROUTES, type Identity, type MatrixContext, type RouteCase } from "./route-matrix";

let stack: TestStack;
let ctx: MatrixContext;
const cookies = {} as Record<StaffRole, string>;

beforeAll(async () => {
  // Written before a reason became required by default (AUDIT_REASON_REQUIRED=true): these cases are about
  // other rules, so the reason is optional here; tests/integration/audit/reason-required.test.ts covers it.
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false" } });
  ctx = await buildMatrixContext(stack);
  for (const role of ["viewer", "editor", "admin"] as const) cookies[role] = await signIn(stack, role);
});

afterAll(async () => {
  await stack?.stop();
});

async function buildMatrixContext(stack: TestStack): Promise<MatrixContext> {
  const { beginAudit, finishAudit } = await import("../../../app/audit/audit.server");
  const { disableStaffAccount } = await import("../../../app/staff/accounts.server");
  const { fingerprint } = await import("../../../app/json");
  const { userId } = await createCoreUserWithSession(stack);
  const author = await stack.createStaff("editor");
  const newSession = async (data: Record<string, unknown> = { plan: "free" }) => ({ userId, sessionHandle: await createCoreSession(stack, userId, data) });
  return {
    stack,
    userId,
    newSession,
    newStaff: async (role, options = {}) => {
      const staff = await stack.createStaff(role);
      if (options.disabled) await disableStaffAccount(staff.email);
      return staff;
    },
    newEditEntry: async () => {
      const { sessionHandle } = await newSession({ plan: "pro" });
      const entryId = await beginAudit({
        staff: author,
        action: "edit",
        target: { userId, sessionHandle, tenantId: "public" },
        before: { plan: "free" },
        after: { plan: "pro" },
        patch: [{ op: "replace", path: "/plan", value: "pro" }],
      });
      await finishAudit(entryId, { status: "written" });
      return { entryId, userId, sessionHandle };
    },
    fingerprint: (value) => fingerprint(value as never),
    newBulkRun: (state) => newBulkRun(stack, userId, newSession, state),
    newCrossUserRun: (state) => newCrossUserRun(stack, state),
  };
}

/** See MatrixContext.newCrossUserRun. A new user whose one session the change cannot apply to, so a run ends at once. */
async function newCrossUserRun(stack: TestStack, state: "planned" | "pending-approval" | "completed" | "interrupted") {
  const { planCrossUserRun } = await import("../../../app/bulk/cross-user/plan.server");
  const { applyRun } = await import("../../../app/bulk/engine.server");
  const store = await import("../../../app/bulk/store.server");
  const { getDb } = await import("../../../app/db/db.server");
  bulkAuthor ??= await stack.createStaff("admin");
  const { userId } = await createCoreUserWithSession(stack, { sessionData: { featureFlags: "off" } });
  const operation = { kind: "set" as const, path: ["featureFlags", "beta"], value: true };
  const { runId } = await planCrossUserRun({ staff: bulkAuthor, users: { by: "list", entries: [{ input: userId, kind: "id", row: 1 }] }, operation, reason: "matrix" });
  // Above the approval threshold, as a large run would be (this one has one session).
  if (state === "pending-approval") await getDb().updateTable("bulk_runs").set({ approval_status: "pending" }).where("id", "=", runId).execute();
  if (state === "completed") await applyRun(runId, bulkAuthor);
  if (state === "interrupted") {
    await store.claimPlanned(runId, "an-instance-that-went-away", bulkAuthor);
    await store.settleUnwritable(runId);
    await getDb().updateTable("bulk_runs").set({ lease_expires_at: "2000-01-01T00:00:00.000Z" }).where("id", "=", runId).execute();
  }
  return { runId, userId };
}

/** See MatrixContext.newBulkRun. Made with the app's own modules (this process runs the app). */
async function newBulkRun(stack: TestStack, userId: string, newSession: (data: Record<string, unknown>) => Promise<{ sessionHandle: string }>, state: "planned" | "completed" | "interrupted") {
  const { planBulkApply } = await import("../../../app/bulk/plan.server");
  const { applyRun } = await import("../../../app/bulk/engine.server");
  const store = await import("../../../app/bulk/store.server");
  const { getDb } = await import("../../../app/db/db.server");
  bulkAuthor ??= await stack.createStaff("admin");
  // featureFlags is a string, so featureFlags.beta cannot be set: nothing to write, the run ends at once.
  const { sessionHandle } = await newSession({ featureFlags: "off" });
  const operation = { kind: "set" as const, path: ["featureFlags", "beta"], value: true };
  const { runId } = await planBulkApply({ staff: bulkAuthor, userId, operation, scope: { kind: "selected", handles: [sessionHandle] } });
  if (state === "completed") await applyRun(runId, bulkAuthor);
  if (state === "interrupted") {
    await store.claimPlanned(runId, "an-instance-that-went-away", bulkAuthor);
    await store.settleUnwritable(runId);
    await getDb().updateTable("bulk_runs").set({ lease_expires_at: "2000-01-01T00:00:00.000Z" }).where("id", "=", runId).execute();
  }
  return { runId, userId };
}

let bulkAuthor: TestStaff | undefined;

/** A session of an existing user, made with the core's own session API. */
async function createCoreSession(stack: TestStack, userId: string, data: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${stack.coreUrl}/recipe/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "cdi-version": "5.4", rid: "session" },
    body: JSON.stringify({ userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: data }),
  });
  if (!response.ok) throw new Error(`core session create answered ${response.status}`);
  return ((await response.json()) as { session: { handle: string } }).session.handle;
}

function isDenied(route: RouteCase, identity: Identity): boolean {
  if (route.minimumRole === "public") return false;
  return identity === "anonymous" || !hasRole(identity, route.minimumRole);
}

function expectedStatus(route: RouteCase, identity: Identity): number {
  if (route.minimumRole !== "public") {
    if (identity === "anonymous") return route.method === "GET" ? 302 : 401;
    if (!hasRole(identity, route.minimumRole)) return 403;
  }
  if (typeof route.allowed === "number") return route.allowed;
  return route.allowed?.[identity] ?? (route.method === "GET" ? 200 : 302);
}

async function cookieFor(route: RouteCase, identity: Identity): Promise<string | undefined> {
  if (identity === "anonymous") return undefined;
  return route.endsSession ? signIn(stack, identity) : cookies[identity];
}

describe.each(ROUTES.map((route) => [`${route.method} ${route.name}`, route] as const))("%s", (_name, route) => {
  it.each(IDENTITIES)("as %s", async (identity) => {
    const fixture = route.fixture ? await route.fixture(ctx) : {};
    const path = route.path(ctx, fixture);
    const fields = route.form?.(ctx, fixture);
    const cookie = await cookieFor(route, identity);
    const before = await writeSnapshot(stack);
    const response = await send(route.method, `${stack.url}${path}`, fields, { cookie });
    const body = await response.text();
    const after = await writeSnapshot(stack);

    expect(response.status, body.slice(0, 500)).toBe(expectedStatus(route, identity));
    if (isDenied(route, identity) || route.method === "GET" || route.writes === false) expect(after).toBe(before);
    // An allowed write really wrote: proof that "nothing written" above means the guard stopped it.
    else if (route.minimumRole !== "public") expect(after).not.toBe(before);
    if (identity === "anonymous" && route.method === "GET" && route.minimumRole !== "public") {
      expect(response.headers.get("Location")).toBe(`/login?${new URLSearchParams({ redirectTo: path })}`);
    }
    if (route.endsSession && cookie) {
      const again = await getPage(`${stack.url}/`, { cookie });
      expect(again.status).toBe(302);
      expect(again.headers.get("Location")).toMatch(/^\/login/);
    }
  });
});

describe("a non-GET from another origin is refused with nothing done", () => {
  const posts = ROUTES.filter((route) => route.method !== "GET");

  it.each(posts.map((route) => [route.name, route] as const))("%s with a foreign Origin → 403", async (_name, route) => {
    const fixture = route.fixture ? await route.fixture(ctx) : {};
    const fields = route.form?.(ctx, fixture);
    const cookie = route.endsSession ? await signIn(stack, "admin") : cookies.admin;
    const before = await writeSnapshot(stack);
    const response = await send("POST", `${stack.url}${route.path(ctx, fixture)}`, fields, { cookie, origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(await writeSnapshot(stack)).toBe(before);
  });

  it.each(posts.map((route) => [route.name, route] as const))("%s with neither Origin nor Referer → 403", async (_name, route) => {
    const fixture = route.fixture ? await route.fixture(ctx) : {};
    const fields = route.form?.(ctx, fixture);
    const cookie = route.endsSession ? await signIn(stack, "admin") : cookies.admin;
    const before = await writeSnapshot(stack);
    const response = await send("POST", `${stack.url}${route.path(ctx, fixture)}`, fields, { cookie, origin: null });
    expect(response.status).toBe(403);
    expect(await writeSnapshot(stack)).toBe(before);
  });

  it("a foreign Referer without Origin → 403; our own Referer without Origin is accepted", async () => {
    const path = `/users/${ctx.userId}`;
    const foreign = await send("POST", `${stack.url}${path}`, { intent: "revoke-all" }, { cookie: cookies.admin, origin: null, referer: "https://evil.example/page" });
    expect(foreign.status).toBe(403);
    const own = await send("POST", `${stack.url}${path}`, { intent: "revoke-all" }, { cookie: cookies.admin, origin: null, referer: `${stack.url}${path}` });
    expect(own.status).toBe(302);
  });

  it("Origin: null (a sandboxed or privacy-stripped request) → 403", async () => {
    const response = await send("POST", `${stack.url}/staff`, { intent: "disable", email: "x@staff.test" }, { cookie: cookies.admin, origin: "null" });
    expect(response.status).toBe(403);
  });
});
