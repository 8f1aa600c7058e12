/**
 * TOTP secrets are kept encrypted (AES-256-GCM, node:crypto), so a copy of the database alone (a backup,
 * a read-only replica, a SQL injection elsewhere) does not hand out second factors. The key is derived
 * with HKDF from the app's session secret (app/staff/secret.server.ts: SESSION_SECRET, or the generated
 * one in the data folder), under a label of its own, so it is never the cookie-signing key itself.
 * Why this and not a separate key: docs/decisions/totp-second-factor.md.
 *
 * Stored form: `v1.<iv>.<ciphertext>.<tag>` (base64url); the staff id is bound as associated data, so a
 * secret copied onto another account's row does not decrypt.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { getSessionSecret } from "./secret.server";

const VERSION = "v1";
const KEY_LABEL = "session-desk totp secret v1";

function keyFor(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", sessionSecret, "", KEY_LABEL, 32));
}

export function sealTotpSecret(secretBase32: string, staffId: string, sessionSecret = getSessionSecret()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(sessionSecret), iv);
  cipher.setAAD(Buffer.from(staffId, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(secretBase32, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

/** The base32 secret, or null when it cannot be opened (the session secret changed, or the row was tampered with). */
export function openTotpSecret(stored: string, staffId: string, sessionSecret = getSessionSecret()): string | null {
  const parts = stored.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const [, iv, ciphertext, tag] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(sessionSecret), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(staffId, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
