// Raw HTTP against the core (no SDK): API key, routing, tenants, cdi-version, content types, JWKS (§1, §2, §3.9, §9).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalCore } from "../../local-core/index";
import { API_KEY, JSON_CT, TEXT_CT, raw, startCore } from "./helpers";

let core: LocalCore;
let url: string;
beforeAll(async () => {
  core = await startCore({ apiKey: API_KEY });
  url = core.url;
  const t = await raw(url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "t-raw" } });
  expect(t.status).toBe(200);
});
afterAll(async () => {
  await core?.stop();
});

const UNKNOWN_HANDLE = { sessionHandle: "00000000-0000-0000-0000-000000000000" };
const NOT_EXIST = { status: "UNAUTHORISED", message: "Session does not exist." };

function expectText(r: { status: number; contentType: string | null; text: string }, status: number, text: string) {
  expect(r.status).toBe(status);
  expect(r.contentType).toBe(TEXT_CT);
  expect(r.text).toBe(`${text}\n`);
}

describe("API key (§1.3)", () => {
  it("missing or wrong key → 401 'Invalid API key' as text/html", async () => {
    expectText(await raw(url, "GET", "/recipe/session", { query: UNKNOWN_HANDLE, apiKey: null }), 401, "Invalid API key");
    expectText(await raw(url, "GET", "/recipe/session", { query: UNKNOWN_HANDLE, apiKey: "wrong-key-wrong-key-wrong" }), 401, "Invalid API key");
    expectText(await raw(url, "PUT", "/recipe/session/data", { body: { sessionHandle: "x", userDataInDatabase: {} }, apiKey: null }), 401, "Invalid API key");
  });

  it("falls back to Authorization (optional case-insensitive 'Bearer ') only when api-key is absent", async () => {
    for (const authorization of [`Bearer ${API_KEY}`, `bearer ${API_KEY}`, `BEARER ${API_KEY}`, API_KEY]) {
      const r = await raw(url, "GET", "/recipe/session", { query: UNKNOWN_HANDLE, apiKey: null, headers: { authorization } });
      expect(r.status, authorization).toBe(200);
      expect(r.json).toEqual(NOT_EXIST);
    }
    expectText(await raw(url, "GET", "/recipe/session", { query: UNKNOWN_HANDLE, apiKey: null, headers: { authorization: "Bearer nope" } }), 401, "Invalid API key");
    expectText(
      await raw(url, "GET", "/recipe/session", { query: UNKNOWN_HANDLE, apiKey: "wrong-key-wrong-key-wrong", headers: { authorization: `Bearer ${API_KEY}` } }),
      401,
      "Invalid API key",
    );
  });

  it("/.well-known/jwks.json, /hello and / skip the check; /apiversion checks it", async () => {
    const jwks = await raw(url, "GET", "/.well-known/jwks.json", { apiKey: null, cdiVersion: null });
    expect(jwks.status).toBe(200);
    for (const path of ["/hello", "/"]) expectText(await raw(url, "GET", path, { apiKey: null, cdiVersion: null }), 200, "Hello");
    expectText(await raw(url, "GET", "/apiversion", { apiKey: null, cdiVersion: null }), 401, "Invalid API key");
    expectText(await raw(url, "GET", "/apiversion", { apiKey: "wrong-key-wrong-key-wrong", cdiVersion: null }), 401, "Invalid API key");
    expect((await raw(url, "GET", "/apiversion", { cdiVersion: null })).status).toBe(200);
  });

  it("a core without keys accepts any header", async () => {
    const open = await startCore();
    try {
      const r = await raw(open.url, "GET", "/recipe/session", { query: UNKNOWN_HANDLE, apiKey: "anything" });
      expect(r.json).toEqual(NOT_EXIST);
      expect((await raw(open.url, "GET", "/apiversion", { apiKey: null, cdiVersion: null })).status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});

describe("routing (§1.1)", () => {
  it("unknown path → 404 'Not found' (API key not checked)", async () => {
    expectText(await raw(url, "GET", "/recipe/does-not-exist"), 404, "Not found");
    expectText(await raw(url, "GET", "/recipe/does-not-exist", { apiKey: null }), 404, "Not found");
    expectText(await raw(url, "POST", "/nothing/here/at/all", { body: {} }), 404, "Not found");
  });

  it("known path, wrong method → 405 'Method not supported'", async () => {
    expectText(await raw(url, "DELETE", "/recipe/session", { query: UNKNOWN_HANDLE }), 405, "Method not supported");
    expectText(await raw(url, "GET", "/recipe/session/remove"), 405, "Method not supported");
    expectText(await raw(url, "POST", "/apiversion", { body: {} }), 405, "Method not supported");
  });

  it("the path is lower-cased, a trailing slash is accepted, /appid-public is the default app", async () => {
    for (const path of ["/Recipe/Session", "/recipe/session/", "/appid-public/recipe/session", "/appid-public/public/users/count"]) {
      const r = await raw(url, "GET", path, { query: UNKNOWN_HANDLE });
      expect(r.status, path).toBe(200);
    }
  });

  it("unknown tenant → 400 with the core's message", async () => {
    expectText(
      await raw(url, "GET", "/no-such-tenant/recipe/session/user", { query: { userId: "u", fetchAcrossAllTenants: "false" } }),
      400,
      "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, no-such-tenant)",
    );
    expectText(
      await raw(url, "POST", "/no-such-tenant/recipe/signup", { body: { email: "a@b.c", password: "p" } }),
      400,
      "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, no-such-tenant)",
    );
  });

  it("app-specific endpoint with a non-public tenant → 403", async () => {
    const msg = "Only public tenantId can call this app specific API";
    expectText(await raw(url, "GET", "/t-raw/recipe/session", { query: UNKNOWN_HANDLE }), 403, msg);
    expectText(await raw(url, "GET", "/t-raw/user/id", { query: { userId: "x" } }), 403, msg);
    expectText(await raw(url, "PUT", "/t-raw/recipe/session/data", { body: { ...UNKNOWN_HANDLE, userDataInDatabase: {} } }), 403, msg);
    expectText(await raw(url, "GET", "/t-raw/recipe/user/metadata", { query: { userId: "x" } }), 403, msg);
    // The same endpoints without a prefix, or with /public, are fine.
    expect((await raw(url, "GET", "/public/recipe/session", { query: UNKNOWN_HANDLE })).json).toEqual(NOT_EXIST);
  });
});

describe("cdi-version header (§1.4, §9)", () => {
  it("unsupported or above the maximum → 400 'cdi-version <v> not supported'", async () => {
    expectText(await raw(url, "GET", "/recipe/session/user", { query: { userId: "nobody" }, cdiVersion: "9.9" }), 400, "cdi-version 9.9 not supported");
    expectText(await raw(url, "GET", "/recipe/session/user", { query: { userId: "nobody" }, cdiVersion: "5.5" }), 400, "cdi-version 5.5 not supported");
  });

  it("unparseable → 500 with the Java exception text (11.4.7 behaviour)", async () => {
    expectText(
      await raw(url, "GET", "/recipe/session/user", { query: { userId: "nobody" }, cdiVersion: "abc" }),
      500,
      "java.lang.IllegalArgumentException: Invalid version format",
    );
  });

  it("missing means latest; older supported versions are accepted", async () => {
    for (const cdiVersion of [null, "5.4", "5.3", "2.21"]) {
      const r = await raw(url, "GET", "/recipe/session/user", { query: { userId: "nobody" }, cdiVersion });
      expect(r.status, String(cdiVersion)).toBe(200);
      expect(r.json).toEqual({ status: "OK", sessionHandles: [] });
    }
  });
});

describe("200 answers (§1.5, §2, §3.9)", () => {
  it("JSON answers are application/json;charset=UTF-8 with a trailing newline", async () => {
    const paths: [string, string, Record<string, string>][] = [
      ["GET", "/recipe/session", UNKNOWN_HANDLE],
      ["GET", "/recipe/session/user", { userId: "nobody" }],
      ["GET", "/user/id", { userId: "nobody" }],
      ["GET", "/public/users", {}],
      ["GET", "/public/users/count", {}],
      ["GET", "/recipe/multitenancy/tenant/list/v2", {}],
      ["GET", "/recipe/user/metadata", { userId: "nobody" }],
      ["GET", "/apiversion", {}],
      ["GET", "/.well-known/jwks.json", {}],
    ];
    for (const [method, path, query] of paths) {
      const r = await raw(url, method, path, { query });
      expect(r.status, path).toBe(200);
      expect(r.contentType, path).toBe(JSON_CT);
      expect(r.text.endsWith("}\n"), path).toBe(true);
      expect(r.text.endsWith("\n\n"), path).toBe(false);
    }
  });

  it("GET /apiversion: {versions:[…]} including 5.4, no status", async () => {
    const r = await raw(url, "GET", "/apiversion", { cdiVersion: null, query: { apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" } });
    expect(Object.keys(r.json)).toEqual(["versions"]);
    expect(r.json.versions).toContain("5.4");
    expect(r.json.versions).not.toContain("5.5");
  });

  it("JWKS: RSA keys, dynamic (d-) first, Cache-Control max-age=…, must-revalidate", async () => {
    const r = await raw(url, "GET", "/.well-known/jwks.json", { apiKey: null, cdiVersion: null });
    const cc = r.headers.get("cache-control") ?? "";
    const m = /^max-age=(\d+), must-revalidate$/.exec(cc);
    expect(m, cc).not.toBeNull();
    const maxAge = Number(m![1]);
    expect(maxAge).toBeGreaterThanOrEqual(1);
    expect(maxAge).toBeLessThanOrEqual(168 * 3600);
    expect(Object.keys(r.json)).toEqual(["keys"]);
    const keys = r.json.keys as any[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys[0].kid).toMatch(/^d-\d{13}$/);
    let seenStatic = false;
    for (const k of keys) {
      expect(k).toEqual({ kty: "RSA", kid: expect.any(String), n: expect.stringMatching(/^[A-Za-z0-9_-]+$/), e: "AQAB", alg: "RS256", use: "sig" });
      expect(Buffer.from(k.n, "base64url").length).toBe(256);
      if (k.kid.startsWith("s-")) seenStatic = true;
      else expect(seenStatic, "dynamic keys come before static keys").toBe(false);
      expect(k.kid).toMatch(/^(d-\d{13}|s-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/);
    }
  });
});
