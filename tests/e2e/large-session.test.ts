/**
 * A session up to the 1 MiB limit stays usable (issue 13 §1), as a support person uses it in Chromium:
 * the editor page opens a session of about 1,015 KiB (the seed's megabyte@example.com document, plus an
 * exact 64-bit number) with a bounded DOM — the tree renders only the rows on screen plus a margin, even
 * with a 7,000-item array open and scrolled to its end — the document work runs in a Web Worker loaded
 * from this app, an edit in the text and one in the tree reach the review's diff and summary, and after
 * the write the core holds exactly those two changes (every other byte of data, the exact number included,
 * as it was). Timings are the benchmark's business (`npm run bench -- --only editor-1mib`), not this test's.
 */
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import SuperTokens from "supertokens-node";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { canonicalJson, parseJson, type JsonObject } from "~/json";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { createRng, megabyteDocument } from "../../local-core/seed-data";
import { launchBrowser, SCREENSHOT_DIR, signInAs, type Browser } from "../helpers/browser";
import { initAppSdk } from "./app-sdk";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const editor = DEMO_ACCOUNTS.find((account) => account.role === "editor")!;
const CORE_HEADERS = { "content-type": "application/json; charset=utf-8", "cdi-version": "5.4", "api-key": inject("coreApiKey") };
/** Rendered tree rows allowed at once: a 28rem box holds about 17, plus the overscan margin above and below. */
const MAX_RENDERED_ROWS = 60;
const WAIT = { timeout: 30_000 };
let browser: Browser;

