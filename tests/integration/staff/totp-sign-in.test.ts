/**
 * Two-step sign-in (TOTP) with Session Desk's store in SQLite; the same scenarios run on PostgreSQL in
 * totp-sign-in-postgres.test.ts (tests/integration/staff/totp-scenarios.ts).
 */
import { afterAll, beforeAll } from "vitest";
import { startTestStack, type TestStack } from "../../helpers/stack";
import { totpScenarios } from "./totp-scenarios";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

totpScenarios(() => stack);
