/**
 * Chromium driven by playwright-core, as a person would use the dashboard. Every request the page makes
 * is recorded; anything that leaves 127.0.0.1 fails the test (the app must work offline).
 *
 * Which Chromium (resolveChromium):
 * - CHROMIUM_PATH when set (it must exist: .ci/run sets it to Debian's, so CI never falls back silently);
 * - else Debian's /usr/bin/chromium when present;
 * - else the Chromium the @sparticuz/chromium devDependency ships, unpacked to the temp folder on first
 *   use, so `npm install && npm test` works on a machine with only Node and npm.
 * SESSION_DESK_TEST_CHROMIUM=bundled forces the npm one (to check that path on a machine that has Debian's).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";
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

export interface ChromiumChoice {
  executablePath: string;
  /** Where it came from, for messages. */
  source: "CHROMIUM_PATH" | "debian" | "npm";
}

let npmChromium: Promise<string> | undefined;

/** The Chromium to drive (see the header). */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const forced = env.SESSION_DESK_TEST_CHROMIUM;
  if (forced && forced !== "bundled") throw new Error(`SESSION_DESK_TEST_CHROMIUM must be "bundled" or unset, not "${forced}".`);
  if (!forced) {
    if (env.CHROMIUM_PATH) {
      if (!existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which does not exist. Unset it to use ${DEBIAN_CHROMIUM} or the Chromium from npm.`);
      return { executablePath: env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
    }
    if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, source: "debian" };
  }
  npmChromium ??= unpackNpmChromium().catch((error: unknown) => {
    npmChromium = undefined;
    throw error;
  });
  return { executablePath: await npmChromium, source: "npm" };
}

async function unpackNpmChromium(): Promise<string> {
  // Imported only here: importing @sparticuz/chromium can change process.env (on Amazon Linux).
  let bundled: typeof import("@sparticuz/chromium").default;
  try {
    bundled = (await import("@sparticuz/chromium")).default;
  } catch (error) {
    throw new Error(`No Chromium at ${DEBIAN_CHROMIUM}, and the npm one (@sparticuz/chromium) is not installed: run npm install. (${error instanceof Error ? error.message : String(error)})`);
  }
  return bundled.executablePath();
}

/**
 * A desktop Chrome's user agent. Headless Chromium says "HeadlessChrome", which `isbot` (app/entry.server.tsx)
 * takes for a crawler: the server then renders the whole page, deferred data included, before its first
 * byte. Given this, a page is served as it is to staff, streamed.
 */
export const DESKTOP_CHROME_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** The browsers launched in this test file and not yet closed (their tabs: a test may open new ones). */
const openContexts = new Set<BrowserContext>();

/** Saves a screenshot of every open page (for a failed test: see tests/e2e/setup-failure-screenshots.ts). */
export async function screenshotOpenPages(name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  let index = 0;
  for (const page of [...openContexts].flatMap((context) => context.pages())) {
    if (page.isClosed()) continue;
    const suffix = index++ === 0 ? "" : `-${index}`;
    // A page stuck mid-navigation may not answer: the failure itself matters more than its picture.
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}${suffix}.png`), fullPage: true, timeout: 10_000 }).catch(() => undefined);
  }
}

export async function launchBrowser(options: { colorScheme?: "light" | "dark"; userAgent?: string } = {}): Promise<Browser> {
  const { executablePath } = await resolveChromium();
  const profile = mkdtempSync(path.join(tmpdir(), "session-desk-chromium-"));
  // The same flags for both builds. @sparticuz/chromium's own `args` are for AWS Lambda and include
  // --disable-web-security and --single-process, which would change what the tests check.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? "light",
    // As staff browse: with headless Chromium's own agent every page would take the crawler path (the
    // whole page rendered before its first byte), and no test would see the streamed page staff get.
    userAgent: options.userAgent ?? DESKTOP_CHROME_USER_AGENT,
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
  openContexts.add(context);
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
      openContexts.delete(context);
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
