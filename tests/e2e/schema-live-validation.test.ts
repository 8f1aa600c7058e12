/**
 * The session-data schema in the editor, as a support person meets it: the demo schema (seeded in demo
 * mode) applies to every tenant; typing a plan it does not allow puts a marker under the value, the hover
 * names the allowed values, the tree view marks the node, and the write is refused by the server with the
 * path and message, nothing written. No request leaves 127.0.0.1 (monaco's $ref loading is off).
 */
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session/index.js";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, SCREENSHOT_DIR, signInAs, type Browser } from "../helpers/browser";
import { initAppSdk } from "./app-sdk";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const editor = DEMO_ACCOUNTS.find((account) => account.role === "editor")!;
let browser: Browser;

beforeAll(async () => {
  initAppSdk(coreUrl, "e2e app");
  browser = await launchBrowser();
  await signInAs(browser.page, baseUrl, editor);
});

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    await screenshot("failed-schema-live-validation").catch(() => undefined);
    console.log("console errors:", browser.consoleErrors);
  }
  expect(browser.foreignRequests.splice(0), "requests outside 127.0.0.1").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

const screenshot = (name: string) => browser.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
const WAIT = { timeout: 15_000 };
const codeLines = (page: Page) => page.getByTestId("json-code-editor").locator(".view-lines");

describe("the session-data schema in the editor", () => {
  it("marks a value the schema does not allow as you type, in the text and the tree, and the write is refused", async () => {
    const { page } = browser;
    const userId = `e2e-schema-${Date.now().toString(36)}`;
    const session = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), {}, { plan: "pro", limits: { seats: 5 } });
    const handle = session.getHandle();
    await page.goto(`${baseUrl}/users/${userId}/sessions/${handle}`);
    await page.getByRole("heading", { name: "Session data in the database" }).waitFor();
    await codeLines(page).locator(".view-line").first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("schema-status").innerText(), WAIT).toContain("Checked against the schema “Demo shop session data”");

    // Type over pro → Pro, as a person would.
    await codeLines(page).locator(".view-line", { hasText: '"plan"' }).locator("span > span", { hasText: /^"pro"$/ }).first().dblclick();
    await page.keyboard.type("Pro");

    // monaco's JSON language marks the value (a red squiggle) …
    const squiggle = page.getByTestId("json-code-editor").locator(".squiggly-error");
    await squiggle.first().waitFor(WAIT);
    // … and the tree marks the node with the schema's message.
    const planRow = page.getByTestId("json-tree-editor").locator("[data-pointer='/plan']");
    await expect.poll(() => planRow.getAttribute("data-invalid"), WAIT).toBe("true");
    await expect.poll(() => planRow.getByTestId("tree-schema-problem").innerText(), WAIT).toMatch(/Value is not accepted/);

    // The hover says which values the schema allows.
    await codeLines(page).locator(".view-line", { hasText: '"plan"' }).locator("span > span", { hasText: /^"Pro"$/ }).first().hover();
    const hover = page.locator(".monaco-hover").filter({ hasText: "Value is not accepted" });
    await hover.first().waitFor({ state: "visible", ...WAIT });
    await expect(hover.first().innerText()).resolves.toMatch(/Value is not accepted\. Valid values: "free", "starter", "pro", "team", "enterprise"/);
    await screenshot("schema-live-validation");

    // The server has the last word: the write is refused with the path and message, nothing written.
    await page.mouse.move(0, 0);
    await page.keyboard.press("Control+s");
    await page.getByRole("heading", { name: "Review the change" }).waitFor();
    await page.getByLabel(/Reason/).first().fill("e2e: schema check");
    await page.getByRole("button", { name: "Write to database" }).click();
    const refusal = page.getByTestId("schema-refusal");
    await refusal.waitFor(WAIT);
    await expect(refusal.innerText()).resolves.toMatch(/Not written: the schema “Demo shop session data” \(version 1\) refuses this change/);
    await expect(refusal.innerText()).resolves.toMatch(/plan: must be one of "free", "starter", "pro", "team", "enterprise"/);
    // An editor is not offered the admin's override.
    expect(await refusal.getByRole("button", { name: /Write anyway/ }).count()).toBe(0);
    await screenshot("schema-write-refused");
    expect(await session.getSessionDataFromDatabase()).toEqual({ plan: "pro", limits: { seats: 5 } });
  });

  it("shows the schema read-only to an editor, and the data-quality page lists the demo sessions that break it", async () => {
    // A fresh tab: the first test leaves an unsaved edit, whose "leave this page?" would stop navigation.
    const old = browser.page;
    browser.page = await browser.context.newPage();
    await old.close({ runBeforeUnload: false });
    const { page } = browser;
    await page.goto(`${baseUrl}/schemas`);
    await page.getByRole("link", { name: "Demo shop session data" }).click();
    await page.getByRole("heading", { name: "Versions" }).waitFor();
    expect(await page.getByRole("button", { name: /Save as a new version/ }).count()).toBe(0);
    await expect(page.getByRole("cell", { name: "Demo mode" }).innerText()).resolves.toBe("Demo mode");
    await screenshot("schema-versions");

    await page.goto(`${baseUrl}/data-quality`);
    const heading = page.getByRole("heading", { name: /sessions checked/ });
    await heading.waitFor(WAIT);
    await expect(heading.innerText()).resolves.toMatch(/^Page 1: 25 users, [\d,]+ sessions checked — [\d,]+ sessions? do(es)? not match$/);
    // Each listed session says where its data breaks the schema, e.g. a seat count over 200.
    await expect.poll(() => page.locator("tbody").innerText(), WAIT).toMatch(/must be (<=|>=|one of|integer|a multiple of)/);
    await screenshot("data-quality");
    // The user page marks the same session.
    const firstRow = page.locator("tbody tr").first();
    const handleStart = (await firstRow.locator("td").nth(1).innerText()).replace("…", "");
    await firstRow.locator("td").first().getByRole("link").click();
    // That user may have hundreds of sessions (a bulk test's user, when that test ran first): the table shows
    // a window of them, so it is filtered to the listed session as a person would find it.
    await page.getByPlaceholder(/^Filter: handle/).fill(handleStart.slice(0, 8));
    const mark = page.getByTestId("schema-mismatch").first();
    await mark.waitFor(WAIT);
    await expect(mark.innerText()).resolves.toMatch(/^✕ schema · \d+$/);
    const markedRow = page.getByRole("row").filter({ has: page.getByTestId("schema-mismatch") }).first();
    await expect(markedRow.innerText()).resolves.toContain(handleStart.slice(0, 8));
    await screenshot("user-page-schema-mark");
    await page.goBack();
    await page.getByRole("heading", { name: /sessions checked/ }).waitFor(WAIT);
    await page.getByRole("link", { name: /Next 25 users/ }).click();
    await page.getByRole("heading", { name: /^Page 2:/ }).waitFor(WAIT);
  });
});
