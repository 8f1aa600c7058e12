/**
 * THE ROUTE MATRIX: every route of the dashboard × {anonymous, viewer, editor, admin}.
 *
 * >>> Adding a route? Add a row here: one per method, and one per intent of a multi-action route. <<<
 *
 * route-matrix.test.ts checks, for each row and each identity: the status code (302 to /login for an
 * anonymous page GET, 401 for an anonymous non-GET, 403 below `minimumRole`, `allowed` otherwise), that
 * a denied request wrote nothing (every table of the dashboard's database and every non-GET call to the
 * core), that no GET wrote anything, and that every non-GET from a foreign origin is refused with 403.
 *
 * `fixture` runs once per request, before the "nothing written" snapshot, and makes what the request
 * needs (a fresh session, audit entry or staff account), so a write that succeeds (revoke, disable,
 * revert…) never takes away what a later request needs. Add a helper to MatrixContext (and to
 * `buildMatrixContext` in the test) if your route needs a new kind of fixture.
 */
import type { StaffRole } from "../../../app/staff/roles";
import { createCoreUserWithSession, type TestStack, type TestStaff } from "../../helpers/stack";

export type Identity = "anonymous" | StaffRole;
export const IDENTITIES: Identity[] = ["anonymous", "viewer", "editor", "admin"];

export type Fixture = Record<string, string>;

export interface MatrixContext {
  stack: TestStack;
  /** A core user that always exists. */
  userId: string;
  /** A new live session of `userId` with this data (default { plan: "free" }). */
  newSession(data?: Record<string, unknown>): Promise<{ userId: string; sessionHandle: string }>;
  /** A new staff account to act on. */
  newStaff(role: StaffRole, options?: { disabled?: boolean }): Promise<TestStaff>;
  /** A written "edit" audit entry ({ plan: "free" } → { plan: "pro" }) of a new session that now holds { plan: "pro" }: revertible. */
  newEditEntry(): Promise<{ entryId: string; userId: string; sessionHandle: string }>;
  /** The fingerprint the app computes for a session data object (app/json). */
  fingerprint(value: Record<string, unknown>): string;
  /**
   * A bulk run of `userId` over one new session the change cannot apply to (so applying, resuming or
   * cancelling it finishes within the request): a dry run ("planned"), applied ("completed", one failed
   * session), or "interrupted" (its server went away after recording every outcome). Returns { runId, userId }.
   */
  newBulkRun(state: "planned" | "completed" | "interrupted"): Promise<{ runId: string; userId: string }>;
  /**
   * A bulk run across users (one new user, one session the change cannot apply to), by another admin:
   * a dry run ("planned"), one waiting for a second admin ("pending-approval"), "completed" or
   * "interrupted", as newBulkRun. Returns { runId, userId }.
   */
  newCrossUserRun(state: "planned" | "pending-approval" | "completed" | "interrupted"): Promise<{ runId: string; userId: string }>;
}

export interface RouteCase {
  name: string;
  method: "GET" | "POST";
  fixture?: (ctx: MatrixContext) => Promise<Fixture>;
  path: (ctx: MatrixContext, fixture: Fixture) => string;
  form?: (ctx: MatrixContext, fixture: Fixture) => Record<string, string>;
  /** Lowest role allowed; "public" = anyone, signed in or not (only sign-in and sign-out). */
  minimumRole: StaffRole | "public";
  /** Status for an allowed identity: default 200 for GET, 302 for POST; per identity if it differs. */
  allowed?: number | Partial<Record<Identity, number>>;
  /**
   * false: an allowed request that the route's own checks refuse (a wrong code or password); the test then
   * checks that it wrote nothing, instead of checking that it wrote.
   */
  writes?: false;
  /** The request ends the caller's staff session (sign-out): the test signs in a throwaway session for it. */
  endsSession?: boolean;
}

const session = async (ctx: MatrixContext, data?: Record<string, unknown>): Promise<Fixture> => ({ ...(await ctx.newSession(data)) });
const sessionPath = (fixture: Fixture) => `/users/${fixture.userId}/sessions/${encodeURIComponent(fixture.sessionHandle!)}`;

/** A new staff account with a confirmed second factor (made with the app's own modules: this process runs the app). */
const staffWithTotp = async (ctx: MatrixContext): Promise<Fixture> => {
  const staff = await ctx.newStaff("viewer");
  const { startTotpEnrolment } = await import("../../../app/staff/totp.server");
  const { getDb } = await import("../../../app/db/db.server");
  await startTotpEnrolment(staff.id);
  await getDb().updateTable("staff_totp").set({ confirmed_at: new Date().toISOString() }).where("staff_id", "=", staff.id).execute();
  return { email: staff.email };
};

