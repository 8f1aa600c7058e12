/**
 * As a support person would: sign in, search by an email prefix, open the user, sort and filter the
 * sessions, expand a row, reload the deep link and see the same view. Session data carrying HTML and
 * script payloads shows as text and runs nothing.
 */
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";
import { initAppSdk } from "./app-sdk";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const run = Date.now().toString(36);
const viewer = DEMO_ACCOUNTS.find((account) => account.role === "viewer")!;
let browser: Browser;
let userId: string;
let xssUserId: string;

async function makeUser(email: string, sessions: Record<string, unknown>[]) {
  const result = await EmailPassword.signUp("public", email, "Passw0rd-e2e");
  if (result.status !== "OK") throw new Error(result.status);
  for (const data of sessions) {
    await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(result.user.id), { role: "member" }, data);
  }
  return result.user.id;
}

beforeAll(async () => {
  initAppSdk(coreUrl);
  userId = await makeUser(`e2e-find-${run}@example.com`, [
    { plan: "free", ticket: `needle-${run}`, notes: "short" },
    { plan: "pro", cart: { items: [1, 2, 3] }, notes: "x".repeat(1200) },
    { plan: "team", locale: "de-DE" },
  ]);
  xssUserId = await makeUser(`e2e-xss-${run}@example.com`, [
    { bio: "<script>window.__pwned = true; alert('xss')</script>", avatar: '<img src=x onerror="alert(1)">', "<b>key</b>": "</pre><h1>injected</h1>" },
  ]);
  browser = await launchBrowser();
  await signInAs(browser.page, baseUrl, viewer);
});

