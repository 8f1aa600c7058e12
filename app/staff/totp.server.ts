/**
 * The TOTP second factor of password accounts (RFC 6238 through the `otpauth` library): enrolment with a
 * QR code, codes checked once each, and one-time recovery codes.
 *
 * - A secret is made when enrolment starts and kept encrypted (totp-secret-box.server.ts). It counts only
 *   once confirmed with a code from the person's app, so a half-done enrolment never locks anyone out.
 * - A code is accepted for its own 30-second step or one step either side (phone clocks drift), and only
 *   for a step later than the last one accepted (`last_used_step`): a code seen over a shoulder or
 *   replayed from a captured request is refused, however fast. The check-and-set is one UPDATE, so two
 *   requests racing with one code cannot both pass.
 * - Recovery codes are random (about 79 bits), shown once, stored as SHA-256 like API tokens (a slow hash
 *   is for secrets people choose), and each works once (again one guarded UPDATE).
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import * as OTPAuth from "otpauth";
import QRCode from "qrcode";
import { getDb } from "~/db/db.server";
import { now } from "./clock.server";
import { openTotpSecret, sealTotpSecret } from "./totp-secret-box.server";

export const TOTP_ISSUER = "Session Desk";
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** SHA-1 is what every authenticator app supports; RFC 6238's HMAC-SHA-1 is not weakened by SHA-1 collisions. */
const ALGORITHM = "SHA1";
/** Steps either side of now that are accepted. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
const RECOVERY_CODE_LENGTH = 16;

export type TotpStatus =
  | { state: "off" }
  | { state: "pending"; startedAt: string }
  | { state: "on"; confirmedAt: string; recoveryCodesLeft: number };

export interface EnrolmentDetails {
  /** The base32 secret in groups of four, for typing into an app by hand. */
  secretText: string;
  /** otpauth://totp/… — what the QR code holds. */
  uri: string;
  /** The QR code as an SVG data: URL (made on the server: nothing is fetched from elsewhere). */
  qrDataUrl: string;
}

export class TotpError extends Error {}

function totpFor(secretBase32: string, email: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: TOTP_ISSUER, label: email, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS, secret: OTPAuth.Secret.fromBase32(secretBase32) });
}

/** Codes are typed with spaces or pasted with them ("123 456"); anything else is not a code. */
export function normaliseTotpCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** Recovery codes are shown as `abcd-efgh-jkmn-pqrs`; case, spaces and dashes do not matter when typed. */
export function normaliseRecoveryCode(input: string): string | null {
  const text = input.toLowerCase().replace(/[\s-]/g, "");
  if (text.length !== RECOVERY_CODE_LENGTH) return null;
  return [...text].every((char) => RECOVERY_ALPHABET.includes(char)) ? text : null;
}

const hashRecoveryCode = (normalised: string) => createHash("sha256").update(`session-desk-recovery:${normalised}`).digest("hex");

function generateRecoveryCode(): string {
  let out = "";
  while (out.length < RECOVERY_CODE_LENGTH) {
    for (const byte of randomBytes(32)) {
      // Rejection sampling keeps every character equally likely.
      if (byte >= RECOVERY_ALPHABET.length * Math.floor(256 / RECOVERY_ALPHABET.length)) continue;
      out += RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length];
      if (out.length === RECOVERY_CODE_LENGTH) break;
    }
  }
  return out.match(/.{4}/g)!.join("-");
}

