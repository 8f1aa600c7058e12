/**
 * Staff sessions: a random token in a signed, httpOnly cookie, and a server-side record keyed by the
 * token's hash. Because every request looks the record (and the account) up, sign-out, disabling an
 * account and role changes take effect at once. Idle timeout slides with activity; the absolute
 * lifetime does not.
 */
import { getConfig, isDemoMode } from "~/config.server";
import { getDb } from "~/db/db.server";
import { noteRequestStaff } from "~/observability/request-context.server";
import { hashBearerToken as hashToken, newBearerToken, signedCookie } from "./bearer-token.server";
import { now } from "./clock.server";
import { isServedOverHttps } from "./origin.server";
import type { StaffRole, StaffUser } from "./roles";

const COOKIE_NAME = "sd_staff";
/** Last-seen is written at most this often: idle expiry is exact to a minute, and most GETs write nothing. */
const TOUCH_INTERVAL_MS = 60_000;

const staffCookie = signedCookie(COOKIE_NAME, () => {
  const config = getConfig();
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    // Secure exactly when the app is served over https: decided per sign-in from the app's origin
    // (isServedOverHttps), so sign-in over plain http (APP_ORIGIN=http://…) does not loop back to /login.
    secure: defaultSecure(config),
    maxAge: config.STAFF_SESSION_MAX_HOURS * 3600,
  };
});

/** Without the request: APP_ORIGIN's scheme when set, else Secure in production (the old default). */
function defaultSecure(config: ReturnType<typeof getConfig>): boolean {
  return config.APP_ORIGIN ? config.APP_ORIGIN.startsWith("https:") : config.NODE_ENV === "production";
}

export type StaffSessionLookup = { status: "signed-in"; staff: StaffUser; sessionId: string } | { status: "none" } | { status: "expired" };

/**
 * Starts a session for an account that just proved who it is (its password, or the identity provider
 * with `oidcIdToken`, kept for signing out there too); returns the Set-Cookie value.
 */
export async function startStaffSession(
  staffId: string,
  details: {
    userAgent: string | null;
    clientAddress: string | null;
    oidcIdToken?: string;
    /** isServedOverHttps(request) (app/staff/origin.server.ts); when absent, APP_ORIGIN's scheme decides. */
    secure?: boolean;
  },
): Promise<string> {
  const config = getConfig();
  const token = newBearerToken();
  const at = now();
  const db = getDb();
  await db
    .insertInto("staff_sessions")
    .values({
      id: hashToken(token),
      staff_id: staffId,
      created_at: at.toISOString(),
      last_seen_at: at.toISOString(),
      expires_at: new Date(at.getTime() + config.STAFF_SESSION_MAX_HOURS * 3_600_000).toISOString(),
      user_agent: details.userAgent?.slice(0, 300) ?? null,
      ...(details.oidcIdToken ? { oidc_id_token: details.oidcIdToken } : {}),
      client_address: details.clientAddress,
    })
    .execute();
  await db.updateTable("staff_users").set({ last_sign_in_at: at.toISOString() }).where("id", "=", staffId).execute();
  // Sessions of this account that ran out are of no use to anyone: tidy them on the way.
  await db.deleteFrom("staff_sessions").where("staff_id", "=", staffId).where("expires_at", "<", at.toISOString()).execute();
  return staffCookie().serialize(token, details.secure === undefined ? undefined : { secure: details.secure });
}

async function readToken(request: Request): Promise<string | null> {
  const value = await staffCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** Who is signed in on this request, if anyone; renews the idle timer. */
export async function lookUpStaffSession(request: Request): Promise<StaffSessionLookup> {
  const token = await readToken(request);
  if (!token) return { status: "none" };
  const db = getDb();
  const row = await db
    .selectFrom("staff_sessions")
    .innerJoin("staff_users", "staff_users.id", "staff_sessions.staff_id")
    .select([
      "staff_sessions.id as sessionId",
      "staff_sessions.last_seen_at as lastSeenAt",
      "staff_sessions.expires_at as expiresAt",
      "staff_users.id as staffId",
      "staff_users.email as email",
      "staff_users.display_name as displayName",
      "staff_users.role as role",
      "staff_users.disabled as disabled",
      "staff_users.demo as demo",
    ])
    .where("staff_sessions.id", "=", hashToken(token))
    .executeTakeFirst();
  if (!row) return { status: "none" };
  const config = getConfig();
  const at = now();
  const idleFor = at.getTime() - Date.parse(row.lastSeenAt);
  const expired = at.toISOString() >= row.expiresAt || idleFor >= config.STAFF_IDLE_TIMEOUT_MINUTES * 60_000;
  // Demo accounts have published passwords: they must not open a dashboard wired to a real core.
  const refused = row.disabled === 1 || (row.demo === 1 && !isDemoMode(config));
  if (expired || refused) {
    await db.deleteFrom("staff_sessions").where("id", "=", row.sessionId).execute();
    return expired ? { status: "expired" } : { status: "none" };
  }
  if (idleFor >= TOUCH_INTERVAL_MS) {
    await db.updateTable("staff_sessions").set({ last_seen_at: at.toISOString() }).where("id", "=", row.sessionId).execute();
  }
  noteRequestStaff(row.staffId); // the request's log line names who made it
  return {
    status: "signed-in",
    sessionId: row.sessionId,
    staff: { id: row.staffId, email: row.email, displayName: row.displayName, role: row.role as StaffRole },
  };
}

/** The ID token of this request's session when it began with an SSO sign-in (for RP-initiated logout), else null. */
export async function staffSessionIdToken(request: Request): Promise<string | null> {
  const token = await readToken(request);
  if (!token) return null;
  const row = await getDb().selectFrom("staff_sessions").select("oidc_id_token").where("id", "=", hashToken(token)).executeTakeFirst();
  return row?.oidc_id_token ?? null;
}

/** Ends this request's session (if any) and returns the Set-Cookie value that clears the cookie. */
export async function endStaffSession(request: Request): Promise<string> {
  const token = await readToken(request);
  if (token) await getDb().deleteFrom("staff_sessions").where("id", "=", hashToken(token)).execute();
  return clearStaffCookie(isServedOverHttps(request));
}

export function clearStaffCookie(secure?: boolean): Promise<string> {
  return staffCookie().serialize("", { maxAge: 0, expires: new Date(0), ...(secure === undefined ? {} : { secure }) });
}
