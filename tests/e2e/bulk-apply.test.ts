/**
 * Bulk apply as a support person does it, in Chromium against a real Session Desk: from the user page,
 * describe the change (live validation of the key path and the JSON value), read the dry run's counts,
 * apply and watch the progress bar move, read the per-session report, then "Retry failed" through a
 * fresh dry run. The core is slowed down (so the bar is seen moving) and, for a few seconds mid-run,
 * refuses every write (so some sessions fail after their retries).
 */
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
const SESSIONS = 240;
let browser: Browser;
let userId: string;
let handles: string[] = [];
let runUrl = "";

/** i % 40 === 7: featureFlags is a string (cannot apply); i % 10 === 0: beta already true. */
function dataFor(i: number): Record<string, unknown> {
  if (i % 40 === 7) return { featureFlags: "off", n: i };
  return { featureFlags: { beta: i % 10 === 0, alpha: true }, n: i, "cart.id": `c-${i}` };
}

async function setFaults(config: unknown) {
  const response = await fetch(`${coreUrl}/_local-core/faults`, { method: "PUT", headers: { "content-type": "application/json", "api-key": inject("coreApiKey") }, body: JSON.stringify(config) });
  if (!response.ok) throw new Error(`faults: HTTP ${response.status}`);
}

beforeAll(async () => {
  initAppSdk(coreUrl);
  const signUp = await EmailPassword.signUp("public", `e2e-bulk-${run}@example.com`, "Passw0rd-e2e");
  if (signUp.status !== "OK") throw new Error(signUp.status);
  userId = signUp.user.id;
  for (let i = 0; i < SESSIONS; i++) {
    const session = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), {}, dataFor(i));
    handles.push(session.getHandle());
  }
  browser = await launchBrowser();
  await signInAs(browser.page, baseUrl, admin);
});

