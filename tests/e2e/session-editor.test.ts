/**
 * As a support person would: open a session, change a value in the text editor, see it in the diff and
 * the summary, write it, see the toast — and the app (the SDK) then reads the new data. The same through
 * the tree view. A conflict with a change made meanwhile, and the way out of it. A payload with HTML and
 * script in it is shown as text and runs nothing. No request leaves 127.0.0.1.
 */
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import type { Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import path from "node:path";
import { launchBrowser, SCREENSHOT_DIR, signInAs, type Browser } from "../helpers/browser";
import { initAppSdk } from "./app-sdk";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const run = Date.now().toString(36);
const editor = DEMO_ACCOUNTS.find((account) => account.role === "editor")!;
const viewer = DEMO_ACCOUNTS.find((account) => account.role === "viewer")!;
let browser: Browser;
/** Every URL the page requested, in order (to check where monaco is loaded from, and where not). */
const requested: string[] = [];

beforeAll(async () => {
  initAppSdk(coreUrl, "e2e app");
  browser = await launchBrowser();
  await signInAs(browser.page, baseUrl, editor);
});

// Each test gets a new tab (same sign-in): a test that fails with an unsaved edit must not leave a
// "leave this page?" prompt behind that would block the next test's navigation.
beforeEach(async () => {
  const old = browser.page;
  const page = await browser.context.newPage();
  page.on("request", (request) => requested.push(request.url()));
  page.on("console", (message) => message.type() === "error" && browser.consoleErrors.push(message.text()));
  page.on("dialog", async (dialog) => {
    browser.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  browser.page = page;
  await old.close({ runBeforeUnload: false });
});

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    await screenshot(`failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => undefined);
    console.log("console errors:", browser.consoleErrors);
  }
  const foreign = browser.foreignRequests.splice(0);
  const dialogs = browser.dialogs.splice(0);
  expect(foreign, "requests outside 127.0.0.1").toEqual([]);
  expect(dialogs, "dialogs (alert/confirm/beforeunload) the page opened").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

/** A session of a fresh app user, made by "the app" through the SDK. */
async function appSession(data: Record<string, unknown>) {
  const userId = `e2e-editor-${run}-${Math.random().toString(36).slice(2, 8)}`;
  const session = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), { role: "member" }, data);
  return { userId, handle: session.getHandle(), session };
}

async function openSession(page: Page, userId: string, handle: string) {
  await page.goto(`${baseUrl}/users/${userId}/sessions/${handle}`);
  await page.getByRole("heading", { name: "Session data in the database" }).waitFor();
  await codeLines(page).locator(".view-line").first().waitFor({ timeout: 30_000 });
  await page.getByTestId("json-tree-editor").getByRole("treeitem").first().waitFor();
}

/** The helper's screenshot() is bound to the first tab; these tests replace the tab per test. */
const screenshot = (name: string) => browser.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

/** Monaco renders lines progressively: what it shows is polled, not read once. */
const WAIT = { timeout: 10_000 };

const codeLines = (page: Page) => page.getByTestId("json-code-editor").locator(".view-lines");
/** What a line-based editor shows, with monaco's non-breaking spaces made plain. */
const visibleText = async (locator: Locator) => (await locator.innerText()).replace(/\u00a0/g, " ");

/**
 * Double-clicks a token on the line that contains `lineText` and types over what that selects, as a
 * person would: for a number the number, for a string its word without the quotes.
 */
async function retypeToken(page: Page, lineText: string, token: string, replacement: string) {
  const line = codeLines(page).locator(".view-line", { hasText: lineText });
  await line.locator("span > span", { hasText: new RegExp(`^${token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }).first().dblclick();
  await page.keyboard.type(replacement);
}

/** One side of a monaco diff (its own lines, not the deleted lines it shows inline in narrow layouts). */
const diffSide = (page: Page | Locator, side: "original" | "modified") => page.locator(`.monaco-diff-editor .editor.${side} .lines-content > .view-lines`);

async function writeAndWaitForToast(page: Page, reason: string) {
  await page.getByLabel(/Reason/).first().fill(reason);
  await page.getByRole("button", { name: "Write to database" }).click();
  const toast = page.getByTestId("toast");
  await toast.waitFor();
  return toast;
}

describe("editing session data as text", () => {
  it("changes a value in monaco, reviews the diff and summary, writes, and the app reads the new data", async () => {
    const { page } = browser;
    const { userId, handle, session } = await appSession({ plan: "free", limits: { seats: 5, storage: "10GB" }, trial: true });
    const before = requested.length;
    await openSession(page, userId, handle);
    // monaco comes from this app, never a CDN
    const monacoRequests = requested.slice(before).filter((url) => url.includes("/monaco/vs/"));
    expect(monacoRequests.length).toBeGreaterThan(0);
    expect(monacoRequests.every((url) => url.startsWith(`${baseUrl}/monaco/vs/`))).toBe(true);
    await screenshot("session-editor");

    await retypeToken(page, '"seats"', "5", "10");
    await expect.poll(() => page.getByTestId("editor-status").innerText(), WAIT).toContain("1 change");
    // The tree follows the text.
    await page.getByTestId("json-tree-editor").locator("[data-pointer='/limits/seats']").getByText("10").waitFor();

    await page.keyboard.press("Control+s");
    await page.getByRole("heading", { name: "Review the change" }).waitFor();
    await expect(page.getByTestId("change-summary").innerText()).resolves.toBe("1 change: ~ limits.seats 5 → 10");
    await diffSide(page, "modified").locator(".view-line").first().waitFor();
    await expect.poll(() => visibleText(diffSide(page, "original")), WAIT).toContain('"seats": 5,');
    await expect.poll(() => visibleText(diffSide(page, "modified")), WAIT).toContain('"seats": 10,');
    await screenshot("session-review");

    const toast = await writeAndWaitForToast(page, "e2e: seats 5 → 10");
    await expect(toast.innerText()).resolves.toContain("Session data updated — 1 change");
    expect(await session.getSessionDataFromDatabase()).toEqual({ plan: "free", limits: { seats: 10, storage: "10GB" }, trial: true });
    // After the write the editor holds the new data and nothing is unsaved.
    await expect.poll(() => page.getByTestId("editor-status").innerText(), WAIT).toContain("no changes");
    await expect.poll(() => visibleText(codeLines(page)), WAIT).toContain('"seats": 10');
  });

  it("says 'Nothing to write' when the text only changed its formatting", async () => {
    const { page } = browser;
    const { userId, handle } = await appSession({ a: 1, b: 2 });
    await openSession(page, userId, handle);
    await page.getByTestId("json-code-editor").locator(".view-lines").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await expect.poll(() => codeLines(page).locator(".view-line").count(), WAIT).toBe(6);
    await page.getByRole("button", { name: "Review changes" }).click();
    await page.getByRole("heading", { name: "Nothing to write" }).waitFor();
    await expect(page.getByRole("button", { name: "Write to database" }).count()).resolves.toBe(0);
    await page.getByRole("button", { name: "Back to editing" }).click();
    await page.getByRole("button", { name: "Format" }).click();
    await expect.poll(() => codeLines(page).locator(".view-line").count(), WAIT).toBe(4);
  });

  it("keeps the text and says what is wrong when it is not valid JSON; leaving asks first", async () => {
    const { page } = browser;
    const { userId, handle } = await appSession({ plan: "free" });
    await openSession(page, userId, handle);
    await retypeToken(page, '"plan"', '"free"', "pro");
    await page.keyboard.press("End");
    await page.keyboard.type(",");
    await expect.poll(() => page.getByTestId("editor-status").innerText(), WAIT).toMatch(/^Line 2, column \d+: /);
    await page.getByRole("button", { name: "Review changes" }).click();
    await expect(page.getByTestId("editor-error").innerText()).resolves.toMatch(/^Line 2, column \d+: .*Fix it before reviewing\.$/);
    await expect.poll(() => visibleText(codeLines(page)), WAIT).toContain('"plan": "pro",');
    // Monaco's own JSON worker marks the error too (it runs from this app, under the page's CSP).
    await page.getByTestId("json-code-editor").locator(".squiggly-error").first().waitFor();

    // Reloading or leaving for another site asks the browser's own question (dismissed here: we stay).
    await expect(page.goto(`${baseUrl}/`)).rejects.toThrow();
    expect(browser.dialogs.splice(0)).toEqual(["beforeunload: "]);
    expect(new URL(page.url()).pathname).toBe(`/users/${userId}/sessions/${handle}`);

    // A link inside the dashboard asks before discarding the edit.
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: userId }).click();
    const dialog = page.getByRole("alertdialog", { name: "Leave without writing?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Stay and keep editing" }).click();
    expect(new URL(page.url()).pathname).toBe(`/users/${userId}/sessions/${handle}`);
    await expect.poll(() => visibleText(codeLines(page)), WAIT).toContain('"plan": "pro",');
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: userId }).click();
    await dialog.getByRole("button", { name: "Leave and discard the edit" }).click();
    await page.waitForURL(`${baseUrl}/users/${userId}`);
  });
});

