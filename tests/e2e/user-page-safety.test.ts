/**
 * Safety and clarity on the user and editor pages (issue 13 §4), as an admin uses them in Chromium:
 * revoke-all in a danger zone (reason + count typed back), a reason for a single revoke, the Columns
 * menu (Esc, outside click, never over the row actions), row actions pinned at 1440 px, the header at
 * 390 px, a skip link, stored key order with sorting as a choice, the conflict view naming who and
 * when, audit rows with the user's email and links, and a copy button for a generated password.
 * Each changed state is saved as a screenshot, light and dark.
 */
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const run = Date.now().toString(36);
const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;
const longKeys = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`a_rather_long_setting_name_number_${i}_${"x".repeat(20)}`, i]));
let browser: Browser;
let dark: Browser;
let userId: string;
let email: string;
let handles: string[];

async function makeUser(address: string, sessions: Record<string, unknown>[]) {
  const result = await EmailPassword.signUp("public", address, "Passw0rd-e2e");
  if (result.status !== "OK") throw new Error(result.status);
  const made: string[] = [];
  for (const data of sessions) {
    made.push((await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(result.user.id), {}, data)).getHandle());
  }
  return { id: result.user.id, handles: made };
}

beforeAll(async () => {
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: coreUrl, apiKey: inject("coreApiKey") || undefined },
    appInfo: { appName: "e2e-safety", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [Session.init(), EmailPassword.init()],
  });
  email = `safety-${run}@example.com`;
  const user = await makeUser(email, [{ zebra: 1, apple: { pear: 2, fig: 3 }, mango: "m" }, { plan: "pro", ...longKeys }, { plan: "free" }]);
  userId = user.id;
  handles = user.handles;
  browser = await launchBrowser();
  dark = await launchBrowser({ colorScheme: "dark" });
  await signInAs(browser.page, baseUrl, admin);
  await signInAs(dark.page, baseUrl, admin);
});

afterEach(() => {
  for (const b of [browser, dark]) {
    expect(b.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  }
});

afterAll(async () => {
  await browser?.close();
  await dark?.close();
});

async function openUser(page: Page, id = userId, search = "") {
  await page.goto(`${baseUrl}/users/${id}${search}`);
  await page.waitForSelector("[data-sessions-table][data-interactive='true']");
}

/** True when the centre of `selector`'s element is what a click there would hit (nothing covers it). */
async function clickable(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel);
    if (!element) return false;
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit === element || element.contains(hit);
  }, selector);
}