afterEach(() => {
  expect(browser.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

describe("finding a user and reading their sessions", () => {
  it("searches by an email prefix and opens the user", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/`);
    await browser.screenshot("search-browse");
    // Keyboard only: "/" jumps to the search box from anywhere, Enter searches.
    await page.getByRole("heading", { name: "Find a user" }).click();
    await page.waitForSelector("html[data-hydrated='true']");
    await page.keyboard.press("/");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("user-search");
    await page.keyboard.type(`e2e-find-${run}`);
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=e2e-find/);
    // The URL changes a moment before the results render: wait for the results heading.
    await page.getByRole("heading", { name: `1 match for “e2e-find-${run}”` }).waitFor();
    // A user without a name in their metadata is shown (and linked) by their email.
    const link = page.getByRole("link", { name: `e2e-find-${run}@example.com` });
    await expect(link.count()).resolves.toBe(1);
    await browser.screenshot("search-results");
    await link.click();
    await page.waitForURL(`${baseUrl}/users/${userId}`);
    await page.getByRole("heading", { level: 1, name: `e2e-find-${run}@example.com` }).waitFor();
    // Sessions stream in after the user's facts.
    await page.locator("tbody tr[data-handle]").first().waitFor();
    await expect(page.locator("tbody tr[data-handle]").count()).resolves.toBe(3);
  });

  it("sorts by data size, filters inside the data, expands a row, and keeps it all on reload", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/users/${userId}`);
    await page.waitForSelector("[data-sessions-table][data-interactive='true']");
    await page.getByRole("button", { name: /data size/i }).click();
    await page.waitForURL(/sort=/);
    const sizeHeader = page.locator("th[aria-sort]", { hasText: "Data size" });
    await sizeHeader.waitFor();
    const firstSort = await sizeHeader.getAttribute("aria-sort");
    expect(["ascending", "descending"]).toContain(firstSort);
    const sizes = async () => page.locator("tbody tr[data-handle] td[data-column='size']").allTextContents();
    const shown = await sizes();
    expect(shown).toHaveLength(3);
    // The ~1 KiB session is first when descending and last when ascending.
    expect(firstSort === "descending" ? shown[0] : shown[2]).toMatch(/KiB/);

    await page.getByLabel("Filter sessions").fill(`needle-${run}`);
    await page.waitForURL(/filter=needle/);
    await page.getByText("1 of 3 sessions match").waitFor();
    await expect(page.locator("tbody tr[data-handle]").count()).resolves.toBe(1);
    await expect(page.getByText("1 of 3 sessions match").count()).resolves.toBe(1);

    const handle = (await page.locator("tbody tr[data-handle]").first().getAttribute("data-handle"))!;
    await page.getByRole("button", { name: `Show data of session ${handle}` }).click();
    await page.waitForURL(/open=/);
    await page.getByLabel(`Data of session ${handle}`, { exact: true }).waitFor();
    const data = page.getByLabel(`Data of session ${handle}`, { exact: true });
    await expect(data.textContent()).resolves.toContain(`"ticket": "needle-${run}"`);
    await browser.screenshot("user-page-expanded");

    const deepLink = page.url();
    await page.reload();
    expect(page.url()).toBe(deepLink);
    await expect(page.getByLabel("Filter sessions").inputValue()).resolves.toBe(`needle-${run}`);
    await expect(page.locator("tbody tr[data-handle]").count()).resolves.toBe(1);
    await expect(page.getByLabel(`Data of session ${handle}`, { exact: true }).textContent()).resolves.toContain(`needle-${run}`);
    await expect(page.locator("th", { hasText: "Data size" }).getAttribute("aria-sort")).resolves.toBe(firstSort);
  });

  it("goes Back to the search even while the filter's URL update is still pending", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/?q=e2e-find-${run}`);
    await page.waitForSelector("html[data-hydrated='true']");
    await page.getByRole("link", { name: `e2e-find-${run}@example.com` }).click();
    await page.waitForSelector("[data-sessions-table][data-interactive='true']");
    // The search page's data arrives after the filter's 250 ms pause has ended, as from a busy server:
    // the filter's URL update must not then replace the page the person went Back to.
    await page.route(/[?&]_data=/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    try {
      await page.getByLabel("Filter sessions").fill("plan");
      await page.goBack();
      await page.getByRole("heading", { name: `1 match for “e2e-find-${run}”` }).waitFor();
      // Longer than the pause and the delayed load together: nothing may bring the user page back.
      await page.waitForTimeout(1500);
      expect(new URL(page.url()).pathname).toBe("/");
      await expect(page.getByRole("heading", { name: `1 match for “e2e-find-${run}”` }).count()).resolves.toBe(1);
    } finally {
      await page.unroute(/[?&]_data=/);
    }
  });

  it("shows script and HTML payloads in session data as text and runs nothing", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/users/${xssUserId}`);
    const handle = (await page.locator("tbody tr[data-handle]").first().getAttribute("data-handle"))!;
    await page.getByRole("button", { name: `Show data of session ${handle}` }).click();
    await page.getByLabel(`Data of session ${handle}`, { exact: true }).waitFor();
    const data = page.getByLabel(`Data of session ${handle}`, { exact: true });
    await expect(data.textContent()).resolves.toContain("<script>window.__pwned = true; alert('xss')</script>");
    await expect(data.textContent()).resolves.toContain('<img src=x onerror=\\"alert(1)\\">');
    await expect(page.locator("img[src='x']").count()).resolves.toBe(0);
    await expect(page.locator("h1", { hasText: "injected" }).count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).resolves.toBeUndefined();
    expect(browser.dialogs).toEqual([]);
    await browser.screenshot("user-page-xss-inert");
  });

  it("shows a 404 with the search box for an unknown user", async () => {
    const { page } = browser;
    const response = await page.goto(`${baseUrl}/users/no-such-user-${run}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "User not found" }).count()).resolves.toBe(1);
    await expect(page.getByLabel("Search").count()).resolves.toBe(1);
  });

  it("looks right in dark mode", async () => {
    const dark = await launchBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, baseUrl, viewer);
      await dark.page.goto(`${baseUrl}/users/${userId}`);
      const background = await dark.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(background).toBe("rgb(2, 6, 23)"); // slate-950
      await dark.screenshot("user-page-dark");
      expect(dark.foreignRequests).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
