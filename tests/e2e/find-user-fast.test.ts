/**
 * Finding the right person fast (issue 13 §3): a result row says who the user is (name, login methods,
 * tenants, sessions, when they joined) and opens the user wherever it is clicked; the start of an id,
 * an upper-case id and a phone number without its + find people; "google" points at provider:google;
 * a query longer than an email can be is answered in words beside the field.
 */
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Passwordless from "supertokens-node/recipe/passwordless/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import ThirdParty from "supertokens-node/recipe/thirdparty/index.js";
import UserMetadata from "supertokens-node/recipe/usermetadata/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const run = Date.now().toString(36);
const viewer = DEMO_ACCOUNTS.find((account) => account.role === "viewer")!;
const phone = `+49301234${String(Date.now() % 10_000).padStart(4, "0")}`;
let browser: Browser;
let adaId: string;
let phoneUserId: string;

beforeAll(async () => {
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: coreUrl, apiKey: inject("coreApiKey") || undefined },
    appInfo: { appName: "e2e-find-fast", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [Session.init(), EmailPassword.init(), ThirdParty.init(), Passwordless.init({ contactMethod: "EMAIL_OR_PHONE", flowType: "USER_INPUT_CODE" }), UserMetadata.init()],
  });
  const ada = await EmailPassword.signUp("public", `ada-${run}@example.com`, "Passw0rd-e2e");
  if (ada.status !== "OK") throw new Error(ada.status);
  adaId = ada.user.id;
  await UserMetadata.updateUserMetadata(adaId, { first_name: "Ada", last_name: `Lovelace ${run}` });
  for (let i = 0; i < 2; i++) await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(adaId), {}, { n: i });
  const google = await ThirdParty.manuallyCreateOrUpdateUser("public", "google", `g-${run}`, `grace-${run}@gmail.example`, true);
  if (google.status !== "OK") throw new Error(google.status);
  await UserMetadata.updateUserMetadata(google.user.id, { name: `Grace Hopper ${run}` });
  phoneUserId = (await Passwordless.signInUp({ tenantId: "public", phoneNumber: phone })).user.id;
  browser = await launchBrowser();
  await signInAs(browser.page, baseUrl, viewer);
});

afterEach(() => {
  expect(browser.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
  expect(browser.consoleErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

describe("finding the right person", () => {
  it("shows name, login methods, tenants, sessions and joined, and the whole row opens the user", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/?q=${encodeURIComponent(`ada-${run}`)}`);
    const row = page.locator(`tbody tr[data-user-id="${adaId}"]`);
    await row.waitFor();
    await expect(row.getByRole("link", { name: `Ada Lovelace ${run}` }).count()).resolves.toBe(1);
    await expect(row.locator("td[data-column='methods']").innerText()).resolves.toBe("Email & password");
    await expect(row.locator("td[data-column='tenants']").innerText()).resolves.toBe("public");
    await row.locator("[data-session-count='2']").waitFor();
    await expect(row.locator("td[data-column='sessions']").innerText()).resolves.toBe("2 sessions");
    await expect(row.locator("td[data-column='joined'] time").innerText()).resolves.toMatch(/now|minute/);
    await browser.screenshot("find-fast-result-row");
    // Anywhere on the row: the tenants cell is not a link of its own, yet a click on it opens the user.
    const box = (await row.locator("td[data-column='tenants']").boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForURL(`${baseUrl}/users/${adaId}`);
  });

  it("finds a user by the start of their id, and says how far it looked", async () => {
    const { page } = browser;
    const prefix = adaId.slice(0, 6);
    await page.goto(`${baseUrl}/?q=${prefix}`);
    await page.locator(`tbody tr[data-user-id="${adaId}"]`).waitFor();
    await expect(page.getByTestId("id-scan-note").innerText()).resolves.toMatch(new RegExp(`User ids starting with “${prefix}”: all [\\d,]+ users checked`));
    await browser.screenshot("find-fast-id-prefix");
  });

  it("opens a user from an upper-case id", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/?q=${adaId.toUpperCase()}`);
    await page.waitForURL(`${baseUrl}/users/${adaId}`);
  });

  it("finds a phone number typed without its +", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/`);
    await page.getByLabel("Search").fill(phone.slice(1));
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=49/);
    // The URL changes a moment before the results replace the newest-users list (which
    // holds this recent user too), so wait for what a person reads: the results heading.
    await page.getByRole("heading", { name: `1 match for “${phone.slice(1)}”` }).waitFor();
    await page.locator(`tbody tr[data-user-id="${phoneUserId}"]`).waitFor();
    await expect(page.locator("tbody tr").count()).resolves.toBe(1);
    await expect(page.locator(`tbody tr[data-user-id="${phoneUserId}"] td[data-column='methods']`).innerText()).resolves.toBe("Passwordless");
    await browser.screenshot("find-fast-phone-without-plus");
  });

  it("points a plain provider name at provider:", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/?q=google`);
    const hint = page.getByTestId("provider-hint");
    await hint.waitFor();
    await browser.screenshot("find-fast-provider-hint");
    await hint.getByRole("link", { name: "provider:google" }).click();
    await page.waitForURL(/q=provider%3Agoogle/);
    await page.getByRole("link", { name: `Grace Hopper ${run}` }).waitFor();
    await expect(page.locator("tbody tr", { hasText: `Grace Hopper ${run}` }).locator("td[data-column='methods']").innerText()).resolves.toBe("Google");
  });

  it("says in words, beside the field, that a 600-character query is too long", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/`);
    await page.getByRole("searchbox", { name: "Search" }).fill("x".repeat(600));
    await page.keyboard.press("Enter");
    const problem = page.getByRole("alert");
    await problem.waitFor();
    const text = await problem.innerText();
    expect(text).toContain("That search is 600 characters long; the limit is 320");
    expect(text).not.toMatch(/String must contain/);
    await expect(page.getByRole("searchbox", { name: "Search" }).getAttribute("aria-describedby")).resolves.toBe("user-search-problem");
    await browser.screenshot("find-fast-too-long");
  });

  it("looks calm in dark mode", async () => {
    const dark = await launchBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, baseUrl, viewer);
      await dark.page.goto(`${baseUrl}/?q=${encodeURIComponent(`ada-${run}`)}`);
      await dark.page.locator("[data-session-count='2']").waitFor();
      await dark.screenshot("find-fast-result-row-dark");
      await dark.page.goto(`${baseUrl}/?q=google`);
      await dark.page.getByTestId("provider-hint").waitFor();
      await dark.screenshot("find-fast-provider-hint-dark");
      expect(dark.foreignRequests).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
