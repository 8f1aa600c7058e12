/**
 * Checking a staff member's password and starting their session. The two failure messages are the
 * same whether or not the email exists, the account is disabled or the password is wrong, and an
 * unknown email costs the same scrypt time as a known one: nothing tells an outsider who has an account.
 */
import { isDemoMode } from "~/config.server";
import { findStaffRowByEmail } from "./accounts.server";
import { decoyPasswordHash, verifyPassword } from "./password.server";
import type { StaffUser } from "./roles";
import { isTotpRequired } from "./app-settings.server";
import { startStaffSession } from "./session.server";
import { createSignInChallenge, type SecondStep } from "./sign-in-challenge.server";
import { checkSignInThrottle, describeWait, recordSignInFailure, recordSignInSuccess } from "./throttle.server";
import { hasConfirmedTotp, startTotpEnrolment } from "./totp.server";

export const SIGN_IN_FAILED_MESSAGE = "That email and password do not match an active staff account.";

/** The wait is the same for a known and an unknown email, so the message tells nothing about who has an account. */
export function signInThrottledMessage(waitMs: number, scope: "pair" | "address"): string {
  const what = scope === "pair" ? "Several sign-ins for this email failed from your network" : "Many sign-ins failed from your network";
  return `${what}, so the next try must wait. Try again in ${describeWait(waitMs)}. Signing in from another network is not affected.`;
}

export type SignInResult =
  | { ok: true; staff: StaffUser; setCookie: string }
  | { ok: false; reason: "invalid"; message: string }
  | { ok: false; reason: "throttled"; message: string; waitMs: number }
  /** The password was right, and no session yet: the second step (a code, or setting one up) comes first. */
  | { ok: false; reason: "second-step"; step: SecondStep; setCookie: string; message: string };

export async function signInStaff(input: {
  email: string;
  password: string;
  userAgent: string | null;
  clientAddress: string | null;
  /** The app is served over https (the cookie is then Secure): isServedOverHttps(request). */
  secure?: boolean;
  /** Where to go once signed in (kept on the second step's challenge). */
  redirectTo?: string;
}): Promise<SignInResult> {
  const keys = { email: input.email, clientAddress: input.clientAddress };
  const throttle = await checkSignInThrottle(keys);
  if (throttle.throttled) return { ok: false, reason: "throttled", message: signInThrottledMessage(throttle.waitMs, throttle.scope), waitMs: throttle.waitMs };
  const row = await findStaffRowByEmail(input.email);
  const passwordMatches = await verifyPassword(input.password, row?.password_hash ?? (await decoyPasswordHash()));
  // An SSO account signs in through its identity provider only (its stored hash is of a password nobody
  // knows, so it could not match anyway; this says so outright).
  const usable = row !== undefined && row.disabled === 0 && (row.demo === 0 || isDemoMode()) && row.sign_in_method === "password";
  if (!row || !passwordMatches || !usable) {
    await recordSignInFailure(keys);
    return { ok: false, reason: "invalid", message: SIGN_IN_FAILED_MESSAGE };
  }
  // Two-step sign-in (app/staff/sign-in-challenge.server.ts). The throttle's run of failures is not ended
  // here but when the second step succeeds: wrong codes keep adding to it.
  const step: SecondStep | null = (await hasConfirmedTotp(row.id)) ? "code" : (await isTotpRequired()) ? "enrol" : null;
  if (step) {
    // A fresh secret at every password step: one left pending by someone else is never handed on.
    if (step === "enrol") await startTotpEnrolment(row.id);
    const setCookie = await createSignInChallenge(row.id, { userAgent: input.userAgent, clientAddress: input.clientAddress, redirectTo: input.redirectTo ?? "/", secure: input.secure });
    const message = step === "code" ? "Enter the code from your authenticator app to finish signing in." : "Set up two-step sign-in to finish signing in.";
    return { ok: false, reason: "second-step", step, setCookie, message };
  }
  await recordSignInSuccess(keys);
  const setCookie = await startStaffSession(row.id, { userAgent: input.userAgent, clientAddress: input.clientAddress, secure: input.secure });
  return { ok: true, setCookie, staff: { id: row.id, email: row.email, displayName: row.display_name, role: row.role } };
}
