/**
 * Two-step sign-in in the browser, as a person sets it up: an admin makes a new password account on the
 * staff page; its owner opens their account page from the header, starts the set-up, reads the key shown
 * for typing in by hand (the test computes the code from it with otpauth, as an authenticator app does),
 * confirms, sees the recovery codes once, signs out, and signs in with password + code (light mode) or
 * password + recovery code (dark mode). Screenshots of each page for a person to look at.
 *
 * The shared Session Desk's demo accounts are left as they are (no second factor): other browser tests sign in with them.
 */
import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;

const totpFor = (secretText: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretText.replace(/\s/g, "")), algorithm: "SHA1", digits: 6, period: 30 });

for (const scheme of ["light", "dark"] as const) {
  describe(`two-step sign-in in ${scheme} mode`, () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchBrowser({ colorScheme: scheme });
    });

    afterAll(async () => {
      await browser?.close();
    });

    /** Forms answer through Remix once the page is hydrated (a press before that would race it). */
    const hydrated = () => browser.page.waitForSelector("html[data-hydrated='true']", { state: "attached" });

    it(`sets it up from the account page and signs in with password + ${scheme === "light" ? "code" : "recovery code"}`, async () => {
      const { page } = browser;
      const email = `totp-${scheme}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@staff.test`;

      // An admin makes the account (password generated, shown once).
      await signInAs(page, baseUrl, admin);
      await page.goto(`${baseUrl}/staff`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Display name").fill(`Tess ${scheme}`);
      await page.getByRole("button", { name: "Create account" }).click();
      const password = (await page.getByTestId("generated-password").innerText()).trim();
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL((url) => url.pathname === "/login");

      // Its owner sets up two-step sign-in from their account page.
      await signInAs(page, baseUrl, { email, password });
      await page.getByRole("link", { name: `Tess ${scheme}` }).click();
      await page.getByRole("heading", { name: "Two-step sign-in", level: 1 }).waitFor();
      await browser.screenshot(`totp-${scheme}-off`);
      await hydrated();
      await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
      await page.getByRole("img", { name: "QR code to add Session Desk to your authenticator app" }).waitFor();
      await page.getByText("Add Session Desk to your authenticator app").first().waitFor();
      const secretText = (await page.getByTestId("totp-secret").innerText()).trim();
      expect(secretText).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
      const qrLoaded = await page.getByRole("img", { name: /QR code/ }).evaluate((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0);
      expect(qrLoaded).toBe(true);
      await browser.screenshot(`totp-${scheme}-scan`);
      await hydrated();

      // A wrong code first: a clear message, nothing turned on.
      const totp = totpFor(secretText);
      const wrong = totp.generate({ timestamp: Date.now() + 5 * 30_000 });
      await page.getByLabel("Code from the app").fill(wrong);
      await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
      await page.getByRole("alert").filter({ hasText: "That code is not right, or it was already used" }).waitFor();
      await expect(page.getByRole("button", { name: "Turn on two-step sign-in" }).isEnabled()).resolves.toBe(true);

      await page.getByLabel("Code from the app").fill(totp.generate());
      await page.getByLabel("Code from the app").press("Enter");
      const codesList = page.getByRole("list", { name: "Recovery codes" });
      await codesList.waitFor();
      const recoveryCodes = (await codesList.getByRole("listitem").allInnerTexts()).map((text) => text.trim());
      expect(recoveryCodes).toHaveLength(10);
      for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      await expect(page.getByRole("button", { name: "Copy codes" }).isVisible()).resolves.toBe(true);
      await expect(page.getByText("Two-step sign-in is on.").isVisible()).resolves.toBe(true);
      await browser.screenshot(`totp-${scheme}-recovery-codes`);

      // Shown once: a reload shows how many are left, not the codes.
      await page.reload();
      await page.getByText("10 of 10").waitFor();
      expect(await page.locator("body").innerText()).not.toContain(recoveryCodes[0]!);
      await browser.screenshot(`totp-${scheme}-on`);

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL((url) => url.pathname === "/login");

      // Password, then the second step.
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: /sign in/i }).click();
      await page.waitForURL((url) => url.pathname === "/login/verify");
      await page.getByText(email).waitFor();
      await expect(page.getByTestId("signed-in-staff").count()).resolves.toBe(0);
      await browser.screenshot(`totp-${scheme}-second-step`);
      await hydrated();

      if (scheme === "light") {
        // The code that confirmed the set-up is spent; the app shows a new one every 30 seconds.
        await page.waitForTimeout(OTPAuth.TOTP.remaining({ period: 30 }) + 250);
        await page.getByLabel("Code").fill(totp.generate());
      } else {
        await page.getByLabel("Code").fill(recoveryCodes[0]!);
      }
      await page.getByRole("button", { name: "Verify and sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/");
      await expect(page.getByTestId("signed-in-staff").innerText()).resolves.toContain(`Tess ${scheme}`);
      if (scheme === "dark") {
        await page.getByTestId("toast").filter({ hasText: "Signed in with a recovery code" }).waitFor();
        await expect(page.getByTestId("toast").innerText()).resolves.toContain("9 left");
      }
      await browser.screenshot(`totp-${scheme}-signed-in`);

      if (scheme === "light") {
        // An admin sees who uses it, and resets it (two steps, with a reason) for someone who lost their phone.
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL((url) => url.pathname === "/login");
        await signInAs(page, baseUrl, admin);
        await page.goto(`${baseUrl}/staff`);
        await page.getByRole("heading", { name: /Two-step sign-in for password accounts/ }).waitFor();
        const row = page.getByRole("row").filter({ hasText: email });
        await expect(row.getByText("+ authenticator").isVisible()).resolves.toBe(true);
        await row.getByRole("button", { name: "Reset two-step" }).click();
        await row.getByLabel(`Reason for resetting the two-step sign-in of ${email}`).fill("Lost phone (e2e)");
        await browser.screenshot("totp-light-staff-reset-armed");
        await row.getByLabel(`Reason for resetting the two-step sign-in of ${email}`).press("Enter");
        await page.getByTestId("toast").filter({ hasText: `Reset the two-step sign-in of ${email}` }).waitFor();
        await expect(page.getByRole("row").filter({ hasText: email }).getByText("+ authenticator").count()).resolves.toBe(0);
        await page.getByText(`reset the two-step sign-in of`).first().waitFor();
        await browser.screenshot("totp-light-staff-after-reset");
      }

      // The one wrong code above was answered 400 (which the browser logs); nothing else went wrong.
      expect(browser.consoleErrors).toEqual(["Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
      expect(browser.foreignRequests).toEqual([]);
      expect(browser.dialogs).toEqual([]);
    });
  });
}