describe("editing session data in the tree view", () => {
  it("edits a nested value, adds a key, deletes a key; the text follows; the write reaches the app", async () => {
    const { page } = browser;
    const { userId, handle, session } = await appSession({ plan: "free", limits: { seats: 5, storage: "10GB" }, trial: true });
    await openSession(page, userId, handle);
    const tree = page.getByTestId("json-tree-editor");

    // Edit a nested value.
    const storage = tree.locator("[data-pointer='/limits/storage']");
    await storage.hover();
    await storage.getByTitle("Edit").click();
    await storage.getByLabel("Value").fill("20GB");
    await page.keyboard.press("Enter");
    await expect.poll(() => visibleText(codeLines(page)), WAIT).toContain('"storage": "20GB"');

    // Add a key at the top level (it opens for editing at once), and give it a number.
    const root = tree.locator("[data-pointer='']");
    await root.hover();
    await root.getByTitle("Add").click();
    await tree.getByLabel("New key").fill("seatsPaid");
    await page.keyboard.press("Enter");
    const added = tree.locator("[data-pointer='/seatsPaid']");
    await added.waitFor();
    await added.getByLabel("Type").selectOption("number");
    await added.getByLabel("Value").fill("3");
    await page.keyboard.press("Enter");
    await expect.poll(() => visibleText(codeLines(page)), WAIT).toContain('"seatsPaid": 3');

    // Delete a key.
    const trial = tree.locator("[data-pointer='/trial']");
    await trial.hover();
    await trial.getByTitle("Delete").click();
    await expect.poll(() => visibleText(codeLines(page)), WAIT).not.toContain('"trial"');
    await screenshot("session-tree-edit");

    await page.getByRole("button", { name: "Review changes" }).click();
    await expect(page.getByTestId("change-summary").innerText()).resolves.toBe('3 changes: + seatsPaid, ~ limits.storage "10GB" → "20GB", − trial');
    await expect.poll(() => visibleText(diffSide(page, "modified")), WAIT).toContain('"seatsPaid": 3');
    const toast = await writeAndWaitForToast(page, "e2e: tree edit");
    await expect(toast.innerText()).resolves.toContain("Session data updated — 3 changes");
    expect(await session.getSessionDataFromDatabase()).toEqual({ plan: "free", limits: { seats: 5, storage: "20GB" }, seatsPaid: 3 });
  });
});

