/**
 * Debian's Chromium driven by playwright-core, as a person would use the dashboard. Every request the
 * page makes is recorded; anything that leaves 127.0.0.1 fails the test (the app must work offline).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve("test-results", "screenshots");

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** URLs the page requested outside 127.0.0.1; a test's afterEach asserts this stays empty. */
  foreignRequests: string[];
  consoleErrors: string[];
  /** Dialogs (alert/confirm) the page opened: a script that ran from session data would show here. */
  dialogs: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(options: { colorScheme?: "light" | "dark" } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}. The browser tests need Debian's Chromium: run "sudo apt-get install -y chromium" (or set CHROMIUM_PATH).`,
    );
  }
  const profile = mkdtempSync(path.join(tmpdir(), "session-desk-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? "light",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  context.on("request", (request) => {
    const url = new URL(request.url());
    if ((url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:") && url.hostname !== "127.0.0.1") foreignRequests.push(request.url());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("dialog", async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    foreignRequests,
    consoleErrors,
    dialogs,
    async screenshot(name: string) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the real login form. */
export async function signInAs(page: Page, baseUrl: string, credentials: { email: string; password: string }) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}
