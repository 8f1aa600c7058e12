/**
 * Every page, as each kind of staff member sees it, in light and dark: screenshots for a person to look
 * at, no console errors, nothing loaded from outside 127.0.0.1, and monaco only where it is needed.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;

for (const scheme of ["light", "dark"] as const) {
  describe(`pages in ${scheme} mode`, () => {
    let browser: Browser;
    const requested: string[] = [];

    beforeAll(async () => {
      browser = await launchBrowser({ colorScheme: scheme });
      browser.page.on("request", (request) => requested.push(request.url()));
    });

    afterAll(async () => {
      await browser?.close();
    });

    it("the sign-in page shows the demo accounts", async () => {
      await browser.page.goto(`${baseUrl}/login`);
      const text = await browser.page.locator("body").innerText();
      expect(text).toMatch(/demo mode/i);
      for (const account of DEMO_ACCOUNTS) expect(text).toContain(account.email);
      await browser.screenshot(`tour-${scheme}-login`);
    });

    it("search, user, audit and staff pages render without errors or monaco", async () => {
      await signInAs(browser.page, baseUrl, admin);
      requested.length = 0;
      await browser.page.goto(`${baseUrl}/`);
      await browser.page.getByRole("heading", { name: "Find a user" }).waitFor();
      await browser.screenshot(`tour-${scheme}-search`);

      await browser.page.getByLabel("Search").fill("demo@example.com");
      await browser.page.keyboard.press("Enter");
      await browser.page.waitForURL(/q=demo/);
      await browser.page.getByRole("heading", { name: /\d+ match(es)? for “demo@example\.com”/ }).waitFor();
      await browser.screenshot(`tour-${scheme}-search-results`);
      await browser.page.locator("tbody a[href^='/users/']").first().click();
      await browser.page.waitForURL(/\/users\//);
      await browser.page.locator("tbody tr[data-handle]").first().waitFor();
      await browser.screenshot(`tour-${scheme}-user`);

      await browser.page.goto(`${baseUrl}/audit`);
      await browser.page.getByRole("heading", { level: 1 }).waitFor();
      await browser.screenshot(`tour-${scheme}-audit`);

      await browser.page.goto(`${baseUrl}/staff`);
      await browser.page.getByRole("heading", { level: 1 }).waitFor();
      await browser.screenshot(`tour-${scheme}-staff`);

      expect(requested.filter((url) => url.includes("/monaco/")), "monaco on a list page").toEqual([]);
      expect(browser.consoleErrors).toEqual([]);
      expect(browser.foreignRequests).toEqual([]);
    });

    it("switches the theme by hand and keeps the choice across pages", async () => {
      const page = browser.page;
      const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const systemBackground = await background();
      // system → light → dark: the opposite of the system's scheme is reached either way.
      const forced = scheme === "light" ? "dark" : "light";
      for (let i = 0; i < (forced === "light" ? 1 : 2); i++) await page.getByRole("button", { name: /change theme/i }).click();
      await expect(page.evaluate(() => document.documentElement.className)).resolves.toContain(forced);
      const forcedBackground = await background();
      expect(forcedBackground).not.toBe(systemBackground);
      await page.goto(`${baseUrl}/audit`);
      await expect(background()).resolves.toBe(forcedBackground);
      await browser.screenshot(`tour-${scheme}-forced-${forced}`);
      expect(browser.consoleErrors).toEqual([]);
      expect(browser.foreignRequests).toEqual([]);
    });
  });
}