beforeAll(async () => {
  initAppSdk(coreUrl, "e2e large session");
  browser = await launchBrowser();
  browser.page.on("pageerror", (error) => browser.consoleErrors.push(error.message));
  await signInAs(browser.page, baseUrl, editor);
});

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    await shot(`failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => undefined);
    console.log("console errors:", browser.consoleErrors);
  }
  expect(browser.foreignRequests.splice(0), "requests outside 127.0.0.1").toEqual([]);
  expect(browser.dialogs.splice(0), "dialogs the page opened").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

const shot = (name: string) => browser.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

/** The session data as the core holds it: its raw answer, and the data parsed with every number exact. */
async function coreData(handle: string): Promise<{ raw: string; data: JsonObject }> {
  const response = await fetch(`${coreUrl}/recipe/session/data?sessionHandle=${encodeURIComponent(handle)}`, { headers: CORE_HEADERS });
  const raw = await response.text();
  const answer = parseJson(raw) as { status: string; userDataInDatabase: JsonObject };
  if (answer.status !== "OK") throw new Error(`unexpected answer from the core: ${raw.slice(0, 200)}`);
  return { raw, data: answer.userDataInDatabase };
}

/** An app user with one session holding the ~1 MiB document, with an exact 64-bit id written as raw text. */
async function megabyteSession() {
  const signUp = await EmailPassword.signUp("public", `e2e-large-${Date.now().toString(36)}@example.com`, "Passw0rd-e2e");
  if (signUp.status !== "OK") throw new Error(signUp.status);
  const session = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(signUp.user.id), {}, { placeholder: true });
  const handle = session.getHandle();
  const document = megabyteDocument(createRng(21));
  const text = `{"bigId":9223372036854775807,${JSON.stringify(document).slice(1)}`;
  const response = await fetch(`${coreUrl}/recipe/session/data`, { method: "PUT", headers: CORE_HEADERS, body: `{"sessionHandle":${JSON.stringify(handle)},"userDataInDatabase":${text}}` });
  if (!response.ok) throw new Error(`writing the data failed: HTTP ${response.status}`);
  return { userId: signUp.user.id, handle, bytes: Buffer.byteLength(text), events: (document.events as unknown[]).length };
}

const tree = (page: Page) => page.getByTestId("json-tree-editor");
const renderedRows = (page: Page) => tree(page).getByRole("treeitem").count();
const row = (page: Page, pointer: string) => tree(page).locator(`[role='treeitem'][data-pointer='${pointer}']`);
/** Scrolls the tree from the top until the row is rendered (rows off screen are not in the DOM). */
async function scrollToRow(page: Page, pointer: string) {
  await tree(page).evaluate((element) => element.scrollTo({ top: 0 }));
  for (let step = 0; step < 200; step++) {
    if ((await row(page, pointer).count()) > 0) return row(page, pointer);
    await tree(page).evaluate((element) => element.scrollBy({ top: 300 }));
    await page.waitForTimeout(20);
  }
  throw new Error(`the tree never showed the row ${pointer}`);
}
/** The text editor's whole text, through monaco's API (only ~40 of its 77,000 lines are in the DOM). */
const editorText = (page: Page) => page.evaluate(() => (window as unknown as { monaco: { editor: { getEditors(): Array<{ getValue(): string }> } } }).monaco.editor.getEditors()[0]!.getValue());

describe("a session near the 1 MiB limit", () => {
  it("opens with a bounded DOM, edits in text and tree, reviews, writes, and the core holds exactly the change", async () => {
    const { page } = browser;
    const { userId, handle, bytes, events } = await megabyteSession();
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(bytes).toBeLessThan(1024 * 1024);
    const before = await coreData(handle);
    expect(before.raw).toContain('"bigId":9223372036854775807');

    await page.goto(`${baseUrl}/users/${userId}/sessions/${handle}`);
    await page.getByTestId("json-code-editor").locator(".view-line").first().waitFor(WAIT);
    await row(page, "").waitFor(WAIT);
    await expect.poll(() => page.getByTestId("editor-status").innerText(), WAIT).toMatch(/^Valid JSON object · .* of 1 MiB · no changes$/);
    // The document work runs in a worker, from this app.
    expect(page.workers().some((worker) => worker.url().startsWith(`${baseUrl}/build/`))).toBe(true);

    // Collapsed below the top level where collections are large; a bounded page.
    expect(await renderedRows(page)).toBeLessThan(MAX_RENDERED_ROWS);
    await expect(row(page, "/bigId").innerText()).resolves.toContain("9223372036854775807");
    // The 40 carts start open (they fit the first screenful's budget); close them, then open the events.
    await (await scrollToRow(page, "/carts")).getByRole("button", { name: "Collapse carts" }).click();
    await expect((await scrollToRow(page, "/events")).getAttribute("aria-expanded")).resolves.toBe("false");
    const domNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
    expect(domNodes).toBeLessThan(8_000);
    await shot("large-session-opened");

    // Open the 7,000-item array and scroll the tree to its end: still only the rows on screen.
    await row(page, "/events").getByRole("button", { name: "Expand events" }).click();
    await expect.poll(() => tree(page).getAttribute("data-rows").then(Number), WAIT).toBeGreaterThan(6_000);
    expect(await renderedRows(page)).toBeLessThan(MAX_RENDERED_ROWS);
    await tree(page).evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await row(page, `/events/${events - 1}`).waitFor(WAIT);
    expect(await renderedRows(page)).toBeLessThan(MAX_RENDERED_ROWS);
    await shot("large-session-tree-scrolled");
    await tree(page).evaluate((element) => element.scrollTo({ top: 0 }));

    // An edit in the tree: the top-level plan.
    const plan = await scrollToRow(page, "/plan");
    await plan.hover();
    await plan.getByTitle("Edit").click();
    await plan.getByLabel("Value").fill("team"); // one of the demo schema's plans: the e2e stack runs with it
    await page.keyboard.press("Enter");
    await expect.poll(() => editorText(page), WAIT).toContain('"plan": "team"');
    await expect(row(page, "/plan").innerText()).resolves.toContain('"team"');

    // An edit in the text: type into the description, as a person would.
    await page.evaluate(() => {
      const editor = (window as unknown as { monaco: { editor: { getEditors(): Array<{ getModel(): { findMatches(...args: unknown[]): Array<{ range: { endLineNumber: number; endColumn: number } }> }; setPosition(p: unknown): void; revealPositionInCenter(p: unknown): void; focus(): void }> } } }).monaco.editor.getEditors()[0]!;
      const match = editor.getModel().findMatches('"description": "', false, false, true, null, false)[0]!;
      const position = { lineNumber: match.range.endLineNumber, column: match.range.endColumn };
      editor.setPosition(position);
      editor.revealPositionInCenter(position);
      editor.focus();
    });
    await page.keyboard.type("Big: ");
    await expect.poll(() => page.getByTestId("json-code-editor").locator(".view-lines").innerText().then((text) => text.replace(/\u00a0/g, " ")), WAIT).toContain('"description": "Big: Session document');
    await expect.poll(() => page.getByTestId("editor-status").innerText(), WAIT).toMatch(/· 2 changes$/);
    await expect(renderedRows(page)).resolves.toBeLessThan(MAX_RENDERED_ROWS);
    await shot("large-session-edited");

    // The review.
    await page.keyboard.press("Control+s");
    await page.getByRole("heading", { name: "Review the change" }).waitFor(WAIT);
    // (The summary shortens long values with "…".)
    await expect(page.getByTestId("change-summary").innerText()).resolves.toMatch(/^2 changes: ~ description "Session document near the 1 MiB .* → "Big: Session document near .*, ~ plan "enterprise" → "team"$/);
    await page.locator(".monaco-diff-editor .editor.modified .view-line").first().waitFor(WAIT);
    // The diff shows only the changed regions (a few lines each), numbered as in the whole text.
    await page.getByTestId("diff-excerpt-note").waitFor();
    const modifiedSide = page.locator(".monaco-diff-editor .editor.modified .lines-content > .view-lines");
    const shown = () => modifiedSide.innerText().then((text) => text.replace(/\u00a0/g, " "));
    await expect.poll(shown, WAIT).toContain('"plan": "team"');
    await expect.poll(shown, WAIT).toMatch(/⋯ [\d,]+ unchanged lines ⋯/);
    await shot("large-session-review");

    // The write, and what the core holds now: the two changes and nothing else, byte for byte in value.
    await page.getByLabel(/Reason/).first().fill("e2e: 1 MiB session");
    await page.getByRole("button", { name: "Write to database" }).click();
    await page.getByTestId("toast").waitFor(WAIT);
    await expect(page.getByTestId("toast").innerText()).resolves.toContain("Session data updated — 2 changes");
    await shot("large-session-written");

    const after = await coreData(handle);
    const expected = { ...before.data, plan: "team", description: `Big: ${before.data.description as string}` };
    expect(canonicalJson(after.data)).toBe(canonicalJson(expected));
    expect(after.raw).toContain('"bigId":9223372036854775807');
  });
});