describe("a conflict with a change made meanwhile", () => {
  it("writes nothing, shows both changes, and applies mine on top of theirs", async () => {
    const { page } = browser;
    const { userId, handle, session } = await appSession({ plan: "free", seats: 5, flags: { beta: false } });
    await openSession(page, userId, handle);
    await retypeToken(page, '"plan"', '"free"', "pro");
    // The app changes something else while the editor is open.
    await Session.updateSessionDataInDatabase(handle, { plan: "free", seats: 5, flags: { beta: true } });

    await page.getByRole("button", { name: "Review changes" }).click();
    await writeConflict(page);
    await expect(page.getByText("Your changes touch different places than theirs").innerText()).resolves.toContain('~ plan "free" → "pro"');
    const theirs = diffSide(page.getByRole("group", { name: "Their change" }), "modified");
    const yours = diffSide(page.getByRole("group", { name: "Your change" }), "modified");
    await theirs.locator(".view-line").first().waitFor();
    await yours.locator(".view-line").first().waitFor();
    await expect.poll(() => visibleText(theirs), WAIT).toContain('"beta": true');
    await expect.poll(() => visibleText(theirs), WAIT).toContain('"plan": "free"');
    await expect.poll(() => visibleText(yours), WAIT).toContain('"beta": false');
    await expect.poll(() => visibleText(yours), WAIT).toContain('"plan": "pro"');
    await screenshot("session-conflict");
    expect(await session.getSessionDataFromDatabase()).toEqual({ plan: "free", seats: 5, flags: { beta: true } });

    await page.getByRole("button", { name: "Apply my changes to theirs" }).click();
    const toast = page.getByTestId("toast");
    await toast.waitFor();
    await expect(toast.innerText()).resolves.toContain("Session data updated — 1 change");
    expect(await session.getSessionDataFromDatabase()).toEqual({ plan: "pro", seats: 5, flags: { beta: true } });
  });

  it("lists the clashing path when both changed the same value, and overwrites only after a second click", async () => {
    const { page } = browser;
    const { userId, handle, session } = await appSession({ limits: { seats: 5 } });
    await openSession(page, userId, handle);
    await retypeToken(page, '"seats"', "5", "10");
    await Session.updateSessionDataInDatabase(handle, { limits: { seats: 7 } });
    await page.getByRole("button", { name: "Review changes" }).click();
    await writeConflict(page);
    await expect(page.getByTestId("conflict-clashes").innerText()).resolves.toContain("limits.seats");
    await expect(page.getByRole("button", { name: "Apply my changes to theirs" }).isDisabled()).resolves.toBe(true);
    await screenshot("session-conflict-clash");

    await page.getByRole("button", { name: "Overwrite theirs" }).click();
    expect(await session.getSessionDataFromDatabase()).toEqual({ limits: { seats: 7 } });
    await page.getByRole("button", { name: "Click again to overwrite their changes" }).click();
    await page.getByTestId("toast").waitFor();
    expect(await session.getSessionDataFromDatabase()).toEqual({ limits: { seats: 10 } });
  });
});