export const ROUTES: RouteCase[] = [
  // ── Sign-in and sign-out (public: they are how a session starts and ends) ──
  { name: "sign-in page", method: "GET", path: () => "/login", minimumRole: "public", allowed: { anonymous: 200, viewer: 302, editor: 302, admin: 302 } },
  {
    name: "sign-in with a wrong password",
    method: "POST",
    path: () => "/login",
    form: () => ({ email: "nobody@staff.test", password: "not-the-password" }),
    minimumRole: "public",
    // Signed in already: the failed attempt is answered, then the page's loader sends them on (302).
    allowed: { anonymous: 401, viewer: 302, editor: 302, admin: 302 },
  },
  // The second step of a password sign-in (app/staff/sign-in-challenge.server.ts): without this browser's
  // challenge there is nothing to do; tests/integration/staff/totp-sign-in.test.ts covers it with one.
  { name: "two-step sign-in page without a challenge", method: "GET", path: () => "/login/verify", minimumRole: "public", allowed: 302 },
  { name: "two-step code without a challenge", method: "POST", path: () => "/login/verify", form: () => ({ code: "123456" }), minimumRole: "public", allowed: 302 },
  { name: "two-step set-up at sign-in without a challenge", method: "GET", path: () => "/login/enrol", minimumRole: "public", allowed: 302 },
  { name: "two-step set-up code without a challenge", method: "POST", path: () => "/login/enrol", form: () => ({ intent: "confirm", code: "123456" }), minimumRole: "public", allowed: 302 },
  { name: "sign-out", method: "POST", path: () => "/logout", form: () => ({}), minimumRole: "public", allowed: 302, endsSession: true },
  { name: "sign-out by GET changes nothing", method: "GET", path: () => "/logout", minimumRole: "public", allowed: 302 },
  // SSO (app/staff/oidc.server.ts): this stack has no OIDC_ISSUER, so starting or finishing one is a 404 that
  // writes nothing; a GET of /sso/start starts nothing. tests/integration/staff/sso-sign-in.test.ts covers them with a provider.
  { name: "SSO sign-in start without SSO set up", method: "POST", path: () => "/sso/start", form: () => ({ redirectTo: "/" }), minimumRole: "public", allowed: 404 },
  { name: "SSO sign-in start by GET changes nothing", method: "GET", path: () => "/sso/start", minimumRole: "public", allowed: 302 },
  { name: "SSO callback without SSO set up", method: "GET", path: () => "/sso/callback?code=x&state=y", minimumRole: "public", allowed: 404 },

  // ── Find a user, a user's sessions ──
  { name: "user search", method: "GET", path: () => "/?q=example.com", minimumRole: "viewer" },
  { name: "user page", method: "GET", path: (ctx) => `/users/${ctx.userId}`, minimumRole: "viewer" },
  { name: "user sessions export", method: "GET", path: (ctx) => `/users/${ctx.userId}/export`, minimumRole: "viewer" },
  {
    name: "revoke one session",
    method: "POST",
    fixture: (ctx) => session(ctx),
    path: (_ctx, fixture) => `/users/${fixture.userId}`,
    form: (_ctx, fixture) => ({ intent: "revoke", sessionHandle: fixture.sessionHandle! }),
    minimumRole: "editor",
  },
  {
    // A user of its own with exactly one session: the danger zone's form types the count back.
    name: "revoke all sessions",
    method: "POST",
    fixture: (ctx) => createCoreUserWithSession(ctx.stack),
    path: (_ctx, fixture) => `/users/${fixture.userId}`,
    form: () => ({ intent: "revoke-all", reason: "route matrix", confirmCount: "1" }),
    minimumRole: "admin",
  },

  // ── One session's data ──
  { name: "session page", method: "GET", fixture: (ctx) => session(ctx), path: (_ctx, fixture) => sessionPath(fixture), minimumRole: "viewer" },
  {
    name: "write session data",
    method: "POST",
    fixture: (ctx) => session(ctx, { plan: "free" }),
    path: (_ctx, fixture) => sessionPath(fixture),
    form: (ctx) => ({ intent: "write", text: '{ "plan": "pro" }', original: '{ "plan": "free" }', fingerprint: ctx.fingerprint({ plan: "free" }), reason: "matrix" }),
    minimumRole: "editor",
  },
  {
    name: "overwrite session data after a conflict",
    method: "POST",
    fixture: (ctx) => session(ctx, { plan: "theirs" }),
    path: (_ctx, fixture) => sessionPath(fixture),
    form: (ctx) => ({
      intent: "overwrite",
      text: '{ "plan": "mine" }',
      original: '{ "plan": "free" }',
      fingerprint: ctx.fingerprint({ plan: "free" }),
      theirsFingerprint: ctx.fingerprint({ plan: "theirs" }),
      reason: "matrix",
    }),
    minimumRole: "editor",
  },

  // ── Audit trail ──
  { name: "audit trail", method: "GET", path: () => "/audit?action=edit&page=1", minimumRole: "viewer" },
  { name: "audit entry", method: "GET", fixture: async (ctx) => ({ ...(await ctx.newEditEntry()) }), path: (_ctx, fixture) => `/audit/${fixture.entryId}`, minimumRole: "viewer" },
  { name: "revert review", method: "GET", fixture: async (ctx) => ({ ...(await ctx.newEditEntry()) }), path: (_ctx, fixture) => `/audit/${fixture.entryId}/revert`, minimumRole: "admin" },
  {
    name: "revert",
    method: "POST",
    fixture: async (ctx) => ({ ...(await ctx.newEditEntry()) }),
    path: (_ctx, fixture) => `/audit/${fixture.entryId}/revert`,
    form: (ctx) => ({ intent: "revert", expectedFingerprint: ctx.fingerprint({ plan: "pro" }), proposedFingerprint: ctx.fingerprint({ plan: "free" }), reason: "matrix" }),
    minimumRole: "admin",
  },

  // ── Bulk apply (admin acts; viewers and editors may watch a run) ──
  { name: "bulk apply form", method: "GET", path: (ctx) => `/users/${ctx.userId}/bulk?selection=0123456789abcdef0123456789abcdef`, minimumRole: "admin" },
  { name: "bulk selection", method: "POST", path: (ctx) => `/users/${ctx.userId}/bulk`, form: () => ({ intent: "select", handle: "x" }), minimumRole: "admin" },
  {
    name: "bulk dry run",
    method: "POST",
    path: (ctx) => `/users/${ctx.userId}/bulk`,
    form: () => ({ intent: "dry-run", keyPath: "featureFlags.beta", operation: "set", value: "true", scope: "all", reason: "matrix" }),
    minimumRole: "admin",
  },
  { name: "bulk run page", method: "GET", fixture: async (ctx) => ctx.newBulkRun("completed"), path: (_ctx, f) => `/bulk/runs/${f.runId}?show=failed`, minimumRole: "viewer" },
  { name: "bulk run progress", method: "GET", fixture: async (ctx) => ctx.newBulkRun("planned"), path: (_ctx, f) => `/bulk/runs/${f.runId}/progress`, minimumRole: "viewer" },
  { name: "bulk apply", method: "POST", fixture: async (ctx) => ctx.newBulkRun("planned"), path: (_ctx, f) => `/bulk/runs/${f.runId}`, form: () => ({ intent: "apply" }), minimumRole: "admin" },
  { name: "bulk cancel", method: "POST", fixture: async (ctx) => ctx.newBulkRun("interrupted"), path: (_ctx, f) => `/bulk/runs/${f.runId}`, form: () => ({ intent: "cancel" }), minimumRole: "admin" },
  { name: "bulk resume", method: "POST", fixture: async (ctx) => ctx.newBulkRun("interrupted"), path: (_ctx, f) => `/bulk/runs/${f.runId}`, form: () => ({ intent: "resume" }), minimumRole: "admin" },
  {
    name: "bulk retry failed",
    method: "POST",
    fixture: async (ctx) => ctx.newBulkRun("completed"),
    path: (_ctx, f) => `/bulk/runs/${f.runId}`,
    form: () => ({ intent: "retry", which: "failed" }),
    minimumRole: "admin",
  },
  { name: "bulk fresh dry run", method: "POST", fixture: async (ctx) => ctx.newBulkRun("planned"), path: (_ctx, f) => `/bulk/runs/${f.runId}`, form: () => ({ intent: "replan" }), minimumRole: "admin" },

  // ── Bulk across users (admins only, pages included: they list many users' data) ──
  { name: "bulk runs across users", method: "GET", path: () => "/bulk", minimumRole: "admin" },
  { name: "new run across users form", method: "GET", path: () => "/bulk/new", minimumRole: "admin" },
  {
    name: "dry run across users",
    method: "POST",
    fixture: async (ctx) => ({ userId: (await createCoreUserWithSession(ctx.stack, { sessionData: { featureFlags: "off" } })).userId }),
    path: () => "/bulk/new",
    form: (_ctx, f) => ({ source: "list", list: `${f.userId}\nnobody@example.invalid`, keyPath: "featureFlags.beta", operation: "set", value: "true", reason: "matrix" }),
    minimumRole: "admin",
  },
  { name: "run across users page", method: "GET", fixture: async (ctx) => ctx.newCrossUserRun("completed"), path: (_ctx, f) => `/bulk/across/${f.runId}?show=failed`, minimumRole: "admin" },
  { name: "run across users: users CSV", method: "GET", fixture: async (ctx) => ctx.newCrossUserRun("completed"), path: (_ctx, f) => `/bulk/across/${f.runId}/report.csv?level=users`, minimumRole: "admin" },
  { name: "run across users: sessions CSV", method: "GET", fixture: async (ctx) => ctx.newCrossUserRun("completed"), path: (_ctx, f) => `/bulk/across/${f.runId}/report.csv?level=sessions`, minimumRole: "admin" },
  { name: "approve a run across users", method: "POST", fixture: async (ctx) => ctx.newCrossUserRun("pending-approval"), path: (_ctx, f) => `/bulk/across/${f.runId}`, form: () => ({ intent: "approve", note: "matrix" }), minimumRole: "admin" },
  { name: "apply a run across users", method: "POST", fixture: async (ctx) => ctx.newCrossUserRun("planned"), path: (_ctx, f) => `/bulk/across/${f.runId}`, form: () => ({ intent: "apply" }), minimumRole: "admin" },
  { name: "cancel a run across users", method: "POST", fixture: async (ctx) => ctx.newCrossUserRun("interrupted"), path: (_ctx, f) => `/bulk/across/${f.runId}`, form: () => ({ intent: "cancel" }), minimumRole: "admin" },
  { name: "resume a run across users", method: "POST", fixture: async (ctx) => ctx.newCrossUserRun("interrupted"), path: (_ctx, f) => `/bulk/across/${f.runId}`, form: () => ({ intent: "resume" }), minimumRole: "admin" },
  { name: "fresh dry run across users", method: "POST", fixture: async (ctx) => ctx.newCrossUserRun("planned"), path: (_ctx, f) => `/bulk/across/${f.runId}`, form: () => ({ intent: "replan" }), minimumRole: "admin" },

  // ── Staff management ──
  { name: "staff page", method: "GET", path: () => "/staff", minimumRole: "admin" },
  {
    name: "create staff",
    method: "POST",
    path: () => "/staff",
    form: () => ({ intent: "create", email: `made-${Math.random().toString(36).slice(2)}@staff.test`, role: "viewer" }),
    minimumRole: "admin",
    // Not a redirect: the generated password is shown once on the page.
    allowed: 200,
  },
  {
    name: "set a staff role",
    method: "POST",
    fixture: async (ctx) => ({ email: (await ctx.newStaff("viewer")).email }),
    path: () => "/staff",
    form: (_ctx, fixture) => ({ intent: "set-role", email: fixture.email!, role: "editor" }),
    minimumRole: "admin",
  },
  {
    name: "disable staff",
    method: "POST",
    fixture: async (ctx) => ({ email: (await ctx.newStaff("viewer")).email }),
    path: () => "/staff",
    form: (_ctx, fixture) => ({ intent: "disable", email: fixture.email! }),
    minimumRole: "admin",
  },
  { name: "reset a staff member's two-step sign-in", method: "POST", fixture: staffWithTotp, path: () => "/staff", form: (_ctx, fixture) => ({ intent: "reset-totp", email: fixture.email!, reason: "route matrix" }), minimumRole: "admin" },
  // Already off, so nothing changes: turning it on here would send every sign-in of this matrix to the set-up
  // (a refused request could leave it on). tests/integration/staff/totp-sign-in.test.ts turns it on and off.
  { name: "stop requiring two-step sign-in (already off)", method: "POST", path: () => "/staff", form: () => ({ intent: "require-totp", required: "false" }), minimumRole: "admin", writes: false },
  {
    name: "enable staff",
    method: "POST",
    fixture: async (ctx) => ({ email: (await ctx.newStaff("viewer", { disabled: true })).email }),
    path: () => "/staff",
    form: (_ctx, fixture) => ({ intent: "enable", email: fixture.email! }),
    minimumRole: "admin",
  },

  // ── Masking (app/masking) ──
  { name: "masking page", method: "GET", path: () => "/masking", minimumRole: "admin" },
  {
    name: "mask a path",
    method: "POST",
    path: () => "/masking",
    form: () => ({ intent: "add-pattern", pattern: `matrix${Math.random().toString(36).slice(2, 8)}.secret`, reason: "route matrix" }),
    minimumRole: "admin",
  },
  // Masks admins too (they see every value by default), so the reveal rows below change something for every role.
  { name: "set who sees masked values", method: "POST", path: () => "/masking", form: () => ({ intent: "set-role", role: "admin", masked: "true", reason: "route matrix" }), minimumRole: "admin" },
  {
    name: "reveal a session's masked values",
    method: "POST",
    fixture: (ctx) => session(ctx, { device: { ip: "192.0.2.1" } }),
    path: (_ctx, fixture) => `${sessionPath(fixture)}/reveal`,
    form: () => ({ intent: "reveal", reason: "route matrix" }),
    minimumRole: "viewer",
  },
  {
    name: "mask a session again",
    method: "POST",
    // A session every staff member holds a reveal of, so "mask again" has a grant to end whoever asks.
    fixture: async (ctx) => {
      const made = await session(ctx, { device: { ip: "192.0.2.1" } });
      const { getDb } = await import("../../../app/db/db.server");
      const staff = await getDb().selectFrom("staff_users").select("id").execute();
      const at = new Date();
      for (const { id } of staff) {
        await getDb()
          .insertInto("mask_reveals")
          .values({ id: `matrix-${id}-${made.sessionHandle}`, staff_id: id, session_handle: made.sessionHandle!, user_id: made.userId!, reason: "route matrix", created_at: at.toISOString(), expires_at: new Date(at.getTime() + 300_000).toISOString(), audit_entry_id: null })
          .execute();
      }
      return made;
    },
    path: (_ctx, fixture) => `${sessionPath(fixture)}/reveal`,
    form: () => ({ intent: "mask-again" }),
    minimumRole: "viewer",
  },

  // ── Personal API tokens and the API reference (the API itself: tests/integration/api) ──
  { name: "your API tokens", method: "GET", path: () => "/profile/api-tokens", minimumRole: "viewer" },
  // The new token is shown once on the page (no redirect).
  { name: "make an API token", method: "POST", path: () => "/profile/api-tokens", form: () => ({ intent: "create", name: "route matrix", scope: "read", expiresInDays: "7" }), minimumRole: "viewer", allowed: 200 },
  // Your two-step sign-in (app/routes/profile_.security.tsx), one row per intent. Cancel comes before start:
  // with nothing pending it writes nothing. Wrong codes and passwords change nothing (their throttle rows are
  // bookkeeping); tests/integration/staff/totp-sign-in.test.ts covers the right ones.
  { name: "your two-step sign-in", method: "GET", path: () => "/profile/security", minimumRole: "viewer" },
  { name: "cancel two-step set-up (none pending)", method: "POST", path: () => "/profile/security", form: () => ({ intent: "cancel" }), minimumRole: "viewer", writes: false },
  { name: "start two-step set-up", method: "POST", path: () => "/profile/security", form: () => ({ intent: "start" }), minimumRole: "viewer" },
  { name: "confirm two-step set-up with a wrong code", method: "POST", path: () => "/profile/security", form: () => ({ intent: "confirm", code: "000000" }), minimumRole: "viewer", allowed: 400, writes: false },
  { name: "new recovery codes with a wrong proof", method: "POST", path: () => "/profile/security", form: () => ({ intent: "regenerate", proof: "not-the-password" }), minimumRole: "viewer", allowed: 401, writes: false },
  { name: "turn two-step off with a wrong proof", method: "POST", path: () => "/profile/security", form: () => ({ intent: "disable", proof: "not-the-password" }), minimumRole: "viewer", allowed: 401, writes: false },
  { name: "API tokens of all staff", method: "GET", path: () => "/staff/api-tokens", minimumRole: "admin" },
  { name: "revoke any API token", method: "POST", fixture: apiTokenOfNewStaff, path: () => "/staff/api-tokens", form: (_ctx, fixture) => ({ intent: "revoke", tokenId: fixture.tokenId! }), minimumRole: "admin" },
  { name: "API reference", method: "GET", path: () => "/api/docs", minimumRole: "viewer" },
];

/** A read token of a new staff member: `tokenId`. */
async function apiTokenOfNewStaff(ctx: MatrixContext): Promise<Fixture> {
  const owner = await ctx.newStaff("viewer");
  const { createApiToken } = await import("../../../app/api/tokens.server");
  const { token } = await createApiToken({ staff: { id: owner.id, email: owner.email, displayName: owner.displayName, role: owner.role }, name: "matrix", scope: "read", expiresInDays: 7 });
  return { tokenId: token.slice(3, 19) };
}
