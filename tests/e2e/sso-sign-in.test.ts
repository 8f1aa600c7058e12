/**
 * SSO as a person does it, in Chromium: "Sign in with Test IdP" on Session Desk's sign-in page, the
 * provider's own sign-in page (a real OpenID provider, tests/helpers/oidc-provider.ts), back signed in with
 * the role from their groups; the staff page shows how they sign in; signing out goes through the
 * provider's sign-out and back to /login. A person with no mapped group sees the refusal page.
 *
 * Its own Session Desk (started as `npm start` starts it, pointed at the provider), not the suite's shared one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type Browser } from "../helpers/browser";
import { startTestIdentityProvider, TEST_PROVIDER_NAME, type TestIdentityProvider } from "../helpers/oidc-provider";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";

let idp: TestIdentityProvider;
let server: ServerProcess;
let dataDir: string;
let browser: Browser;

const admin = { login: "ada", password: "ada-idp-password", email: "ada@company.test", name: "Ada Lovelace", groups: ["support", "desk-admins"] };
const outsider = { login: "oscar", password: "oscar-idp-password", email: "oscar@company.test", name: "Oscar Outsider", groups: ["marketing"] };

beforeAll(async () => {
  idp = await startTestIdentityProvider({ people: [admin, outsider] });
  dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-e2e-sso-"));
  // NODE_ENV=test: the provider is on plain http://127.0.0.1, which only a non-production Session Desk accepts.
  server = await startServerProcess({ dataDir, env: idp.appEnv({ NODE_ENV: "test" }) });
  idp.registerApp(server.baseUrl);
  browser = await launchBrowser();
});

afterEach(() => {
  expect(browser.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await idp?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function signInAtTheProvider(person: { login: string; password: string }) {
  const { page } = browser;
  await page.goto(`${server.baseUrl}/login`);
  await page.getByRole("button", { name: `Sign in with ${TEST_PROVIDER_NAME}` }).click();
  await page.waitForURL((url) => url.origin === idp.issuer && url.pathname.startsWith("/interaction/"));
  await page.getByLabel("Username").fill(person.login);
  await page.getByLabel("Password").fill(person.password);
}

describe("SSO sign-in in the browser", () => {
  it("signs in through the provider's page with the role from the groups, shows it on the staff page, and signs out there too", async () => {
    const { page } = browser;
    await page.goto(`${server.baseUrl}/login`);
    await expect(page.getByRole("button", { name: `Sign in with ${TEST_PROVIDER_NAME}` }).isVisible()).resolves.toBe(true);
    await browser.screenshot("sso-login-page");

    await signInAtTheProvider(admin);
    await browser.screenshot("sso-provider-sign-in");
    await page.getByRole("button", { name: "Sign in to Test IdP" }).click();
    await page.waitForURL((url) => url.origin === server.baseUrl && url.pathname === "/");
    await expect(page.getByText(admin.name).first().isVisible()).resolves.toBe(true);

    await page.goto(`${server.baseUrl}/staff`);
    const row = page.getByRole("row").filter({ hasText: admin.email });
    await expect(row.getByText(`SSO · ${TEST_PROVIDER_NAME}`).isVisible()).resolves.toBe(true);
    await expect(row.getByText("(from groups)").isVisible()).resolves.toBe(true);
    await expect(row.getByText("admin").first().isVisible()).resolves.toBe(true);
    await expect(page.getByRole("row").filter({ hasText: "admin@demo.session-desk.local" }).getByText("Password").isVisible()).resolves.toBe(true);
    await browser.screenshot("sso-staff-page");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await expect(page.getByRole("heading", { name: "Sign out of Test IdP?" }).isVisible()).resolves.toBe(true);
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await page.waitForURL((url) => url.origin === server.baseUrl && url.pathname === "/login");
    await expect(page.getByRole("button", { name: `Sign in with ${TEST_PROVIDER_NAME}` }).isVisible()).resolves.toBe(true);
    // Signed out of Session Desk: a page needs signing in again.
    await page.goto(`${server.baseUrl}/staff`);
    await page.waitForURL((url) => url.pathname === "/login");
  });

  it("a person with no mapped group sees why, with the way back, and is not signed in", async () => {
    const { page } = browser;
    await signInAtTheProvider(outsider);
    await page.getByRole("button", { name: "Sign in to Test IdP" }).click();
    await page.waitForURL((url) => url.origin === server.baseUrl && url.pathname === "/sso/callback");
    await expect(page.getByRole("heading", { name: "No access to Session Desk" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("none of your groups");
    await browser.screenshot("sso-no-access");
    await page.getByRole("link", { name: "Back to sign-in" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
  });
});
