/** Weak staff passwords are refused by an estimate of how guessable they are (zxcvbn-ts), not by length alone. */
import { describe, expect, it } from "vitest";
import { judgePassword } from "~/staff/password-strength.server";

const ada = { email: "ada.lovelace@company.com", displayName: "Ada Lovelace" };

describe("judgePassword", () => {
  it.each(["aaaaaaaaaaaa", "password1234", "qwertyuiop123", "123456789012", "Summer2024"])("refuses %s, saying why", (password) => {
    const verdict = judgePassword(password, ada);
    expect(verdict.ok).toBe(false);
    expect((verdict as { message: string }).message).toMatch(/^That password is too easy to guess\. /);
    expect((verdict as { message: string }).message).toContain("leave the field empty to get a generated password");
  });

  it("names the reason the estimator found (repeated characters for aaaaaaaaaaaa)", () => {
    expect((judgePassword("aaaaaaaaaaaa", ada) as { message: string }).message).toContain('Repeated characters like "aaa" are easy to guess.');
  });

  it("counts the person's own email and name as guessable", () => {
    expect(judgePassword("adalovelace2026", ada).ok).toBe(false);
    expect(judgePassword("adalovelace2026", { email: "someone@else.org", displayName: "Someone" }).ok).toBe(true);
  });

  it("accepts a few unrelated words and a generated-looking password", () => {
    expect(judgePassword("copper lantern orbit meadow", ada)).toEqual({ ok: true });
    expect(judgePassword("Vq7!rTz2#Lm9@pXw4sKd", ada)).toEqual({ ok: true });
  });
});
