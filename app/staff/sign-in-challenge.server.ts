/**
 * The second step of a password sign-in: after a right password, an account with two-step sign-in (or
 * one that must set it up, when an admin requires it) gets a challenge, not a session. The browser holds
 * its token in a signed, httpOnly cookie scoped to /login; the database keeps only the token's hash
 * (sign_in_challenges). A challenge lives CHALLENGE_MINUTES, allows MAX_CHALLENGE_FAILURES wrong codes
 * (then the password is asked again), and is used once: the staff session is made only when it is
 * completed. Wrong codes also count as sign-in failures for the (email, address) throttle
 * (throttle.server.ts), and the password step does not clear that run for these accounts, so knowing the
 * password does not buy fresh guesses at the code.
 */
import { isDemoMode } from "~/config.server";
import { getDb } from "~/db/db.server";
import { isTotpRequired } from "./app-settings.server";
import { hashBearerToken as hashToken, newBearerToken, signedCookie } from "./bearer-token.server";
import { now } from "./clock.server";
import type { StaffRole, StaffUser } from "./roles";
import { startStaffSession } from "./session.server";
import { recordSignInFailure, recordSignInSuccess } from "./throttle.server";
import { hasConfirmedTotp } from "./totp.server";

const COOKIE_NAME = "sd_sign_in_step";
export const CHALLENGE_MINUTES = 10;
export const MAX_CHALLENGE_FAILURES = 5;

const challengeCookie = signedCookie(COOKIE_NAME, () => ({ path: "/login", httpOnly: true, sameSite: "lax", maxAge: CHALLENGE_MINUTES * 60 }));

export type SecondStep = "code" | "enrol";

export interface SignInChallenge {
  id: string;
  staff: StaffUser;
  step: SecondStep;
  failures: number;
  redirectTo: string;
  userAgent: string | null;
  clientAddress: string | null;
}

/** `none`: this browser has no (validly signed) challenge cookie; `expired`: it has one whose challenge is over. */
export type ChallengeLookup = { status: "active"; challenge: SignInChallenge } | { status: "none" } | { status: "expired" };

/** Starts the second step for an account whose password was just right; returns the Set-Cookie value. */
export async function createSignInChallenge(
  staffId: string,
  details: { userAgent: string | null; clientAddress: string | null; redirectTo: string; secure?: boolean },
): Promise<string> {
  const token = newBearerToken();
  const at = now();
  const db = getDb();
  await db
    .insertInto("sign_in_challenges")
    .values({
      id: hashToken(token),
      staff_id: staffId,
      created_at: at.toISOString(),
      expires_at: new Date(at.getTime() + CHALLENGE_MINUTES * 60_000).toISOString(),
      failures: 0,
      client_address: details.clientAddress,
      user_agent: details.userAgent?.slice(0, 300) ?? null,
      redirect_to: details.redirectTo,
    })
    .execute();
  // Challenges that ran out are of no use: tidy them on the way (no scheduled job needed).
  await db.deleteFrom("sign_in_challenges").where("expires_at", "<", at.toISOString()).execute();
  return challengeCookie().serialize(token, details.secure === undefined ? undefined : { secure: details.secure });
}

export function clearChallengeCookie(secure?: boolean): Promise<string> {
  return challengeCookie().serialize("", { maxAge: 0, expires: new Date(0), ...(secure === undefined ? {} : { secure }) });
}

/** This browser's pending second step, if any (and still valid for the account as it is now). */
export async function readSignInChallenge(request: Request): Promise<ChallengeLookup> {
  const token = await challengeCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || token.length === 0) return { status: "none" };
  const db = getDb();
  const row = await db
    .selectFrom("sign_in_challenges")
    .innerJoin("staff_users", "staff_users.id", "sign_in_challenges.staff_id")
    .select([
      "sign_in_challenges.id as id",
      "sign_in_challenges.expires_at as expiresAt",
      "sign_in_challenges.failures as failures",
      "sign_in_challenges.redirect_to as redirectTo",
      "sign_in_challenges.user_agent as userAgent",
      "sign_in_challenges.client_address as clientAddress",
      "staff_users.id as staffId",
      "staff_users.email as email",
      "staff_users.display_name as displayName",
      "staff_users.role as role",
      "staff_users.disabled as disabled",
      "staff_users.demo as demo",
      "staff_users.sign_in_method as signInMethod",
    ])
    .where("sign_in_challenges.id", "=", hashToken(token))
    .executeTakeFirst();
  // A signed token whose challenge is gone: used up, ended by too many wrong codes, or tidied away after
  // expiring. For the person, all of these mean "sign in again".
  if (!row) return { status: "expired" };
  if (row.expiresAt <= now().toISOString()) {
    await db.deleteFrom("sign_in_challenges").where("id", "=", row.id).execute();
    return { status: "expired" };
  }
  // Disabled (or turned into something else) since the password step: the challenge is worth nothing.
  const usable = row.disabled === 0 && (row.demo === 0 || isDemoMode()) && row.signInMethod === "password";
  const step: SecondStep | null = (await hasConfirmedTotp(row.staffId)) ? "code" : (await isTotpRequired()) ? "enrol" : null;
  if (!usable || step === null) {
    await db.deleteFrom("sign_in_challenges").where("id", "=", row.id).execute();
    return { status: "expired" };
  }
  return {
    status: "active",
    challenge: {
      id: row.id,
      staff: { id: row.staffId, email: row.email, displayName: row.displayName, role: row.role as StaffRole },
      step,
      failures: row.failures,
      redirectTo: row.redirectTo,
      userAgent: row.userAgent,
      clientAddress: row.clientAddress,
    },
  };
}

/**
 * A wrong code: counted on the challenge (the last allowed one ends it) and, when `throttle` is set, as a
 * sign-in failure of the (email, address) pair. Returns how many tries are left (0: sign in again).
 */
export async function recordChallengeFailure(challenge: SignInChallenge, options: { clientAddress: string | null; throttle: boolean }): Promise<number> {
  const db = getDb();
  if (options.throttle) await recordSignInFailure({ email: challenge.staff.email, clientAddress: options.clientAddress });
  const failures = challenge.failures + 1;
  if (failures >= MAX_CHALLENGE_FAILURES) {
    await db.deleteFrom("sign_in_challenges").where("id", "=", challenge.id).execute();
    return 0;
  }
  await db.updateTable("sign_in_challenges").set((eb) => ({ failures: eb("failures", "+", 1) })).where("id", "=", challenge.id).execute();
  return MAX_CHALLENGE_FAILURES - failures;
}

/**
 * The second step is done: the challenge is used up (once: a second request with it finds nothing), the
 * throttle run ends as for any successful sign-in, and the staff session begins. Returns the Set-Cookie
 * values (the session, and the cleared challenge cookie), or null when the challenge was already used.
 */
export async function completeSignInChallenge(
  challenge: SignInChallenge,
  details: { userAgent: string | null; clientAddress: string | null; secure?: boolean },
): Promise<string[] | null> {
  const deleted = await getDb().deleteFrom("sign_in_challenges").where("id", "=", challenge.id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return null;
  await recordSignInSuccess({ email: challenge.staff.email, clientAddress: details.clientAddress });
  const session = await startStaffSession(challenge.staff.id, details);
  return [session, await clearChallengeCookie(details.secure)];
}
