/**
 * An admin requires two-step sign-in, in the browser: "Require it" on the staff page (two clicks), then a
 * password account without it is sent, right after its password, to the set-up page; it scans (the test
 * reads the key off the page and computes the code with otpauth), sees its recovery codes once, and only then
 * gets its session. Light and dark screenshots of the set-up page.
 *
 * Its own Session Desk (started as `npm start` starts it), not the suite's shared one: requiring two-step
 * sign-in there would send every other browser test's demo sign-in to the set-up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as OTPAuth from "otpauth";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";

const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;
const editor = DEMO_ACCOUNTS.find((account) => account.role === "editor")!;

let server: ServerProcess;
let dataDir: string;
let browser: Browser;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-e2e-totp-"));
  server = await startServerProcess({ dataDir });
  browser = await launchBrowser();
});

afterEach(() => {
  expect(browser.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("two-step sign-in required by an admin", () => {
  it("the admin turns it on; the editor sets it up right after the password and only then is signed in", async () => {
    const { page } = browser;
    const baseUrl = server.baseUrl;
    await signInAs(page, baseUrl, admin);
    await page.goto(`${baseUrl}/staff`);
    await page.waitForSelector("html[data-hydrated='true']", { state: "attached" });
    const setting = page.getByRole("region", { name: /Two-step sign-in for password accounts/ });
    await expect(setting.getByText("Optional").isVisible()).resolves.toBe(true);
    await setting.getByRole("button", { name: "Require it" }).click();
    await setting.getByRole("button", { name: "Confirm: require it for everyone" }).click();
    await page.getByTestId("toast").filter({ hasText: "Two-step sign-in is required for password accounts" }).waitFor();
    await expect(setting.getByText("Required", { exact: true }).isVisible()).resolves.toBe(true);
    // Disarmed again: one more click does not undo it.
    await expect(setting.getByRole("button", { name: "Stop requiring it" }).isVisible()).resolves.toBe(true);
    await page.getByText("required two-step sign-in for everyone who signs in with a password").waitFor();
    await browser.screenshot("totp-required-staff-page");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/login");

    await page.getByLabel("Email").fill(editor.email);
    await page.getByLabel("Password").fill(editor.password);
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.waitForURL((url) => url.pathname === "/login/enrol");
    await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
    await expect(page.getByTestId("signed-in-staff").count()).resolves.toBe(0);
    // No page opens yet: the password alone made no session.
    await page.goto(`${baseUrl}/audit`);
    await page.waitForURL((url) => url.pathname === "/login");
    await page.goto(`${baseUrl}/login/enrol`);
    await page.getByRole("img", { name: "QR code to add Session Desk to your authenticator app" }).waitFor();
    await browser.screenshot("totp-required-enrol-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await browser.screenshot("totp-required-enrol-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await page.waitForSelector("html[data-hydrated='true']", { state: "attached" });
    const secretText = (await page.getByTestId("totp-secret").innerText()).trim();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretText.replace(/\s/g, "")), algorithm: "SHA1", digits: 6, period: 30 });
    await page.getByLabel("Code from the app").fill(totp.generate());
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await page.getByRole("heading", { name: "Two-step sign-in is on" }).waitFor();
    await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").count()).resolves.toBe(10);
    await browser.screenshot("totp-required-recovery-codes");
    await page.getByRole("link", { name: "I have saved my recovery codes — continue" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await expect(page.getByTestId("signed-in-staff").innerText()).resolves.toContain(editor.displayName);
    expect(browser.consoleErrors).toEqual([]);
  });
});