export async function totpStatus(staffId: string): Promise<TotpStatus> {
  const db = getDb();
  const row = await db.selectFrom("staff_totp").select(["created_at", "confirmed_at"]).where("staff_id", "=", staffId).executeTakeFirst();
  if (!row) return { state: "off" };
  if (!row.confirmed_at) return { state: "pending", startedAt: row.created_at };
  const left = await db
    .selectFrom("staff_recovery_codes")
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("staff_id", "=", staffId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return { state: "on", confirmedAt: row.confirmed_at, recoveryCodesLeft: Number(left.count) };
}

/** Whether the account has a confirmed second factor (the sign-in asks for it then). */
export async function hasConfirmedTotp(staffId: string): Promise<boolean> {
  const row = await getDb().selectFrom("staff_totp").select("confirmed_at").where("staff_id", "=", staffId).executeTakeFirst();
  return Boolean(row?.confirmed_at);
}

/** The ids of accounts with a confirmed second factor (the staff page's column). */
export async function staffIdsWithTotp(): Promise<Set<string>> {
  const rows = await getDb().selectFrom("staff_totp").select("staff_id").where("confirmed_at", "is not", null).execute();
  return new Set(rows.map((row) => row.staff_id));
}

/**
 * Starts (or starts over) an enrolment: a new secret, not yet in force. Refused while a confirmed one
 * exists: replacing it must go through turning it off, which asks for proof.
 */
export async function startTotpEnrolment(staffId: string): Promise<void> {
  const db = getDb();
  const existing = await db.selectFrom("staff_totp").select("confirmed_at").where("staff_id", "=", staffId).executeTakeFirst();
  if (existing?.confirmed_at) throw new TotpError("Two-step sign-in is already on for this account. Turn it off first to set up another authenticator.");
  const secret = sealTotpSecret(new OTPAuth.Secret({ size: 20 }).base32, staffId);
  const at = now().toISOString();
  await db
    .insertInto("staff_totp")
    .values({ staff_id: staffId, secret, created_at: at, confirmed_at: null, last_used_step: null })
    .onConflict((conflict) => conflict.column("staff_id").doUpdateSet({ secret, created_at: at, last_used_step: null }).where("staff_totp.confirmed_at", "is", null))
    .execute();
}

/** What the person needs to add the pending secret to their app, or null when no enrolment is pending. */
export async function pendingEnrolment(staff: { id: string; email: string }): Promise<EnrolmentDetails | null> {
  const row = await getDb().selectFrom("staff_totp").select(["secret", "confirmed_at"]).where("staff_id", "=", staff.id).executeTakeFirst();
  if (!row || row.confirmed_at) return null;
  const secret = openTotpSecret(row.secret, staff.id);
  if (!secret) return null;
  const uri = totpFor(secret, staff.email).toString();
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#0f172a", light: "#ffffff" } });
  return { secretText: secret.match(/.{1,4}/g)!.join(" "), uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

export async function cancelTotpEnrolment(staffId: string): Promise<void> {
  await getDb().deleteFrom("staff_totp").where("staff_id", "=", staffId).where("confirmed_at", "is", null).execute();
}

/** The step a code matches (now ± WINDOW), or null. */
function matchingStep(secretBase32: string, email: string, code: string): number | null {
  const timestamp = now().getTime();
  const delta = totpFor(secretBase32, email).validate({ token: code, timestamp, window: WINDOW });
  return delta === null ? null : OTPAuth.TOTP.counter({ period: PERIOD_SECONDS, timestamp }) + delta;
}

export type EnrolmentConfirmation = { ok: true; recoveryCodes: string[] } | { ok: false; message: string };

export const WRONG_CODE_MESSAGE = "That code is not right, or it was already used. Enter the code your authenticator app shows now.";

/** Confirms the pending enrolment with a current code: two-step sign-in is on from here, with fresh recovery codes. */
export async function confirmTotpEnrolment(staff: { id: string; email: string }, input: string): Promise<EnrolmentConfirmation> {
  const db = getDb();
  const row = await db.selectFrom("staff_totp").select(["secret", "confirmed_at"]).where("staff_id", "=", staff.id).executeTakeFirst();
  if (!row || row.confirmed_at) return { ok: false, message: "There is no set-up waiting for a code. Start again." };
  const secret = openTotpSecret(row.secret, staff.id);
  const code = normaliseTotpCode(input);
  const step = secret && code ? matchingStep(secret, staff.email, code) : null;
  if (step === null) return { ok: false, message: WRONG_CODE_MESSAGE };
  const at = now().toISOString();
  const recoveryCodes = await db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable("staff_totp")
      .set({ confirmed_at: at, last_used_step: step })
      .where("staff_id", "=", staff.id)
      .where("confirmed_at", "is", null)
      .where("secret", "=", row.secret)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return null;
    return writeRecoveryCodes(tx, staff.id, at);
  });
  return recoveryCodes ? { ok: true, recoveryCodes } : { ok: false, message: "The set-up changed meanwhile (another tab?). Start again." };
}

async function writeRecoveryCodes(db: Pick<ReturnType<typeof getDb>, "deleteFrom" | "insertInto">, staffId: string, at: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await db.deleteFrom("staff_recovery_codes").where("staff_id", "=", staffId).execute();
  await db
    .insertInto("staff_recovery_codes")
    .values(codes.map((code) => ({ id: randomUUID(), staff_id: staffId, code_hash: hashRecoveryCode(normaliseRecoveryCode(code)!), created_at: at, used_at: null })))
    .execute();
  return codes;
}

/** New recovery codes replace all the old ones (used or not); returned once, to be shown once. */
export async function replaceRecoveryCodes(staffId: string): Promise<string[]> {
  if (!(await hasConfirmedTotp(staffId))) throw new TotpError("Two-step sign-in is not on for this account.");
  const at = now().toISOString();
  return getDb().transaction().execute((tx) => writeRecoveryCodes(tx, staffId, at));
}

export type SecondFactorCheck =
  | { ok: true; via: "code" | "recovery-code" }
  /** `unreadable`: the stored secret cannot be opened (the session secret changed); recovery codes still work. */
  | { ok: false; unreadable: boolean };

/**
 * Checks a code from the authenticator app (six digits) or a recovery code, each accepted once.
 * Only for an account with a confirmed second factor.
 */
export async function checkSecondFactor(staff: { id: string; email: string }, input: string): Promise<SecondFactorCheck> {
  const db = getDb();
  const code = normaliseTotpCode(input);
  if (code) {
    const row = await db.selectFrom("staff_totp").select(["secret", "confirmed_at", "last_used_step"]).where("staff_id", "=", staff.id).executeTakeFirst();
    if (!row?.confirmed_at) return { ok: false, unreadable: false };
    const secret = openTotpSecret(row.secret, staff.id);
    if (!secret) return { ok: false, unreadable: true };
    const step = matchingStep(secret, staff.email, code);
    if (step === null) return { ok: false, unreadable: false };
    // Only a step after the last accepted one: the same code (or an older one) never works twice.
    const updated = await db
      .updateTable("staff_totp")
      .set({ last_used_step: step })
      .where("staff_id", "=", staff.id)
      .where("confirmed_at", "is not", null)
      .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", step)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? { ok: true, via: "code" } : { ok: false, unreadable: false };
  }
  const recovery = normaliseRecoveryCode(input);
  if (!recovery || !(await hasConfirmedTotp(staff.id))) return { ok: false, unreadable: false };
  const used = await db
    .updateTable("staff_recovery_codes")
    .set({ used_at: now().toISOString() })
    .where("staff_id", "=", staff.id)
    .where("code_hash", "=", hashRecoveryCode(recovery))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1 ? { ok: true, via: "recovery-code" } : { ok: false, unreadable: false };
}

/** Turns two-step sign-in off (the person themselves, or an admin's reset): the secret and every recovery code go. */
export async function removeTotp(staffId: string): Promise<boolean> {
  return getDb().transaction().execute(async (tx) => {
    await tx.deleteFrom("staff_recovery_codes").where("staff_id", "=", staffId).execute();
    const deleted = await tx.deleteFrom("staff_totp").where("staff_id", "=", staffId).executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  });
}
