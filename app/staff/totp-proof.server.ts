/**
 * Proof that the owner of a signed-in account is at the keyboard before a change to their second factor
 * (new recovery codes, turning it off): a current code, a recovery code, or their password. A wrong one
 * counts as a sign-in failure for the throttle (throttle.server.ts), so a left-open session cannot be used
 * to guess either.
 */
import { findStaffRowByEmail } from "./accounts.server";
import { verifyPassword } from "./password.server";
import type { StaffUser } from "./roles";
import { signInThrottledMessage } from "./sign-in.server";
import { checkSignInThrottle, recordSignInFailure } from "./throttle.server";
import { checkSecondFactor, normaliseRecoveryCode, normaliseTotpCode } from "./totp.server";

export type ProofCheck = { ok: true } | { ok: false; status: 401 | 429; message: string; retryAfterSeconds?: number };

export const WRONG_PROOF_MESSAGE = "That code or password is not right, or the code was already used. Nothing was changed.";

export async function checkOwnerProof(staff: StaffUser, proof: string, clientAddress: string | null): Promise<ProofCheck> {
  const keys = { email: staff.email, clientAddress };
  const throttle = await checkSignInThrottle(keys);
  if (throttle.throttled) return { ok: false, status: 429, message: signInThrottledMessage(throttle.waitMs, throttle.scope), retryAfterSeconds: Math.ceil(throttle.waitMs / 1000) };
  const trimmed = proof.trim();
  const looksLikeCode = normaliseTotpCode(trimmed) !== null || normaliseRecoveryCode(trimmed) !== null;
  let ok = looksLikeCode && (await checkSecondFactor(staff, trimmed)).ok;
  // A password can look like a recovery code (16 letters and digits): it is still tried as the password.
  if (!ok) {
    const row = await findStaffRowByEmail(staff.email);
    ok = row !== undefined && row.sign_in_method === "password" && (await verifyPassword(proof, row.password_hash));
  }
  if (ok) return { ok: true };
  await recordSignInFailure(keys);
  return { ok: false, status: 401, message: WRONG_PROOF_MESSAGE };
}
