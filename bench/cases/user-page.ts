/**
 * Time until the user page of a user with 10,000 sessions is interactive in Chromium: from navigation
 * start until the sessions table is hydrated and its filter box answers, with the server loading all 10,000 sessions from the core.
 * Reported with the server's share (the same load through the dashboard's own function) as its floor.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_ACCOUNTS } from "../../app/staff/demo.server";
import { DESKTOP_CHROME_USER_AGENT, launchBrowser, signInAs } from "../../tests/helpers/browser";
import { startServerProcess } from "../../tests/helpers/server-process";
import { createUserWithSessionsOverHttp } from "../sdk";
import { median } from "../timing";

export async function benchUserPage(report: (r: Record<string, string | number>) => void, options: { sessions: number; repeats: number }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-bench-"));
  // The server says "Session Desk is ready" at info level: not the bench's own quiet level (bench/quiet-logs.ts).
  const server = await startServerProcess({ dataDir, env: { LOG_LEVEL: "info" } });
  // As staff's browsers are served: headless Chromium's own user agent gets the crawler's whole-page render.
  const browser = await launchBrowser({ userAgent: DESKTOP_CHROME_USER_AGENT });
  try {
    const userId = await createUserWithSessionsOverHttp(server.coreUrl, `bench-page-${options.sessions}@example.com`, options.sessions, server.coreApiKey);
    const admin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;
    await signInAs(browser.page, server.baseUrl, admin);
    const samples: number[] = [];
    let serverMs = 0;
    for (let i = 0; i < options.repeats + 1; i++) {
      const started = performance.now();
      await browser.page.goto(`${server.baseUrl}/users/${userId}`, { waitUntil: "commit", timeout: 120_000 });
      await browser.page.waitForSelector("[data-sessions-table][data-interactive='true']", { timeout: 120_000 });
      await browser.page.getByLabel("Filter sessions").fill("pro", { timeout: 180_000 });
      await browser.page
        .getByText(/sessions match/)
        .waitFor({ timeout: 60_000 })
        .catch(async (error: unknown) => {
          // Say what the page showed instead: a bench that fails should be debuggable from its output.
          const shown = await browser.page.locator("body").innerText().catch(() => "(page unreadable)");
          throw new Error(`the filtered count never showed (load ${i + 1}); the page said:\n${shown.slice(0, 2000)}`, { cause: error });
        });
      const elapsed = performance.now() - started;
      const timing = await browser.page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        return nav.responseStart - nav.requestStart;
      });
      if (i > 0) samples.push(elapsed); // the first load warms the server and the browser cache
      serverMs = timing;
    }
    await browser.screenshot(`bench-user-page-${options.sessions}`);
    report({ case: "user-page-interactive", sessions: options.sessions, interactive_ms: median(samples), server_first_byte_ms: serverMs });
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
