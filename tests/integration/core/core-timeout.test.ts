/**
 * CORE_TIMEOUT_MS (#16 §3): a core that stalls longer than the timeout (the local core's latency fault)
 * gives the outage page with the cause at once, instead of hanging the request; both transports give up
 * (the pooled undici client and the SDK's own fetch); the dashboard recovers when the core answers again.
 * The timeout is small here (400 ms) and the stall long (5 s), so nothing depends on exact timing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCoreTransport, CoreTimeoutError, exactJsonFetch } from "../../../app/core/transport.server";
import { getPage, signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";

const TIMEOUT_MS = 400;
const STALL_MS = 5_000;
let stack: TestStack;
let cookie: string;
let userId: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { CORE_TIMEOUT_MS: String(TIMEOUT_MS) } });
  cookie = await signIn(stack, "viewer");
  ({ userId } = await createCoreUserWithSession(stack));
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => stack.core.faults.clear());

const stall = () => stack.core.faults.set({ endpoints: { "*": { latencyMs: STALL_MS } } });

describe("a core that stalls longer than CORE_TIMEOUT_MS", () => {
  it("shows the outage page with the cause (the core did not answer within the timeout), then recovers", async () => {
    expect((await getPage(`${stack.url}/users/${userId}`, { cookie })).status).toBe(200);
    stall();
    const response = await getPage(`${stack.url}/users/${userId}`, { cookie });
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html).toContain("Session Desk cannot reach its SuperTokens core");
    expect(html).toContain(`did not answer within ${TIMEOUT_MS} ms (CORE_TIMEOUT_MS)`);
    expect(html).toContain(stack.coreUrl);
    expect(html).not.toMatch(/at \S+ \(.*:\d+:\d+\)/);
    stack.core.faults.clear();
    expect((await getPage(`${stack.url}/users/${userId}`, { cookie })).status).toBe(200);
  });

  it("the pooled transport gives up with a CoreTimeoutError (not a connection failure the SDK would fail over on)", async () => {
    const transport = createCoreTransport([stack.coreUrl], fetch as never, { timeoutMs: TIMEOUT_MS });
    try {
      stall();
      const error = await transport.fetch(`${stack.coreUrl}/hello`, { method: "GET", headers: { "cdi-version": "5.4" } }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CoreTimeoutError);
      expect((error as Error).message).toBe(`The SuperTokens core did not answer within ${TIMEOUT_MS} ms (CORE_TIMEOUT_MS).`);
      expect((error as Error).message).not.toMatch(/fetch failed|ECONNREFUSED/);
      stack.core.faults.clear();
      const answer = (await transport.fetch(`${stack.coreUrl}/hello`, { method: "GET" })) as { status: number };
      expect(answer.status).toBe(200);
    } finally {
      await transport.close();
    }
  });

  it("the SDK's own fetch (CORE_TRANSPORT=fetch) gives up the same way", async () => {
    const viaFetch = exactJsonFetch(fetch as never, TIMEOUT_MS);
    stall();
    const error = await viaFetch(`${stack.coreUrl}/hello`, { method: "GET" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CoreTimeoutError);
    stack.core.faults.clear();
    expect(((await viaFetch(`${stack.coreUrl}/hello`, { method: "GET" })) as { status: number }).status).toBe(200);
  });
});
