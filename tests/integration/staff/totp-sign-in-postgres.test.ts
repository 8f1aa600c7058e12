/**
 * Two-step sign-in (TOTP) with Session Desk's store in PostgreSQL (a fresh database on the run's
 * server): the same scenarios as totp-sign-in.test.ts (tests/integration/staff/totp-scenarios.ts).
 */
import { afterAll, beforeAll } from "vitest";
import { createPostgresDatabase } from "../../helpers/databases";
import { startTestStack, type TestStack } from "../../helpers/stack";
import { totpScenarios } from "./totp-scenarios";

let stack: TestStack;
let database: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  database = await createPostgresDatabase();
  stack = await startTestStack({ env: { DATABASE_URL: database.url } });
});
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

totpScenarios(() => stack);