afterEach(async () => {
  await setFaults({});
  expect(browser.foreignRequests, "requests outside 127.0.0.1").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

const count = async (name: string) => Number((await browser.page.locator(`[data-count="${name}"] span`).nth(1).textContent())?.replace(/,/g, ""));

async function waitForStatus(status: string, timeoutMs = 60_000) {
  await browser.page.locator(`[data-run-status="${status}"]`).first().waitFor({ timeout: timeoutMs });
}

describe("bulk apply as a support person", () => {
  it("describes the change, reads the dry run, applies with a moving progress bar, reads the report, retries the failed", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/users/${userId}`);
    await page.getByRole("link", { name: "Apply to sessions" }).click();
    await page.waitForURL(`${baseUrl}/users/${userId}/bulk`);

    // The form checks as you type.
    await page.getByLabel("Key path").fill("featureFlags..beta");
    await expect(page.getByText("a key is missing").count()).resolves.toBeGreaterThan(0);
    await page.getByLabel("Key path").fill("featureFlags.beta");
    await expect(page.getByTestId("key-path-preview").textContent()).resolves.toContain("/featureFlags/beta");
    await page.getByLabel("Value (JSON)").fill("tru");
    await page.getByTestId("value-error").waitFor();
    await page.getByLabel("Value (JSON)").fill("true");
    await expect(page.getByTestId("value-preview").textContent()).resolves.toBe("Valid JSON: true (a boolean)");
    await page.getByLabel(/Reason/).fill("Ticket #6: beta for this customer");
    await browser.screenshot("bulk-1-describe");
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.waitForURL(/\/bulk\/runs\/[0-9a-f]+$/);
    const dryRunUrl = page.url();

    // The dry run's counts: 240 sessions; 6 cannot take the change, 24 already have it.
    await expect(count("will-change")).resolves.toBe(210);
    await expect(count("already-so")).resolves.toBe(24);
    await expect(count("error")).resolves.toBe(6);
    await expect(count("ended")).resolves.toBe(0);
    await expect(page.locator("tbody tr[data-plan='will-change']").first().textContent()).resolves.toContain("~ featureFlags.beta false → true");
    await browser.screenshot("bulk-2-dry-run");
    await page.locator("[data-count='error']").click();
    await page.waitForURL(/show=error/);
    // The URL changes before the new rows render: wait for the rows themselves.
    await page.locator("tbody tr[data-plan='error']").first().waitFor();
    await expect(page.locator("tbody tr[data-plan='will-change']").count()).resolves.toBe(0);
    await expect(page.locator("tbody tr").first().textContent()).resolves.toContain("featureFlags is a string, not an object, so beta cannot be set inside it");

    // Apply, with the core slowed down so the bar is seen moving.
    await setFaults({ latencyMs: 150 });
    await page.getByRole("button", { name: "Apply — write 210 sessions" }).click();
    const bar = page.getByRole("progressbar", { name: "Sessions done" });
    await bar.waitFor();
    const seen = new Set<number>();
    const started = Date.now();
    while (seen.size < 4 && Date.now() - started < 30_000) {
      seen.add(Number(await bar.getAttribute("aria-valuenow")));
      await page.waitForTimeout(150);
    }
    expect(seen.size, `progress values seen: ${[...seen].join(", ")}`).toBeGreaterThanOrEqual(4);
    expect(Math.max(...seen)).toBeLessThan(SESSIONS);
    // The rows keep up with the counts while the run goes on (the page reloads as sessions finish).
    await page.locator("tbody tr[data-outcome='written']").first().waitFor({ timeout: 2_000 });
    await expect(page.locator("[data-run-status]").first().getAttribute("data-run-status")).resolves.toBe("running");
    // For a few seconds every write fails, and fast: the sessions caught in it use up their retries, which
    // the adaptive limit lets through one at a time once it has halved down to 1 (#14 §3). Begun before
    // the screenshot, which can take longer than the rest of the run.
    await setFaults({ latencyMs: 10, endpoints: { "PUT /recipe/session/data": { failureRate: 1, kinds: ["500"] } } });
    await browser.screenshot("bulk-3-running");
    await page.waitForTimeout(8_000);
    await setFaults({ latencyMs: 10 });
    await waitForStatus("completed");

    // The report: every session has an outcome.
    const written = await count("written");
    const failed = await count("failed");
    expect(failed).toBeGreaterThan(6);
    expect(written + failed + (await count("already-so"))).toBe(SESSIONS);
    await expect(count("pending")).resolves.toBe(0);
    await expect(page.getByTestId("retries").textContent()).resolves.toMatch(/^[1-9]\d* retr/);
    await browser.screenshot("bulk-4-report");
    await page.locator("[data-count='failed']").click();
    await page.waitForURL(/show=failed/);
    await page.waitForFunction((n) => document.querySelectorAll("tbody tr[data-outcome='failed']").length === n && !document.querySelector("tbody tr:not([data-outcome='failed'])"), Math.min(failed, 50));
    await expect(page.locator("tbody").textContent()).resolves.toMatch(/HTTP 500/);

    // Retry failed: a fresh dry run of just those sessions, then apply it.
    await page.getByRole("button", { name: `Retry failed (${failed})` }).click();
    await page.waitForURL((url) => /\/bulk\/runs\/[0-9a-f]+$/.test(url.pathname) && url.href !== dryRunUrl);
    // The URL changes before the new run renders, and the finished run's page has counts too:
    // wait for the new page's dry-run section (the finished run's page has none) before reading them.
    await page.getByRole("region", { name: "Dry run", exact: true }).waitFor();
    await expect(count("will-change")).resolves.toBe(failed - 6);
    await expect(count("error")).resolves.toBe(6);
    await browser.screenshot("bulk-5-retry-dry-run");
    await page.getByRole("button", { name: `Apply — write ${failed - 6} sessions` }).click();
    await waitForStatus("completed");
    await expect(count("written")).resolves.toBe(failed - 6);
    await browser.screenshot("bulk-6-retry-report");

    // The audit trail has the run as a whole, finished, above its per-session entries.
    await page.getByRole("link", { name: "Audit entries of this run" }).click();
    await page.waitForURL(/\/audit\?run=/);
    const runRow = page.locator("tbody tr", { hasText: "Bulk apply run" });
    // The URL changes before the client-side navigation has rendered the new page: wait for the row.
    await runRow.first().waitFor();
    await expect(runRow.count()).resolves.toBe(1);
    await expect(runRow.locator("[data-outcome]").textContent()).resolves.toBe("Completed");
    await browser.screenshot("bulk-6b-audit-of-run");

    // What the app would now read: beta is true wherever it could be set; nothing else changed.
    for (const [i, handle] of handles.entries()) {
      const info = await Session.getSessionInformation(handle);
      const expected = i % 40 === 7 ? dataFor(i) : { ...dataFor(i), featureFlags: { beta: true, alpha: true } };
      expect(info?.sessionDataInDatabase, `session ${i}`).toEqual(expected);
    }

    // Both runs are listed on the user page.
    await page.goto(`${baseUrl}/users/${userId}`);
    await expect(page.locator("[aria-labelledby='bulk-runs-heading'] tbody tr").count()).resolves.toBe(2);
    await browser.screenshot("bulk-7-user-page-runs");
  });

  it("deletes a key with a dot in it from the rows ticked in the table", async () => {
    const { page } = browser;
    const picked = [handles[1]!, handles[2]!];
    await page.goto(`${baseUrl}/users/${userId}`);
    await page.waitForSelector("[data-sessions-table][data-interactive='true']");
    // The table is virtualised: filter it down to each row, then tick it (the selection survives filtering).
    for (const handle of picked) {
      await page.getByLabel("Filter sessions").fill(handle);
      await page.getByLabel(`Select session ${handle}`).check();
    }
    await page.getByRole("button", { name: "Apply to 2 selected" }).click();
    // A client-side navigation, polled in the page (waitForURL can miss it while the user page still streams).
    await page.waitForFunction(() => /\/bulk\?selection=[0-9a-f]{32}$/.test(location.href));
    await expect(page.getByLabel(/The 2 selected in the table/).isChecked()).resolves.toBe(true);
    await page.getByLabel("Key path").fill('["cart.id"]');
    await page.getByLabel("Delete the key").check();
    await page.getByLabel(/Reason/).fill("Ticket #7: drop the stale cart ids");
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.waitForURL(/\/bulk\/runs\/[0-9a-f]+$/);
    await expect(count("will-change")).resolves.toBe(2);
    await expect(page.locator("tbody").textContent()).resolves.toContain(`− ["cart.id"] "c-1"`);
    await page.getByRole("button", { name: "Apply — write 2 sessions" }).click();
    await waitForStatus("completed");
    await expect(count("written")).resolves.toBe(2);
    for (const [index, handle] of picked.entries()) {
      const info = await Session.getSessionInformation(handle);
      const { "cart.id": _removed, ...rest } = dataFor(index + 1);
      expect(info?.sessionDataInDatabase).toEqual({ ...rest, featureFlags: { beta: true, alpha: true } });
    }
    await expect((await Session.getSessionInformation(handles[4]!))?.sessionDataInDatabase).toHaveProperty(["cart.id"], "c-4");
    runUrl = page.url();
  });

  it("a viewer sees a run read-only (dark mode)", async () => {
    const viewer = DEMO_ACCOUNTS.find((account) => account.role === "viewer")!;
    const dark = await launchBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, baseUrl, viewer);
      await dark.page.goto(runUrl);
      await dark.page.getByText("Read-only: applying, cancelling and retrying need the admin role.").waitFor();
      await expect(dark.page.getByRole("button").filter({ hasText: /Retry|Apply|Cancel|dry run/ }).count()).resolves.toBe(0);
      await expect(dark.page.getByRole("progressbar", { name: "Sessions done" }).getAttribute("aria-valuenow")).resolves.toBe("2");
      await dark.screenshot("bulk-8-viewer-dark");
      expect(dark.foreignRequests).toEqual([]);
    } finally {
      await dark.close();
    }
  });
});
