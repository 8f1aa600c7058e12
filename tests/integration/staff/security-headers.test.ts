/**
 * The security baseline on every response: CSP with a per-request nonce that matches every script tag,
 * nosniff, a strict Referrer-Policy, no X-Powered-By, no caching of pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, postForm, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let viewer: string;

beforeAll(async () => {
  // Written before a reason became required by default (AUDIT_REASON_REQUIRED=true): these cases are about
  // other rules, so the reason is optional here; tests/integration/audit/reason-required.test.ts covers it.
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false" } });
  viewer = await signIn(stack, "viewer");
});
afterAll(async () => {
  await stack?.stop();
});

function directives(response: Response): Map<string, string[]> {
  const csp = response.headers.get("Content-Security-Policy") ?? "";
  return new Map(
    csp
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectBaseline(response: Response) {
  const csp = directives(response);
  expect(csp.get("script-src")?.[0]).toBe("'self'");
  expect(csp.get("script-src")?.[1]).toMatch(/^'nonce-[A-Za-z0-9+/=]{16,}'$/);
  expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
  expect(csp.get("script-src")).not.toContain("'unsafe-eval'");
  expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
  expect(csp.get("worker-src")).toEqual(["'self'", "blob:"]);
  expect(csp.get("connect-src")).toEqual(["'self'"]);
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
  expect(response.headers.get("X-Powered-By")).toBeNull();
}

const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("Content-Security-Policy") ?? "")![1]!;

describe("security headers", () => {
  it("are on pages, with a nonce that differs per request and is on every script tag", async () => {
    const nonces: string[] = [];
    for (const path of ["/login", "/login"]) {
      const response = await getPage(`${stack.url}${path}`);
      expect(response.status).toBe(200);
      expectBaseline(response);
      const nonce = nonceOf(response);
      nonces.push(nonce);
      const html = await response.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    }
    expect(new Set(nonces).size).toBe(2);
  });

  it("are on a signed-in page, whose scripts carry that request's nonce", async () => {
    const response = await getPage(`${stack.url}/audit`, { cookie: viewer });
    expect(response.status).toBe(200);
    expectBaseline(response);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const html = await response.text();
    const nonce = nonceOf(response);
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("are on redirects, errors, refusals and static files", async () => {
    const responses = [
      await getPage(`${stack.url}/audit`),
      await getPage(`${stack.url}/no-such-page`, { cookie: viewer }),
      await postForm(`${stack.url}/staff`, { intent: "create" }, { cookie: viewer }),
      await postForm(`${stack.url}/staff`, { intent: "create" }, { cookie: viewer, origin: "https://evil.example" }),
      await getPage(`${stack.url}/favicon.ico`),
    ];
    expect(responses.map((response) => response.status).slice(0, 4)).toEqual([302, 404, 403, 403]);
    for (const response of responses) expectBaseline(response);
  });

  it("fingerprinted assets are cached long; pages are not cached at all", async () => {
    const html = await (await getPage(`${stack.url}/login`)).text();
    const asset = /src="(\/build\/[^"]+\.js)"/.exec(html)?.[1] ?? /href="(\/build\/[^"]+\.js)"/.exec(html)![1]!;
    const response = await getPage(`${stack.url}${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toMatch(/max-age=31536000/);
    expectBaseline(response);
  });
});

describe("HTTPS", () => {
  it("asks browsers to stay on HTTPS when served over HTTPS (through a trusted proxy), and not over plain HTTP", async () => {
    const overHttps = await getPage(`${stack.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    expect(overHttps.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
    const overHttp = await getPage(`${stack.url}/login`);
    expect(overHttp.headers.get("Strict-Transport-Security")).toBeNull();
  });
});