async function writeConflict(page: Page) {
  await page.getByRole("heading", { name: "Review the change" }).waitFor();
  // A reason is required by default (AUDIT_REASON_REQUIRED=true).
  await page.getByLabel(/Reason/).first().fill("e2e: conflict");
  await page.getByRole("button", { name: "Write to database" }).click();
  await page.getByRole("heading", { name: "Conflict: the data changed while you were editing" }).waitFor();
}

describe("hostile data", () => {
  it("shows HTML and script in session data as text, in the editor, the tree and the diff; nothing runs", async () => {
    const { page } = browser;
    const hostile = { bio: "<script>window.__pwned=1;alert(1)</script>", avatar: '<img src=x onerror="alert(1)">', "</pre><h1>key</h1>": "x", plan: "free" };
    const { userId, handle } = await appSession(hostile);
    await openSession(page, userId, handle);
    await expect.poll(() => visibleText(codeLines(page)), WAIT).toContain('"bio": "<script>window.__pwned=1;alert(1)</script>"');
    await page.getByTestId("json-tree-editor").getByText('"<script>window.__pwned=1;alert(1)</script>"').waitFor();
    await expect.poll(() => visibleText(codeLines(page)), WAIT).toContain(`"avatar": "<img src=x onerror=\\"alert(1)\\">"`);
    await retypeToken(page, '"plan"', '"free"', "<svg onload=alert(2)>");
    await page.getByRole("button", { name: "Review changes" }).click();
    await diffSide(page, "modified").locator(".view-line").first().waitFor();
    await expect.poll(() => visibleText(diffSide(page, "modified")), WAIT).toContain('"plan": "<svg onload=alert(2)>"');
    await expect(page.getByTestId("change-summary").innerText()).resolves.toBe('1 change: ~ plan "free" → "<svg onload=alert(2)>"');
    await expect(page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).resolves.toBeUndefined();
    await expect(page.locator("h1", { hasText: "key" }).count()).resolves.toBe(0);
  });
});

describe("pages that do not edit", () => {
  it("the user page (a list) never loads monaco", async () => {
    const { page } = browser;
    const signUp = await EmailPassword.signUp("public", `e2e-editor-list-${run}@example.com`, "Passw0rd-e2e");
    if (signUp.status !== "OK") throw new Error(signUp.status);
    const userId = signUp.user.id;
    await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), {}, { plan: "free" });
    const before = requested.length;
    await page.goto(`${baseUrl}/users/${userId}`);
    await page.getByRole("heading", { name: /Sessions/ }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(requested.slice(before).filter((url) => url.includes("/monaco/"))).toEqual([]);
  });

  it("a viewer sees the data read-only, with no way to review or write", async () => {
    const { page } = browser;
    const { userId, handle } = await appSession({ plan: "free" });
    await page.goto(`${baseUrl}/`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await signInAs(page, baseUrl, viewer);
    await openSession(page, userId, handle);
    await page.getByText("changing it needs the editor role").waitFor();
    await expect(page.getByRole("button", { name: "Review changes" }).count()).resolves.toBe(0);
    await page.getByTestId("json-code-editor").locator(".view-lines").click();
    await page.keyboard.type("xyz");
    await expect(visibleText(codeLines(page))).resolves.not.toContain("xyz");
    await expect(page.getByTestId("json-tree-editor").getByTitle("Edit").count()).resolves.toBe(0);
  });
});
