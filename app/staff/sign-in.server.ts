/**
 * Checking a staff member's password and starting their session. The two failure messages are the
 * same whether or not the email exists, the account is disabled or the password is wrong, and an
 * unknown email costs the same scrypt time as a known one: nothing tells an outsider who has an account.
 */
import { isDemoMode } from "~/config.server";
import { findStaffRowByEmail } from "./accounts.server";
import { decoyPasswordHash, verifyPassword } from "./password.server";
import type { StaffUser } from "./roles";
import { startStaffSession } from "./session.server";
import { isSignInThrottled, recordSignInFailure } from "./throttle.server";

export const SIGN_IN_FAILED_MESSAGE = "That email and password do not match an active staff account.";
export const SIGN_IN_THROTTLED_MESSAGE = "Too many failed sign-ins. Wait a minute, then try again.";

export type SignInResult =
  | { ok: true; staff: StaffUser; setCookie: string }
  | { ok: false; reason: "invalid" | "throttled"; message: string };

export async function signInStaff(input: {
  email: string;
  password: string;
  userAgent: string | null;
  clientAddress: string | null;
}): Promise<SignInResult> {
  const keys = { email: input.email, clientAddress: input.clientAddress };
  if (await isSignInThrottled(keys)) return { ok: false, reason: "throttled", message: SIGN_IN_THROTTLED_MESSAGE };
  const row = await findStaffRowByEmail(input.email);
  const passwordMatches = await verifyPassword(input.password, row?.password_hash ?? (await decoyPasswordHash()));
  const usable = row !== undefined && row.disabled === 0 && (row.demo === 0 || isDemoMode());
  if (!row || !passwordMatches || !usable) {
    await recordSignInFailure(keys);
    return { ok: false, reason: "invalid", message: SIGN_IN_FAILED_MESSAGE };
  }
  const setCookie = await startStaffSession(row.id, { userAgent: input.userAgent, clientAddress: input.clientAddress });
  return { ok: true, setCookie, staff: { id: row.id, email: row.email, displayName: row.display_name, role: row.role } };
}
