/**
 * A production dashboard over plain HTTP on purpose (APP_ORIGIN=http://…, ALLOW_INSECURE_HTTP=true): the
 * staff cookie is not Secure, so the browser keeps it and sign-in does not loop back to /login (#16 §3).
 * Without the opt-in, the server refuses to start with a clear message.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesFrom, getPage, postForm } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
let stack: TestStack;
let publicUrl: string;
let front: http.Server;

beforeAll(async () => {
  // The public address must be known before the app reads its configuration: a plain TCP-level forwarder
  // listens first (as a port mapping would), and APP_ORIGIN names it.
  let target = "";
  front = http.createServer((req, res) => {
    const upstream = new URL(target);
    const forward = http.request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  publicUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  stack = await startTestStack({ env: { NODE_ENV: "production", APP_ORIGIN: publicUrl, ALLOW_INSECURE_HTTP: "true" } });
  target = stack.url;
});
afterAll(async () => {
  front?.closeAllConnections();
  await new Promise((resolve) => front?.close(resolve));
  await stack?.stop();
});

describe("production over plain HTTP, opted in (APP_ORIGIN=http://…)", () => {
  it("signs in with a cookie that is not Secure, and the next page is the dashboard, not /login", async () => {
    const staff = await stack.createStaff("viewer");
    const signedIn = await postForm(`${publicUrl}/login`, { email: staff.email, password: staff.password, redirectTo: "/" });
    expect(signedIn.status).toBe(302);
    const line = signedIn.headers.getSetCookie().find((cookie) => cookie.startsWith("sd_staff="))!;
    expect(line).not.toMatch(/; Secure/i);
    const home = await getPage(`${publicUrl}/`, { cookie: cookiesFrom(signedIn) });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(staff.displayName);
  });

  it("a POST from the app's own address but not its public origin is refused (APP_ORIGIN decides)", async () => {
    const staff = await stack.createStaff("viewer");
    expect((await postForm(`${stack.url}/login`, { email: staff.email, password: staff.password })).status).toBe(403);
  });
});

describe("production over plain HTTP without the opt-in", () => {
  it("refuses to start and says why and what to do", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "server", "index.ts")], {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: "production", APP_ORIGIN: "http://desk.internal", ALLOW_INSECURE_HTTP: "", PORT: "0", SUPERTOKENS_CONNECTION_URI: "", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain("Session Desk cannot start");
    expect(output).toMatch(/APP_ORIGIN: is http:\/\/ in production.*ALLOW_INSECURE_HTTP=true/);
  });
});
