/**
 * Masking as a viewer sees it (#17 §2), in Chromium against the running demo (whose start-up set up the
 * demo patterns device.ip, **.token and cart.address.*): the sessions table's expanded row and the
 * session editor (text and tree) show "•••• (masked)" and the page never holds the value; "Reveal" with a
 * reason shows it for a few minutes with a countdown, and "Mask again" ends it. No request leaves 127.0.0.1.
 */
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";
import { initAppSdk } from "./app-sdk";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const viewer = DEMO_ACCOUNTS.find((account) => account.role === "viewer")!;
const MASK = "•••• (masked)";
const IP = "203.0.113.199";
const TOKEN = "tok_e2e_SECRET_7d1c";
let browser: Browser;

beforeAll(async () => {
  initAppSdk(coreUrl, "e2e masking");
  browser = await launchBrowser();
  await signInAs(browser.page, baseUrl, viewer);
});

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    await browser.screenshot(`failed-masking-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => undefined);
    console.log("console errors:", browser.consoleErrors);
  }
  expect(browser.foreignRequests.splice(0), "requests outside 127.0.0.1").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

/** A real user of "the app" (the user page needs one) with one session holding a masked IP and token. */
async function appSession() {
  const signUp = await EmailPassword.signUp("public", `e2e-masking-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`, "Passw0rd-e2e");
  if (signUp.status !== "OK") throw new Error(`sign-up failed: ${signUp.status}`);
  const userId = signUp.user.id;
  const data = { plan: "pro", device: { os: "macOS 15.1", ip: IP }, upstream: { token: TOKEN, region: "eu" } };
  const session = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), {}, data);
  return { userId, handle: session.getHandle() };
}

const codeText = async (page: Page) => (await page.getByTestId("json-code-editor").locator(".view-lines").innerText()).replace(/\u00a0/g, " ");

async function openSession(page: Page, userId: string, handle: string) {
  await page.goto(`${baseUrl}/users/${userId}/sessions/${handle}`);
  await page.getByRole("heading", { name: "Session data in the database" }).waitFor();
  await page.getByTestId("json-code-editor").locator(".view-line").first().waitFor({ timeout: 30_000 });
  await page.getByTestId("json-tree-editor").getByRole("treeitem").first().waitFor();
}

describe("a viewer", () => {
  it("sees masked values in the sessions table, the editor and its tree, and the page never holds them", async () => {
    const { page } = browser;
    const { userId, handle } = await appSession();

    await page.goto(`${baseUrl}/users/${userId}`);
    await page.getByRole("button", { name: `Show data of session ${handle}` }).click();
    const row = page.getByRole("row", { name: new RegExp(handle) }).locator("xpath=following-sibling::tr[1]");
    await expect.poll(async () => await row.innerText()).toContain(MASK);
    expect(await row.innerText()).toContain("macOS 15.1");
    expect(await page.content()).not.toContain(IP);
    expect(await page.content()).not.toContain(TOKEN);
    await browser.screenshot("masking-viewer-sessions-table");

    await openSession(page, userId, handle);
    await page.getByRole("heading", { name: /2 values are masked for your role/ }).waitFor();
    await expect.poll(() => codeText(page)).toContain(`"ip": "${MASK}"`);
    expect(await codeText(page)).toContain(`"token": "${MASK}"`);
    expect(await codeText(page)).toContain('"region": "eu"');
    expect(await page.getByTestId("json-tree-editor").innerText()).toContain(MASK);
    const html = await page.content();
    expect(html).not.toContain(IP);
    expect(html).not.toContain(TOKEN);
    await browser.screenshot("masking-viewer-session");
  });

  it("reveals one session with a reason, sees a countdown, and masks it again", async () => {
    const { page } = browser;
    const { userId, handle } = await appSession();
    await openSession(page, userId, handle);

    // The reason is required: the browser will not send the form without one.
    await page.getByRole("button", { name: /Reveal for 5 min/ }).click();
    expect(await page.getByLabel(/Reason for revealing/).evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);

    await page.getByLabel(/Reason for revealing/).fill("Ticket #5150: customer reports a wrong IP");
    await page.getByRole("button", { name: /Reveal for 5 min/ }).click();
    await page.getByTestId("toast").filter({ hasText: "Masked values revealed" }).waitFor();
    await page.getByRole("heading", { name: "Masked values are revealed to you" }).waitFor();
    await expect.poll(() => codeText(page)).toContain(IP);
    const status = page.getByRole("status").filter({ hasText: "left" });
    const first = await status.innerText();
    expect(first).toMatch(/[0-5]:[0-5]\d left/);
    await expect.poll(async () => await status.innerText(), { timeout: 10_000 }).not.toBe(first);
    await browser.screenshot("masking-viewer-revealed");

    // The reveal and its reason are in the session's history.
    expect(await page.locator("section[aria-labelledby=history-heading]").innerText()).toContain("Reveal masked values");

    await page.getByRole("button", { name: "Mask again now" }).click();
    await page.getByRole("heading", { name: /2 values are masked for your role/ }).waitFor();
    await expect.poll(() => codeText(page)).toContain(`"ip": "${MASK}"`);
    expect(await page.content()).not.toContain(TOKEN);
  });
});

describe("an admin", () => {
  it("sees the masked paths, who sees masked values, and the change log on /masking", async () => {
    const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;
    // Last in the file: the tab signs out as the viewer and in as the admin.
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/login"));
    {
      await signInAs(page, baseUrl, admin);
      await page.goto(`${baseUrl}/masking`);
      await page.getByRole("heading", { name: "Masking", level: 1 }).waitFor();
      const patterns = page.getByRole("region", { name: "Masked paths" });
      for (const pattern of ["device.ip", "**.token", "cart.address.*"]) await patterns.getByText(pattern, { exact: true }).waitFor();
      await page.getByLabel("Pattern").fill("tok*en");
      await page.getByLabel(/^Reason/).fill("Ticket #9: mask session tokens");
      await page.getByRole("button", { name: "Mask this path" }).click();
      await page.getByRole("alert").filter({ hasText: "write it quoted" }).waitFor();
      expect(await page.getByRole("region", { name: "Who sees masked values" }).innerText()).toMatch(/viewer[\s\S]*sees •••• \(masked\)/);
      await browser.screenshot("masking-admin-page");
    }
  });
});
