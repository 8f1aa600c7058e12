/**
 * A bulk run across users as support does it, in Chromium against a real Session Desk: an admin pastes
 * a list from a ticket (one email matches nobody), reads the dry run (the unknown email reported first,
 * the run waiting for a second admin because it is above BULK_APPROVAL_THRESHOLD, which the browser
 * tests' server sets to 5), cannot approve it herself; a second admin approves it; she applies it, reads
 * the per-user report and downloads the CSV.
 */
import { readFileSync } from "node:fs";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { launchBrowser, signInAs, type Browser } from "../helpers/browser";
import { initAppSdk } from "./app-sdk";

const baseUrl = inject("baseUrl");
const coreUrl = inject("coreUrl");
const run = Date.now().toString(36);
const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;
const second = { email: `second-admin-${run}@desk.test`, password: "Vq7!rTz2#Lm9@pXw4sKd" };
const emails = ["ann", "ben", "cy"].map((name) => `${name}-${run}@globex.com`);
const unknownEmail = `nobody-${run}@globex.com`;
let ada: Browser;
let other: Browser;
const handles: string[] = [];

beforeAll(async () => {
  initAppSdk(coreUrl);
  for (const [i, email] of emails.entries()) {
    const signUp = await EmailPassword.signUp("public", email, "Passw0rd-e2e");
    if (signUp.status !== "OK") throw new Error(signUp.status);
    // cy already has the flag on one of her sessions: "already so" for that one.
    for (let k = 0; k < 2; k++) {
      const session = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(signUp.user.id), {}, { cart: `c-${i}-${k}`, featureFlags: { newCheckout: i === 2 && k === 0 } });
      handles.push(session.getHandle());
    }
  }
  ada = await launchBrowser();
  await signInAs(ada.page, baseUrl, admin);
});

afterEach(() => {
  expect(ada.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
  if (other) expect(other.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
});

afterAll(async () => {
  await ada?.close();
  await other?.close();
});

describe("bulk across users", () => {
  it("paste a list with an unknown email, dry run, approval by a second admin, apply, per-user report, CSV", async () => {
    const { page } = ada;
    // A second admin, made on the staff page.
    await page.goto(`${baseUrl}/staff`);
    await page.locator("#new-email").fill(second.email);
    await page.locator("#new-name").fill("Sam Second");
    await page.locator("#new-role").selectOption("admin");
    await page.locator("#new-password").fill(second.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText(second.email).first().waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bulk" }).click();
    await page.waitForURL(`${baseUrl}/bulk`);
    await page.getByRole("link", { name: "New run across users" }).click();
    await page.waitForURL(`${baseUrl}/bulk/new`);
    await page.getByLabel("Key path").fill("featureFlags.newCheckout");
    await page.getByLabel("Value (JSON)").fill("true");
    await page.getByLabel("Paste the list").fill([emails[0], unknownEmail, emails[1], emails[2]].join("\n"));
    await page.getByLabel(/^Reason/).fill("Ticket #4711: new checkout for Globex");
    await ada.screenshot("bulk-across-form");
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.waitForURL(/\/bulk\/across\/[0-9a-f]+$/);
    const runUrl = page.url();

    // The unknown email is reported first; the run waits for a second admin, and Ada cannot approve it.
    const unresolved = page.getByRole("region", { name: /matched no user or more than one/ });
    await expect(unresolved.locator(`[data-entry="${unknownEmail}"]`).textContent()).resolves.toContain("No user");
    await expect(page.getByTestId("approval").textContent()).resolves.toContain("Waiting for a second admin’s approval");
    await page.getByTestId("cannot-approve").waitFor();
    await expect(page.getByRole("button", { name: "Apply — waiting for approval" }).isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId("users-summary").textContent()).resolves.toContain("3 matched from a list of 4 entries · 1 left out");
    await expect(page.locator('[data-count="will-change"] span').nth(1).textContent()).resolves.toBe("5");
    await ada.screenshot("bulk-across-dry-run");

    // The second admin approves it from the admins' list.
    other = await launchBrowser({ colorScheme: "dark" });
    await signInAs(other.page, baseUrl, second);
    await other.page.goto(`${baseUrl}/bulk`);
    await other.page.getByText("Awaiting your approval").first().waitFor();
    await other.page.goto(runUrl);
    await other.page.getByLabel("Note for the audit trail (optional)").fill("Checked against ticket #4711");
    await other.page.getByRole("button", { name: "Approve this run" }).click();
    await other.page.getByText("Run approved").first().waitFor();
    await expect(other.page.getByTestId("approval").textContent()).resolves.toContain(`Approved by Sam Second (${second.email})`);
    await other.screenshot("bulk-across-approved");

    // Ada applies it and reads the per-user report.
    await page.goto(runUrl);
    await page.getByRole("button", { name: "Apply — write 5 sessions" }).click();
    await page.locator('[data-run-status="completed"]').first().waitFor({ timeout: 60_000 });
    await page.getByRole("navigation", { name: "Report views" }).getByRole("link", { name: "Per user", exact: true }).click();
    const report = page.getByRole("region", { name: "Per-user report" });
    await report.locator('[data-verdict="written"]').first().waitFor();
    await expect(report.locator("tbody tr").count()).resolves.toBe(3);
    await expect(report.getByRole("row", { name: new RegExp(emails[2]!.replace(".", "\\.")) }).textContent()).resolves.toContain("1 written · 1 already so");
    await ada.screenshot("bulk-across-report");

    // The CSV of the report, as downloaded.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download report per user (CSV)" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
    expect(csv[0]).toMatch(/^"entry","found by","resolution"/);
    expect(csv).toHaveLength(5);
    expect(csv[2]).toContain(`"${unknownEmail}","email","No user"`);
    expect(csv[1]).toContain(`,2,"Written",2,`);

    for (const handle of handles) expect((await Session.getSessionInformation(handle))!.sessionDataInDatabase).toMatchObject({ featureFlags: { newCheckout: true } });
    expect(ada.consoleErrors).toEqual([]);
  });
});
