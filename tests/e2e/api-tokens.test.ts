/**
 * Personal API tokens in the browser, light and dark: a staff member makes one on their profile page
 * (shown once, with a copy button), it works on the API, the admin sees it on Staff → API tokens and
 * revokes it in two steps; the API reference page renders. Screenshots for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
const editor = DEMO_ACCOUNTS.find((account) => account.role === "editor")!;
const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;

for (const scheme of ["light", "dark"] as const) {
  describe(`API tokens in ${scheme} mode`, () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchBrowser({ colorScheme: scheme });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it("an editor makes a token, sees it once, and it works on the API; an admin revokes it", async () => {
      const { page } = browser;
      await signInAs(page, baseUrl, editor);
      await page.getByRole("link", { name: "API tokens" }).click();
      await page.getByRole("heading", { name: "Your API tokens" }).waitFor();
      const scopes = await page.getByLabel("Scope").locator("option").allInnerTexts();
      expect(scopes.map((text) => text.split(" ")[0])).toEqual(["read", "write"]);
      const name = `deploy script ${scheme}`;
      await page.getByLabel("Name").fill(name);
      await page.getByLabel("Scope").selectOption("write");
      await page.getByRole("button", { name: "Make token" }).click();
      const shown = page.getByTestId("new-api-token");
      await shown.waitFor();
      const token = (await shown.innerText()).trim();
      expect(token).toMatch(/^sd_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      await expect(page.getByRole("row", { name: new RegExp(name) }).innerText()).resolves.toMatch(/write/);
      await browser.screenshot(`api-tokens-${scheme}-made`);

      const answer = await fetch(`${baseUrl}/api/v1/users?q=demo%40example.com`, { headers: { Authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(200);
      // Shown once: a reload lists the token by name only.
      await page.reload();
      await page.getByRole("heading", { name: "Your API tokens" }).waitFor();
      expect(await page.locator("body").innerText()).not.toContain(token);

      await page.goto(`${baseUrl}/api/docs`);
      await page.getByRole("heading", { name: "Session Desk API" }).waitFor();
      expect(await page.locator("body").innerText()).toContain("/api/v1/users/{userId}/sessions/{sessionHandle}");
      await browser.screenshot(`api-docs-${scheme}`);

      await page.getByRole("button", { name: /sign out/i }).click();
      await signInAs(page, baseUrl, admin);
      await page.goto(`${baseUrl}/staff`);
      await page.getByRole("link", { name: "API tokens" }).last().click();
      await page.getByRole("heading", { name: "API tokens of all staff" }).waitFor();
      const row = page.getByRole("row", { name: new RegExp(name) });
      await row.getByRole("button", { name: "Revoke" }).click();
      await row.getByRole("button", { name: `Revoke “${name}”?` }).click();
      await page.getByText(`Revoked the token “${name}” of ${editor.email}`).waitFor();
      await expect(row.innerText()).resolves.toMatch(/revoked/);
      await browser.screenshot(`api-tokens-${scheme}-revoked-by-admin`);
      const after = await fetch(`${baseUrl}/api/v1/users`, { headers: { Authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
      expect(browser.consoleErrors).toEqual([]);
      expect(browser.foreignRequests).toEqual([]);
    });
  });
}
