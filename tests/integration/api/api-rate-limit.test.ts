/** The per-token rate limit (API_RATE_LIMIT_PER_MINUTE, here 3): the 4th request in a minute is a 429 with Retry-After; another token is unaffected. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: "3" } });
});

afterAll(async () => {
  await stack?.stop();
});

it("limits each token on its own, with 429 and Retry-After", async () => {
  const { createApiToken } = await import("../../../app/api/tokens.server");
  const staff = await stack.createStaff("viewer");
  const make = async (name: string) => (await createApiToken({ staff: { ...staff }, name, scope: "read", expiresInDays: 7 })).token;
  const [busy, other] = [await make("busy"), await make("other")];
  const call = (token: string) => fetch(`${stack.url}/api/v1/audit`, { headers: { Authorization: `Bearer ${token}` } });
  for (let i = 0; i < 3; i++) expect((await call(busy)).status).toBe(200);
  const limited = await call(busy);
  expect(limited.status).toBe(429);
  expect(limited.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(limited.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await limited.json()).toMatchObject({ type: "/api/docs#problem-rate-limited", status: 429 });
  expect((await call(other)).status).toBe(200);
});
