/**
 * The TOTP secret at rest (app/staff/totp-secret-box.server.ts) and the forms a typed code may take
 * (app/staff/totp.server.ts): pure functions, no database.
 */
import { describe, expect, it } from "vitest";
import { openTotpSecret, sealTotpSecret } from "../../../app/staff/totp-secret-box.server";
import { normaliseRecoveryCode, normaliseTotpCode } from "../../../app/staff/totp.server";

const SESSION_SECRET = "a-session-secret-of-at-least-32-characters";
const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe("sealing a TOTP secret", () => {
  it("opens again with the same session secret and staff id, and never holds the secret in clear", () => {
    const sealed = sealTotpSecret(SECRET, "staff-1", SESSION_SECRET);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(openTotpSecret(sealed, "staff-1", SESSION_SECRET)).toBe(SECRET);
    // A fresh IV each time: the same secret never seals to the same text.
    expect(sealTotpSecret(SECRET, "staff-1", SESSION_SECRET)).not.toBe(sealed);
  });

  it("does not open on another account's row, with another session secret, or once tampered with", () => {
    const sealed = sealTotpSecret(SECRET, "staff-1", SESSION_SECRET);
    expect(openTotpSecret(sealed, "staff-2", SESSION_SECRET)).toBeNull();
    expect(openTotpSecret(sealed, "staff-1", `${SESSION_SECRET}-rotated`)).toBeNull();
    const [version, iv, ciphertext, tag] = sealed.split(".") as [string, string, string, string];
    const flipped = `${ciphertext[0] === "A" ? "B" : "A"}${ciphertext.slice(1)}`;
    expect(openTotpSecret([version, iv, flipped, tag].join("."), "staff-1", SESSION_SECRET)).toBeNull();
    expect(openTotpSecret(SECRET, "staff-1", SESSION_SECRET)).toBeNull();
  });
});

describe("what counts as a code", () => {
  it.each([
    ["123456", "123456"],
    ["123 456", "123456"],
    [" 123-456 ", "123456"],
    ["12345", null],
    ["1234567", null],
    ["12a456", null],
  ])("a six-digit code: %j → %j", (input, expected) => {
    expect(normaliseTotpCode(input)).toBe(expected);
  });

  it.each([
    ["abcd-efgh-jkmn-pqrs", "abcdefghjkmnpqrs"],
    ["ABCD EFGH JKMN PQRS", "abcdefghjkmnpqrs"],
    ["abcd-efgh-jkmn-pqr", null],
    // Look-alikes (i, l, o, 0, 1) are never in a recovery code.
    ["abcd-efgh-jkmn-pqr1", null],
    ["abcd-efgh-jkmn-pqrl", null],
  ])("a recovery code: %j → %j", (input, expected) => {
    expect(normaliseRecoveryCode(input)).toBe(expected);
  });
});
