import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = { "~": fileURLToPath(new URL("./app", import.meta.url)) };

// Four suites, one runner: `npm test` runs them all.
// - unit: pure logic (app/json, parsers), no I/O
// - core: the bundled local core's contract tests (real supertokens-node SDK over HTTP)
// - integration: the dashboard's server modules against a local core and a real database (SQLite, and
//   PostgreSQL: TEST_POSTGRES_URL's server, or one from npm started for the run)
// - e2e: Chromium driven by playwright-core through the built app (Debian's /usr/bin/chromium when
//   present, else the one @sparticuz/chromium ships; see tests/helpers/browser.ts)
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts", "app/**/*.test.ts"], environment: "node" } },
      { resolve: { alias }, test: { name: "core", include: ["tests/core/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 } },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // The run's PostgreSQL: TEST_POSTGRES_URL's server, or else one from npm started for the run.
          globalSetup: ["tests/helpers/postgres-global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          setupFiles: ["tests/e2e/setup-failure-screenshots.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // Chromium instances are heavy on a 2-core machine: one browser file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
