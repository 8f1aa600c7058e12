/**
 * /healthz and /readyz on the real express server around the built app (in this process, on a local core
 * this test can stop): no sign-in needed, nothing leaked, readiness follows the core and a shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ apiKey: "health-test-core-api-key-0123456789" });
});

afterAll(async () => {
  await stack?.stop();
});

async function probe(path: string): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const response = await fetch(`${stack.url}${path}`, { redirect: "manual" });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text, headers: response.headers };
}

/** Polls until `check` holds (readiness reuses a result for a second). */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw ${what}`);
}

describe("health endpoints", () => {
  it("/healthz: alive, without a staff session, with nothing but a status", async () => {
    const answer = await probe("/healthz");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: "ok" });
    expect(answer.headers.get("set-cookie")).toBeNull();
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("/readyz: ready when the core and the database answer; says which without versions, URLs or error texts", async () => {
    const answer = await probe("/readyz");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: "ready", checks: { core: "ok", database: "ok" } });
    expect(answer.text).not.toMatch(/http|\d+\.\d+|sqlite|postgres|api/i);
  });

  it("/metrics does not exist on the app's port without METRICS_TOKEN", async () => {
    const response = await fetch(`${stack.url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("session_desk_");
  });

  it("/readyz turns 503 when a shutdown begins, before the listener closes; /healthz stays 200", async () => {
    const lifecycle = await import("../../../server/lifecycle");
    lifecycle.beginShuttingDown();
    try {
      const answer = await probe("/readyz");
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ status: "shutting-down" });
      expect((await probe("/healthz")).status).toBe(200);
    } finally {
      // The in-process server goes on serving the next test.
      lifecycle.__resetForTests();
    }
  });

  it("/readyz is 503 with \"core: unreachable\" when the core is down, and nothing more; /healthz stays 200", async () => {
    await stack.core.stop();
    const answer = await until("readiness fail", () => probe("/readyz"), (value) => value.status === 503);
    expect(answer.body).toEqual({ status: "not-ready", checks: { core: "unreachable", database: "ok" } });
    expect(answer.text).not.toMatch(/ECONNREFUSED|fetch failed|http|127\.0\.0\.1|\d+\.\d+/);
    expect((await probe("/healthz")).status).toBe(200);
  });
});
