/**
 * A core that stops answering: every page that needs it shows the clear 503 page (core URL, cause, what to
 * do — never a stack trace), and the dashboard recovers by itself when the core answers again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let cookie: string;
let userId: string;

beforeAll(async () => {
  stack = await startTestStack();
  cookie = await signIn(stack, "viewer");
  const response = await fetch(`${stack.coreUrl}/public/recipe/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", "cdi-version": "5.4" },
    body: JSON.stringify({ email: "outage@example.com", password: "Passw0rd-x" }),
  });
  userId = ((await response.json()) as { user: { id: string } }).user.id;
});

afterAll(async () => {
  await stack?.stop();
});

describe("when the core is down", () => {
  it("works normally while the core answers, with the status badge", async () => {
    const response = await getPage(`${stack.url}/users/${userId}`, { cookie });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Bundled demo core");
    expect(html).toContain(stack.coreUrl);
    expect(html).toContain("reachable");
  });

  it("answers 503 with the core URL, the cause and what to do", async () => {
    stack.core.faults.set({ endpoints: { "*": { failureRate: 1, kinds: ["drop"] } } });
    try {
      for (const path of ["/", `/users/${userId}`]) {
        const response = await getPage(`${stack.url}${path}`, { cookie });
        expect(response.status, path).toBe(503);
        const html = await response.text();
        expect(html).toContain("Session Desk cannot reach its SuperTokens core");
        expect(html).toContain(stack.coreUrl);
        expect(html).toMatch(/cannot be reached/);
        expect(html).toMatch(/Restart Session Desk|SUPERTOKENS_CONNECTION_URI/);
        expect(html).toContain("Retry");
        expect(html).not.toMatch(/at \S+ \(.*:\d+:\d+\)/); // no stack trace
      }
    } finally {
      stack.core.faults.clear();
    }
  });

  it("recovers by itself when the core answers again", async () => {
    const response = await getPage(`${stack.url}/users/${userId}`, { cookie });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("outage@example.com");
  });

  it("treats a core answering 500 on one call as a failed call with a retry, not an outage", async () => {
    stack.core.faults.set({ endpoints: { "GET /recipe/session/user": { failureRate: 1, kinds: ["500"] } } });
    try {
      // The user page shows the user (read before the sessions) and the failed session list in place.
      const response = await getPage(`${stack.url}/users/${userId}`, { cookie });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain("outage@example.com");
      expect(html).toContain("The sessions could not be read from the core");
      expect(html).toContain("answered HTTP 500");
      expect(html).toMatch(/Try again in a moment; nothing was changed/);
      expect(html).toContain("Retry");
      expect(html).not.toMatch(/at \S+ \(.*:\d+:\d+\)/);
    } finally {
      stack.core.faults.clear();
    }
  });

  it("answers a search whose core call fails with 502, the core's answer and a retry", async () => {
    stack.core.faults.set({ endpoints: { "GET /users": { failureRate: 1, kinds: ["500"] } } });
    try {
      const response = await getPage(`${stack.url}/?q=outage`, { cookie });
      expect(response.status).toBe(502);
      const html = await response.text();
      expect(html).toContain("The SuperTokens core could not complete this request");
      expect(html).toContain("answered HTTP 500");
      expect(html).toContain("Retry");
    } finally {
      stack.core.faults.clear();
    }
  });
});