describe("the user page", () => {
  it("keeps revoke-all out of the everyday actions, in a danger zone", async () => {
    for (const b of [browser, dark]) {
      await openUser(b.page);
      const section = b.page.getByRole("region", { name: "Sessions" });
      await expect(section.getByRole("button", { name: /revoke all/i }).count()).resolves.toBe(0);
      await b.page.getByTestId("danger-zone").scrollIntoViewIfNeeded();
      await b.page.getByTestId("danger-zone").getByRole("button", { name: "Revoke all sessions…" }).waitFor();
      await expect(b.page.locator("[data-testid='signed-in-staff']").count()).resolves.toBe(1);
      await b.screenshot(`safety-${b === dark ? "dark" : "light"}-user-page`);
    }
    // One style of login-method label, here as on the search page.
    await expect(browser.page.getByRole("region", { name: email }).getByText("Email & password").count()).resolves.toBe(1);
  });

  it("asks for a reason before revoking one session", async () => {
    const { page } = browser;
    await openUser(page);
    const row = page.locator(`tbody tr[data-handle="${handles[2]}"]`);
    await row.getByRole("button", { name: "Revoke" }).click();
    const reason = row.getByLabel(`Reason for revoking session ${handles[2]}`);
    await reason.waitFor();
    await browser.screenshot("safety-light-row-revoke-reason");
    // Required by default: the browser will not send the form without it.
    await row.getByRole("button", { name: "Confirm revoke" }).click();
    await expect(reason.evaluate((input: HTMLInputElement) => input.validity.valueMissing)).resolves.toBe(true);
    await reason.fill("Ticket #77: lost phone");
    await row.getByRole("button", { name: "Confirm revoke" }).click();
    await page.getByTestId("toast").getByText("Session revoked").waitFor();
    handles = handles.slice(0, 2);
    await page.waitForSelector(`tbody tr[data-handle="${handles[0]}"]`);
    await expect(page.locator("tbody tr[data-handle]").count()).resolves.toBe(2);
  });

  it("opens the Columns menu as its own row: it never covers the row actions, and closes on Escape and outside clicks", async () => {
    const { page } = browser;
    await openUser(page);
    const columns = page.getByRole("button", { name: "Columns" });
    await columns.click();
    await page.getByRole("group", { name: "Visible columns" }).waitFor();
    await expect(columns.getAttribute("aria-expanded")).resolves.toBe("true");
    for (const handle of handles) expect(await clickable(page, `tbody tr[data-handle="${handle}"] td[data-column="actions"] button`), handle).toBe(true);
    await browser.screenshot("safety-light-columns-open");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("group", { name: "Visible columns" }).count()).resolves.toBe(0);
    await columns.click();
    await page.getByRole("group", { name: "Visible columns" }).waitFor();
    await page.getByRole("heading", { level: 1 }).click();
    await expect(page.getByRole("group", { name: "Visible columns" }).count()).resolves.toBe(0);
    await dark.page.goto(page.url());
    await dark.page.getByRole("button", { name: "Columns" }).click();
    await dark.screenshot("safety-dark-columns-open");
  });

  it("pins the row actions at 1440 px, however long the Data keys are", async () => {
    const { page } = browser;
    await openUser(page, userId, "?hide=");
    const longRow = `tbody tr[data-handle="${handles[1]}"]`;
    await page.waitForSelector(longRow);
    expect(await clickable(page, `${longRow} td[data-column="actions"] button`)).toBe(true);
    const box = (await page.locator(`${longRow} td[data-column="actions"]`).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1440);
    await browser.screenshot("safety-light-pinned-actions");
  });

  it("shows session data in stored key order; sorting A→Z is a choice in the URL", async () => {
    const { page } = browser;
    await openUser(page, userId, `?open=${handles[0]}`);
    const data = page.getByLabel(`Data of session ${handles[0]}`, { exact: true });
    await data.waitFor();
    const stored = await data.textContent();
    expect(stored!.indexOf('"zebra"')).toBeLessThan(stored!.indexOf('"apple"'));
    expect(stored!.indexOf('"pear"')).toBeLessThan(stored!.indexOf('"fig"'));
    await page.getByRole("link", { name: "Sort keys A to Z" }).first().click();
    await page.waitForURL(/keys=sorted/);
    await expect.poll(async () => (await data.textContent())!.indexOf('"apple"') < (await data.textContent())!.indexOf('"zebra"')).toBe(true);
    await browser.screenshot("safety-light-keys-sorted");

    // The editor starts from the stored order too.
    await page.goto(`${baseUrl}/users/${userId}/sessions/${handles[0]}`);
    const code = page.getByTestId("json-code-editor").locator(".view-lines");
    await code.locator(".view-line").first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await code.innerText()).replace(/\u00a0/g, " "), { timeout: 10_000 }).toMatch(/"zebra": 1,[\s\S]*"apple"/);
    await browser.screenshot("safety-light-editor-stored-order");
  });

  it("names who changed the data and when in the conflict view, and refreshes the session's history", async () => {
    // A tab of its own: it ends with an unsaved edit, which would hold up the next test's navigation.
    const page = await browser.context.newPage();
    const handle = handles[0]!;
    await page.goto(`${baseUrl}/users/${userId}/sessions/${handle}`);
    const code = page.getByTestId("json-code-editor").locator(".view-lines");
    await code.locator(".view-line").first().waitFor({ timeout: 30_000 });
    await code.locator(".view-line", { hasText: '"mango"' }).locator("span > span", { hasText: /^"m"$/ }).first().dblclick();
    await page.keyboard.type("papaya");

    // Meanwhile a colleague writes the same session through Session Desk (another tab, same form).
    const other = await browser.context.newPage();
    await other.goto(`${baseUrl}/users/${userId}/sessions/${handle}`);
    const status = await other.evaluate(async ({ url, route }) => {
      const loaded = await (await fetch(`${url}?_data=${encodeURIComponent(route)}`)).json();
      const form = new FormData();
      form.set("intent", "write");
      form.set("original", loaded.originalText);
      form.set("fingerprint", loaded.fingerprint);
      form.set("text", '{"zebra": 2, "apple": {"pear": 2, "fig": 3}, "mango": "m"}');
      form.set("reason", "Ticket #78: colleague's fix");
      return (await fetch(`${url}?_data=${encodeURIComponent(route)}`, { method: "POST", body: form })).status;
    }, { url: `${baseUrl}/users/${userId}/sessions/${handle}`, route: "routes/users.$userId.sessions.$handle" });
    expect([200, 204]).toContain(status);
    await other.close();

    await page.getByRole("button", { name: "Review changes" }).click();
    await page.getByLabel(/Reason/).first().fill("Ticket #79: my change");
    await page.getByRole("button", { name: "Write to database" }).click();
    const panel = page.getByTestId("conflict-panel");
    await panel.waitFor();
    await expect(panel.innerText()).resolves.toMatch(new RegExp(`Ada Admin \\(${admin.email.replace(/\./g, "\\.")}\\) changed this session's data through Session Desk at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));
    const history = page.getByRole("region", { name: "Recent changes to this session" });
    await history.getByText("the change you ran into").waitFor();
    await expect(history.locator("li").first().innerText()).resolves.toMatch(/Conflict/);
    await page.screenshot({ path: "test-results/screenshots/safety-light-conflict-who.png", fullPage: true });
    await page.close();
    // The refused write's 409 is the answer this test waits for, not a page error.
    browser.consoleErrors.splice(0, browser.consoleErrors.length, ...browser.consoleErrors.filter((text) => !/status of 409/.test(text)));
  });
});

describe("the audit trail", () => {
  it("shows the user's email and links the user and the session", async () => {
    for (const b of [browser, dark]) {
      await b.page.goto(`${baseUrl}/audit?user=${userId}`);
      const table = b.page.getByRole("region", { name: "Audit entries" });
      await table.getByRole("link", { name: new RegExp(email) }).first().waitFor();
      await b.screenshot(`safety-${b === dark ? "dark" : "light"}-audit-rows`);
    }
    const { page } = browser;
    const sessionLink = page.getByRole("region", { name: "Audit entries" }).locator(`a[href="/users/${userId}/sessions/${handles[0]}"]`).first();
    await sessionLink.click();
    await page.waitForURL(`${baseUrl}/users/${userId}/sessions/${handles[0]}`);
    await page.goto(`${baseUrl}/audit?user=${userId}`);
    await page.getByRole("region", { name: "Audit entries" }).locator("a[href^='/audit/']").first().click();
    await page.waitForURL(/\/audit\/[^/?]+$/);
    // The URL changes a moment before React renders the entry, so wait for the entry's own content first:
    // until then the list's rows (each a link with the email) are still on the page.
    await page.getByRole("heading", { name: "Patch (RFC 6902)" }).waitFor();
    expect(await page.getByRole("link", { name: email }).count()).toBe(1);
    await browser.screenshot("safety-light-audit-entry");
  });
});

describe("layout and polish", () => {
  it("folds the header at 390 px, with Sign out in reach", async () => {
    for (const b of [browser, dark]) {
      await b.page.setViewportSize({ width: 390, height: 844 });
      try {
        await openUser(b.page);
        const header = await b.page.locator("header").evaluate((element) => ({ scroll: element.scrollWidth, width: element.clientWidth }));
        expect(header.scroll).toBeLessThanOrEqual(390);
        const signOut = (await b.page.getByRole("button", { name: "Sign out" }).boundingBox())!;
        expect(signOut.x + signOut.width).toBeLessThanOrEqual(390);
        expect(await clickable(b.page, "header form[action='/logout'] button")).toBe(true);
        await b.page.screenshot({ path: `test-results/screenshots/safety-${b === dark ? "dark" : "light"}-header-390.png` });
      } finally {
        await b.page.setViewportSize({ width: 1440, height: 900 });
      }
    }
  });

  it("offers a skip link as the first stop of the keyboard", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/audit`);
    await page.waitForSelector("html[data-hydrated='true']");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await page.screenshot({ path: "test-results/screenshots/safety-light-skip-link.png" });
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  it("shows a generated staff password once, with a copy button", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/staff`);
    await page.getByLabel("Email").fill(`new-staff-${run}@example.com`);
    const name = page.getByLabel(/name/i).first();
    if (await name.count()) await name.fill("New Staff");
    await page.getByRole("button", { name: /create/i }).click();
    await page.getByTestId("generated-password").waitFor();
    const copy = page.getByRole("button", { name: "Copy password" });
    await copy.click();
    await page.getByRole("button", { name: "Copied ✓" }).waitFor();
    await browser.screenshot("safety-light-staff-password-copy");
  });

  it("revokes all sessions only with a reason and the count typed back", async () => {
    const { page } = browser;
    await openUser(page);
    const zone = page.getByTestId("danger-zone");
    await zone.getByRole("button", { name: "Revoke all sessions…" }).click();
    const submit = zone.getByRole("button", { name: "Revoke all 2 sessions" });
    await expect(submit.isDisabled()).resolves.toBe(true);
    await zone.getByLabel(/Reason/).fill("Ticket #80: account compromised");
    await zone.getByLabel(/to confirm the number of sessions/).fill("3");
    await expect(submit.isDisabled()).resolves.toBe(true);
    await zone.getByLabel(/to confirm the number of sessions/).fill("2");
    await expect(submit.isDisabled()).resolves.toBe(false);
    await browser.screenshot("safety-light-danger-zone-armed");
    await submit.click();
    await page.getByTestId("toast").getByText("Revoked 2 sessions").waitFor();
    await browser.screenshot("safety-light-after-revoke-all");
    await expect(page.getByTestId("danger-zone").count()).resolves.toBe(0);
  });
});
