/**
 * A server at the configured URI that is not a CDI 5.4 SuperTokens core (an old core, say): the clear 503
 * page says so and what to do, instead of failing on every call in its own way.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let oldCore: http.Server;
let oldCoreUrl: string;

beforeAll(async () => {
  // Answers the handshake as a core whose newest CDI is 2.21 would; everything else is not found.
  oldCore = http.createServer((request, response) => {
    if (request.url?.startsWith("/apiversion")) {
      response.writeHead(200, { "content-type": "application/json;charset=UTF-8" });
      response.end(`${JSON.stringify({ versions: ["2.19", "2.20", "2.21"] })}\n`);
    } else {
      response.writeHead(404, { "content-type": "text/html;charset=UTF-8" });
      response.end("Not found\n");
    }
  });
  await new Promise<void>((resolve) => oldCore.listen(0, "127.0.0.1", resolve));
  oldCoreUrl = `http://127.0.0.1:${(oldCore.address() as AddressInfo).port}`;
  stack = await startTestStack({ env: { SUPERTOKENS_CONNECTION_URI: oldCoreUrl, SESSION_DESK_BUNDLED_CORE: "false" } });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => oldCore.close(resolve));
});

describe("an incompatible core", () => {
  it("shows the 503 page naming the CDI version the dashboard needs", async () => {
    const cookie = await signIn(stack, "viewer");
    const response = await getPage(`${stack.url}/`, { cookie });
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html).toContain(oldCoreUrl);
    expect(html).toContain("does not speak CDI 5.4");
    expect(html).toMatch(/real SuperTokens core/);
  });
});
