/**
 * TRUST_PROXY=false (the default): X-Forwarded-For/-Host/-Proto from the peer are ignored, so rotating
 * X-Forwarded-For no longer gives an attacker a fresh client address per guess (the bypass of #16 §2),
 * and a forged X-Forwarded-Host/-Proto cannot change the origin the CSRF check expects or make the cookie Secure.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { advanceClock, freezeClock, resetClock } from "../../../app/staff/clock.server";
import { postForm } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { TRUST_PROXY: "false" } });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => freezeClock());
afterEach(() => resetClock());

let forged = 0;
/** A different X-Forwarded-For on every request, as the attacker sends it. */
const rotating = () => `198.18.${Math.floor(++forged / 250)}.${forged % 250}`;
const login = (fields: Record<string, string>, options: { clientAddress?: string; headers?: Record<string, string>; origin?: string } = {}) =>
  postForm(`${stack.url}/login`, fields, options);

describe("forwarded headers from a peer TRUST_PROXY does not name", () => {
  it("rotating X-Forwarded-For does not escape the per-(account, address) wait", async () => {
    const admin = await stack.createStaff("admin");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login({ email: admin.email, password: `guess-${i}` }, { clientAddress: rotating() })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it("rotating X-Forwarded-For does not escape the per-address slow-down when spraying many emails", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await login({ email: `spray-${i}@staff.test`, password: "Winter2026!" }, { clientAddress: rotating() })).status);
    // All of this file's requests come from one peer (127.0.0.1): its 20th failure, counting the earlier
    // test's, starts the wait, and every forged address after that waits too.
    const firstWait = statuses.indexOf(429);
    expect(firstWait).toBeGreaterThan(0);
    expect(firstWait).toBeLessThanOrEqual(20);
    expect(statuses.slice(0, firstWait).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(firstWait).every((status) => status === 429)).toBe(true);
    // Moving the clock past the wait lets one more guess through: slowed, never locked.
    advanceClock(1000);
    expect((await login({ email: "spray-x@staff.test", password: "Winter2026!" }, { clientAddress: rotating() })).status).toBe(401);
  });

  it("a forged X-Forwarded-Host and -Proto do not move the expected origin: a foreign page is still refused", async () => {
    advanceClock(3_600_000); // past the slow-down the tests above earned this peer
    const staff = await stack.createStaff("viewer");
    const forgedHeaders = { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" };
    const refused = await login({ email: staff.email, password: staff.password }, { origin: "https://evil.example", headers: forgedHeaders });
    expect(refused.status).toBe(403);
    // From our own origin the sign-in works, and the cookie is not Secure: the forged https is not believed.
    const signedIn = await login({ email: staff.email, password: staff.password }, { clientAddress: rotating(), headers: forgedHeaders });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.getSetCookie().find((line) => line.startsWith("sd_staff="))).not.toMatch(/; Secure/i);
  });
});
