/**
 * Data shown is the data held, as a person sees it in Chromium: a "__proto__" key is listed and shown like
 * any other key; a NUL (U+0000) in a key or a value is shown as a visible escape (\u0000) and does not
 * break the page's hydration (React errors #418/#425); U+2028 and U+2029 in a value survive opening the session in
 * the editor — if monaco asks about "unusual line terminators", a person who accepts its suggestion must
 * not lose them — and an edit of another key writes them back unchanged. No request leaves 127.0.0.1.
 */
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import SuperTokens from "supertokens-node";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, SCREENSHOT_DIR, signInAs, type Browser } from "../helpers/browser";
import { initAppSdk } from "./app-sdk";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const run = Date.now().toString(36);
const editor = DEMO_ACCOUNTS.find((account) => account.role === "editor")!;
const WAIT = { timeout: 10_000 };
let browser: Browser;

// Parsed from text: a "__proto__" in an object literal would set the prototype instead of making a key.
const DATA = JSON.parse('{"__proto__":{"admin":true},"nul\\u0000key":"a\\u0000b","note":"line\\u2028para\\u2029end","plan":"free"}') as Record<string, unknown>;

beforeAll(async () => {
  initAppSdk(coreUrl, "e2e fidelity");
  browser = await launchBrowser();
  // React reports a failed hydration (#418/#425) through reportError: a page error, not a console message.
  browser.page.on("pageerror", (error) => browser.consoleErrors.push(error.message));
  await signInAs(browser.page, baseUrl, editor);
});

afterEach(async (context) => {
  if (context.task.result?.state === "fail") await shot(`failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => undefined);
  expect(browser.foreignRequests.splice(0), "requests outside 127.0.0.1").toEqual([]);
  expect(browser.dialogs.splice(0), "dialogs the page opened").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

const shot = (name: string) => browser.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

async function userWithSession(data: Record<string, unknown>) {
  const signUp = await EmailPassword.signUp("public", `e2e-fidelity-${run}-${Math.random().toString(36).slice(2, 8)}@example.com`, "Passw0rd-e2e");
  if (signUp.status !== "OK") throw new Error(signUp.status);
  const userId = signUp.user.id;
  const session = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), {}, data);
  return { userId, handle: session.getHandle(), session };
}

const hydrationErrors = () => browser.consoleErrors.filter((text) => /#418|#423|#425|hydrat/i.test(text));

async function waitForHydration(page: Page) {
  await page.waitForSelector("html[data-hydrated='true']");
  await page.waitForSelector("[data-sessions-table][data-interactive='true']");
}

describe("the user page's read-only view", () => {
  it("lists and shows a __proto__ key, shows NUL as a visible escape, and hydrates without errors", async () => {
    const { page } = browser;
    const { userId, handle } = await userWithSession(DATA);
    browser.consoleErrors.splice(0);
    await page.goto(`${baseUrl}/users/${userId}`);
    await waitForHydration(page);

    const row = page.locator(`tr[data-handle="${handle}"]`);
    // The data keys column lists every key, the NUL written as its escape.
    await expect(row.locator('[data-column="keys"]').innerText()).resolves.toBe("__proto__, nul\\u0000key, note +1");

    await page.getByRole("button", { name: `Show data of session ${handle}` }).click();
    const view = page.getByLabel(`Data of session ${handle}`, { exact: true });
    await view.waitFor();
    const shown = await view.innerText();
    expect(shown).toContain('"__proto__": {');
    expect(shown).toContain('"admin": true');
    expect(shown).toContain('"nul\\u0000key": "a\\u0000b"');
    expect(shown).toContain('"plan": "free"');
    // U+2028 and U+2029 would look like spaces: they are shown as their escapes (the same JSON).
    expect(shown).toContain('"note": "line\\u2028para\\u2029end"');
    await shot("fidelity-user-page");

    // Loaded with the row already open (the server renders the detail): still no hydration error.
    await page.goto(`${baseUrl}/users/${userId}?open=${encodeURIComponent(handle)}`);
    await waitForHydration(page);
    await expect(page.getByLabel(`Data of session ${handle}`, { exact: true }).innerText()).resolves.toContain('"__proto__": {');
    expect(hydrationErrors()).toEqual([]);
  });
});

describe("the session page", () => {
  it("keeps U+2028 and U+2029 through the editor; an edit of another key writes them back unchanged", async () => {
    // A tab of its own whose dialogs are accepted, as a person clicking OK would: monaco's default asks
    // with a confirm() whether to remove "unusual line terminators".
    const page = await browser.context.newPage();
    const asked: string[] = [];
    page.on("dialog", async (dialog) => {
      asked.push(dialog.message());
      await dialog.accept();
    });
    page.on("console", (message) => message.type() === "error" && browser.consoleErrors.push(message.text()));
    page.on("pageerror", (error) => browser.consoleErrors.push(error.message));
    const { userId, handle, session } = await userWithSession(DATA);
    browser.consoleErrors.splice(0);
    try {
      await page.goto(`${baseUrl}/users/${userId}/sessions/${handle}`);
      await page.getByRole("heading", { name: "Session data in the database" }).waitFor();
      const code = page.getByTestId("json-code-editor");
      await code.locator(".view-line").first().waitFor({ timeout: 30_000 });
      await page.waitForSelector("html[data-hydrated='true']");
      await expect.poll(() => code.locator(".view-line", { hasText: '"plan"' }).count(), WAIT).toBe(1);
      await expect.poll(() => page.getByTestId("editor-status").innerText(), WAIT).toContain("no changes");
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "fidelity-session-page.png"), fullPage: true });

      // Change "free" to "pro" and review: one change, nothing else.
      await code.locator(".view-line", { hasText: '"plan"' }).locator("span > span", { hasText: /^"free"$/ }).first().dblclick();
      await page.keyboard.type("pro");
      await expect.poll(() => page.getByTestId("editor-status").innerText(), WAIT).toContain("1 change");
      await page.getByRole("button", { name: "Review changes" }).click();
      await page.getByRole("heading", { name: "Review the change" }).waitFor();
      await expect(page.getByTestId("change-summary").innerText()).resolves.toBe('1 change: ~ plan "free" → "pro"');
      await page.locator(".monaco-diff-editor .editor.modified .view-line").first().waitFor();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "fidelity-session-review.png"), fullPage: true });
      await page.getByLabel(/Reason/).first().fill("e2e: fidelity");
      await page.getByRole("button", { name: "Write to database" }).click();
      await page.getByTestId("toast").waitFor();
      await expect(page.getByTestId("toast").innerText()).resolves.toContain("Session data updated — 1 change");

      expect(asked, "prompts about the data's characters").toEqual([]);
      const written = (await session.getSessionDataFromDatabase()) as Record<string, unknown>;
      expect(written.note).toBe("line\u2028para\u2029end");
      expect(Object.keys(written).sort()).toEqual(["__proto__", "note", "nul\u0000key", "plan"]);
      expect(Object.getOwnPropertyDescriptor(written, "__proto__")?.value).toEqual({ admin: true });
      expect(written["nul\u0000key"]).toBe("a\u0000b");
      expect(written.plan).toBe("pro");
      expect(hydrationErrors()).toEqual([]);
    } finally {
      await page.close({ runBeforeUnload: false });
    }
  });
});
