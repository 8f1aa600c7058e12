/**
 * Session Desk behind a reverse proxy it trusts (TRUST_PROXY=loopback; no APP_ORIGIN): a real HTTP proxy
 * in this process forwards to the app the way nginx or a load balancer does — Host left as the app's own
 * address, X-Forwarded-Host the public name, X-Forwarded-Proto https (TLS ended at the proxy),
 * X-Forwarded-For the client. Covers TLS terminated at the proxy, a non-default public port, and that the
 * per-address sign-in slow-down sees the real client behind the proxy.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freezeClock, resetClock } from "../../../app/staff/clock.server";
import { cookiesFrom, getPage, postForm } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

interface Proxy {
  url: string;
  close(): Promise<void>;
}

/** A minimal reverse proxy: what arrives from the client (and its X-Forwarded-For) goes on with the public host and scheme. */
function startProxy(target: string, publicHost: string, publicProto: "http" | "https"): Promise<Proxy> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const forwardedFor = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
    const headers = { ...req.headers, host: upstream.host, "x-forwarded-for": forwardedFor, "x-forwarded-host": publicHost, "x-forwarded-proto": publicProto };
    const forward = http.request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );
}

let stack: TestStack;
const proxies: Proxy[] = [];
beforeAll(async () => {
  stack = await startTestStack({ env: { TRUST_PROXY: "loopback" } });
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await stack?.stop();
});
beforeEach(() => freezeClock());
afterEach(() => resetClock());

async function proxyFor(publicHost: string, publicProto: "http" | "https") {
  const proxy = await startProxy(stack.url, publicHost, publicProto);
  proxies.push(proxy);
  return proxy;
}

const staffCookieLine = (response: Response) => response.headers.getSetCookie().find((line) => line.startsWith("sd_staff="));

describe("TLS terminated at the proxy (https://desk.example → http://127.0.0.1:<port>)", () => {
  it("signs in from the public origin with a Secure cookie, and the signed-in page and a POST work through the proxy", async () => {
    const proxy = await proxyFor("desk.example", "https");
    const staff = await stack.createStaff("admin");
    const page = await getPage(`${proxy.url}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Strict-Transport-Security")).toMatch(/max-age=/);
    const signedIn = await postForm(`${proxy.url}/login`, { email: staff.email, password: staff.password, redirectTo: "/staff" }, { origin: "https://desk.example", clientAddress: "203.0.113.40" });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("Location")).toBe("/staff");
    expect(staffCookieLine(signedIn)).toMatch(/; Secure/i);
    const cookie = cookiesFrom(signedIn);
    expect((await getPage(`${proxy.url}/staff`, { cookie })).status).toBe(200);
    // A POST past both origin checks (the server's, before Remix, and the guard's): they agree on https://desk.example.
    const created = await postForm(`${proxy.url}/staff`, { intent: "create", email: "via-proxy@staff.test", role: "viewer" }, { cookie, origin: "https://desk.example" });
    expect(created.status).toBe(200); // shows the generated password once (no redirect)
    const { findStaffByEmail } = await import("../../../app/staff/accounts.server");
    expect(await findStaffByEmail("via-proxy@staff.test")).toBeDefined();
  });

  it("refuses a POST from any other origin, the same host over http included", async () => {
    const proxy = await proxyFor("desk.example", "https");
    const staff = await stack.createStaff("viewer");
    for (const origin of ["http://desk.example", "https://evil.example", `${stack.url}`]) {
      expect((await postForm(`${proxy.url}/login`, { email: staff.email, password: staff.password }, { origin })).status).toBe(403);
    }
  });

  it("throttles by the client behind the proxy, not by the proxy: an attacker's failures leave the admin's own address alone", async () => {
    const proxy = await proxyFor("desk.example", "https");
    const admin = await stack.createStaff("admin");
    const asClient = (clientAddress: string, password: string) =>
      postForm(`${proxy.url}/login`, { email: admin.email, password }, { origin: "https://desk.example", clientAddress });
    for (let i = 0; i < 3; i++) expect((await asClient("198.51.100.66", `guess-${i}`)).status).toBe(401);
    expect((await asClient("198.51.100.66", admin.password)).status).toBe(429);
    expect((await asClient("198.51.100.7", admin.password)).status).toBe(302);
  });
});

describe("a non-default public port (https://desk.example:8443)", () => {
  it("expects exactly that origin, port included", async () => {
    const proxy = await proxyFor("desk.example:8443", "https");
    const staff = await stack.createStaff("viewer");
    expect((await postForm(`${proxy.url}/login`, { email: staff.email, password: staff.password }, { origin: "https://desk.example" })).status).toBe(403);
    const signedIn = await postForm(`${proxy.url}/login`, { email: staff.email, password: staff.password }, { origin: "https://desk.example:8443", clientAddress: "203.0.113.41" });
    expect(signedIn.status).toBe(302);
    expect((await getPage(`${proxy.url}/`, { cookie: cookiesFrom(signedIn) })).status).toBe(200);
  });
});

describe("a proxy serving plain http (http://desk.internal)", () => {
  it("signs in without a Secure cookie, so the browser keeps it and the next page is not the sign-in page again", async () => {
    const proxy = await proxyFor("desk.internal", "http");
    const staff = await stack.createStaff("viewer");
    const signedIn = await postForm(`${proxy.url}/login`, { email: staff.email, password: staff.password }, { origin: "http://desk.internal", clientAddress: "203.0.113.42" });
    expect(signedIn.status).toBe(302);
    expect(staffCookieLine(signedIn)).not.toMatch(/; Secure/i);
    expect((await getPage(`${proxy.url}/`, { cookie: cookiesFrom(signedIn) })).status).toBe(200);
  });
});
