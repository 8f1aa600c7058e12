// Raw HTTP against the core (no SDK, so no JWKS caching in the way): verify / refresh rules that depend on
// time, anti-CSRF and signing keys (§3.2, §3.3, §3.8, §3.9, §3.11).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LocalCore } from "../../local-core/index";
import { API_KEY, DAY_MS, REFRESH_VALIDITY_MS, decodeJwt, raw, startCore } from "./helpers";

let core: LocalCore;
let url: string;
beforeAll(async () => {
  core = await startCore({ apiKey: API_KEY });
  url = core.url;
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => core.clock.setOffsetMs(0));

async function create(userId: string, enableAntiCsrf = false, userDataInJWT: Record<string, unknown> = {}) {
  const r = await raw(url, "POST", "/public/recipe/session", {
    body: { userId, userDataInJWT, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf },
  });
  expect(r.status).toBe(200);
  return r.json;
}
const verify = (accessToken: string, extra: Record<string, unknown> = {}) =>
  raw(url, "POST", "/recipe/session/verify", {
    body: { accessToken, doAntiCsrfCheck: true, enableAntiCsrf: false, checkDatabase: false, ...extra },
  }).then((r) => r.json);
const refresh = (refreshToken: string, extra: Record<string, unknown> = {}) =>
  raw(url, "POST", "/recipe/session/refresh", {
    body: { refreshToken, enableAntiCsrf: false, useDynamicSigningKey: true, ...extra },
  }).then((r) => r.json);
const info = (sessionHandle: string) => raw(url, "GET", "/recipe/session", { query: { sessionHandle } }).then((r) => r.json);

describe("POST /recipe/session/verify", () => {
  it("a token past its exp is TRY_REFRESH_TOKEN 'Access token expired'", async () => {
    const c = await create("v-exp");
    core.clock.setOffsetMs(2 * 3600 * 1000);
    expect(await verify(c.accessToken.token)).toEqual({ status: "TRY_REFRESH_TOKEN", message: "Access token expired" });
  });

  it("a bad signature or unknown kid is TRY_REFRESH_TOKEN", async () => {
    const c = await create("v-sig");
    const [h, p, sig] = c.accessToken.token.split(".");
    const flipped = sig.slice(0, -2) + (sig.endsWith("AA") ? "BB" : "AA");
    expect((await verify(`${h}.${p}.${flipped}`)).status).toBe("TRY_REFRESH_TOKEN");
    const header = Buffer.from(JSON.stringify({ ...decodeJwt(c.accessToken.token).header, kid: "d-1" })).toString("base64url");
    expect((await verify(`${header}.${p}.${sig}`)).status).toBe("TRY_REFRESH_TOKEN");
  });

  it("the session row's expiry is not checked: a refresh-minted token revives an expired row by promotion", async () => {
    const c = await create("v-row");
    core.clock.setOffsetMs(REFRESH_VALIDITY_MS - 30 * 60 * 1000);
    const r = await refresh(c.refreshToken.token);
    expect(r.status).toBe("OK");
    core.clock.setOffsetMs(REFRESH_VALIDITY_MS + 60_000);
    expect(await info(c.session.handle)).toEqual({ status: "UNAUTHORISED", message: "Session does not exist." });
    const v = await verify(r.accessToken.token, { checkDatabase: true });
    expect(v.status).toBe("OK");
    expect(typeof v.accessToken.token).toBe("string");
    const now = Date.now() + REFRESH_VALIDITY_MS + 60_000;
    const after = await info(c.session.handle);
    expect(after.status).toBe("OK");
    expect(Math.abs(after.expiry - (now + REFRESH_VALIDITY_MS))).toBeLessThan(5000);
  });

  it("anti-CSRF: checked only when both doAntiCsrfCheck and enableAntiCsrf are set", async () => {
    const c = await create("v-csrf", true);
    const csrf = c.antiCsrfToken as string;
    const at = c.accessToken.token;
    expect(await verify(at, { enableAntiCsrf: true, antiCsrfToken: "wrong" })).toEqual({ status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" });
    expect(await verify(at, { enableAntiCsrf: true })).toEqual({ status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" });
    expect((await verify(at, { enableAntiCsrf: true, antiCsrfToken: csrf })).status).toBe("OK");
    expect((await verify(at, { enableAntiCsrf: true, doAntiCsrfCheck: false })).status).toBe("OK");
    expect((await verify(at, { antiCsrfToken: "wrong" })).status).toBe("OK");
    const plain = await create("v-csrf-2");
    expect(plain).not.toHaveProperty("antiCsrfToken");
    expect((await verify(plain.accessToken.token, { enableAntiCsrf: true, antiCsrfToken: "x" })).status).toBe("TRY_REFRESH_TOKEN");
  });

  it("a fresh token's OK answer has no accessToken; session.userDataInJWT holds only non-protected claims", async () => {
    const c = await create("v-ok", false, { custom: 1, n: null });
    const v = await verify(c.accessToken.token, { checkDatabase: true });
    expect(v).toEqual({ status: "OK", session: { handle: c.session.handle, userId: "v-ok", recipeUserId: "v-ok", userDataInJWT: { custom: 1, n: null }, tenantId: "public" } });
  });
});

describe("POST /recipe/session/verify of a token whose tenant was removed", () => {
  it("is the 400 'AppId or tenantId not found', even when the anti-CSRF token does not match", async () => {
    expect((await raw(url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "t-gone" } })).status).toBe(200);
    const r = await raw(url, "POST", "/t-gone/recipe/session", {
      body: { userId: "v-gone", userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf: true },
    });
    expect(r.status).toBe(200);
    expect((await raw(url, "POST", "/recipe/multitenancy/tenant/remove", { body: { tenantId: "t-gone" } })).json).toEqual({ status: "OK", didExist: true });
    const notFound = "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, t-gone)\n";
    for (const antiCsrfToken of [r.json.antiCsrfToken, "wrong"]) {
      const v = await raw(url, "POST", "/recipe/session/verify", {
        body: { accessToken: r.json.accessToken.token, antiCsrfToken, doAntiCsrfCheck: true, enableAntiCsrf: true, checkDatabase: false },
      });
      expect(v.status).toBe(400);
      expect(v.text).toBe(notFound);
    }
  });
});

describe("POST /recipe/session/refresh", () => {
  it("anti-CSRF mismatch is UNAUTHORISED; a match gives a new anti-CSRF token", async () => {
    const c = await create("r-csrf", true);
    expect(await refresh(c.refreshToken.token, { enableAntiCsrf: true, antiCsrfToken: "wrong" })).toEqual({
      status: "UNAUTHORISED",
      message: "Anti CSRF token missing, or not matching",
    });
    const ok = await refresh(c.refreshToken.token, { enableAntiCsrf: true, antiCsrfToken: c.antiCsrfToken });
    expect(ok.status).toBe("OK");
    expect(typeof ok.antiCsrfToken).toBe("string");
    expect(ok.antiCsrfToken).not.toBe(c.antiCsrfToken);
    expect(decodeJwt(ok.accessToken.token).payload.antiCsrfToken).toBe(ok.antiCsrfToken);
  });

  it("uses the stored payload, and a plain refresh does not move the expiry", async () => {
    const c = await create("r-payload", false, { v: 1 });
    const put = await raw(url, "PUT", "/recipe/jwt/data", { body: { sessionHandle: c.session.handle, userDataInJWT: { v: 2 } } });
    expect(put.json).toEqual({ status: "OK" });
    core.clock.setOffsetMs(DAY_MS);
    const r = await refresh(c.refreshToken.token);
    expect(r.session).toEqual({ handle: c.session.handle, userId: "r-payload", recipeUserId: "r-payload", userDataInJWT: { v: 2 }, tenantId: "public" });
    expect(decodeJwt(r.accessToken.token).payload.v).toBe(2);
    expect((await info(c.session.handle)).expiry).toBe(c.refreshToken.expiry);
  });
});

describe("POST /recipe/session/regenerate (Session object's mergeIntoAccessTokenPayload)", () => {
  it("writes the stored payload and re-mints with the same expiry; unknown session is UNAUTHORISED", async () => {
    const c = await create("regen", false, { a: 1 });
    const r = await raw(url, "POST", "/recipe/session/regenerate", { body: { accessToken: c.accessToken.token, userDataInJWT: { a: 2, b: null } } });
    expect(r.json.status).toBe("OK");
    const p = decodeJwt(r.json.accessToken.token).payload;
    expect(p.a).toBe(2);
    expect(p.b).toBeNull();
    expect(p.exp).toBe(decodeJwt(c.accessToken.token).payload.exp);
    expect((await info(c.session.handle)).userDataInJWT).toEqual({ a: 2, b: null });
    await raw(url, "POST", "/recipe/session/remove", { body: { sessionHandles: [c.session.handle] } });
    const gone = await raw(url, "POST", "/recipe/session/regenerate", { body: { accessToken: c.accessToken.token, userDataInJWT: {} } });
    expect(gone.json.status).toBe("UNAUTHORISED");
  });
});

describe("dynamic signing keys (§3.9)", () => {
  it("Cache-Control max-age counts down to the next key; a new d- key signs after 168 h", async () => {
    const fresh = await startCore();
    try {
      const first = await raw(fresh.url, "GET", "/.well-known/jwks.json", { apiKey: null, cdiVersion: null });
      const kid0 = first.json.keys[0].kid as string;
      const born = Number(kid0.slice(2));
      expect(Math.abs(born - Date.now())).toBeLessThan(60_000);
      const weekMs = 168 * 3600 * 1000;
      fresh.clock.setOffsetMs(born + weekMs - 100_000 - Date.now());
      const soon = await raw(fresh.url, "GET", "/.well-known/jwks.json", { apiKey: null, cdiVersion: null });
      const maxAge = Number(/^max-age=(\d+), must-revalidate$/.exec(soon.headers.get("cache-control") ?? "")?.[1]);
      expect(maxAge).toBeGreaterThanOrEqual(1);
      expect(maxAge).toBeLessThanOrEqual(101);
      fresh.clock.setOffsetMs(born + weekMs + 60_000 - Date.now());
      const c = await raw(fresh.url, "POST", "/public/recipe/session", {
        body: { userId: "k", userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf: false },
      });
      const kid1 = decodeJwt(c.json.accessToken.token).header.kid as string;
      expect(kid1).toMatch(/^d-\d{13}$/);
      expect(kid1).not.toBe(kid0);
      const later = await raw(fresh.url, "GET", "/.well-known/jwks.json", { apiKey: null, cdiVersion: null });
      expect(later.json.keys[0].kid).toBe(kid1);
      expect((await raw(fresh.url, "POST", "/recipe/session/verify", {
        body: { accessToken: c.json.accessToken.token, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: true },
      })).json.status).toBe("OK");
    } finally {
      await fresh.stop();
    }
  });

  it("useDynamicSigningKey:false signs with the static s- key", async () => {
    const r = await raw(url, "POST", "/public/recipe/session", {
      body: { userId: "static", userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: false, enableAntiCsrf: false },
    });
    const kid = decodeJwt(r.json.accessToken.token).header.kid as string;
    expect(kid).toMatch(/^s-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const jwks = await raw(url, "GET", "/.well-known/jwks.json", { apiKey: null, cdiVersion: null });
    expect(jwks.json.keys.map((k: any) => k.kid)).toContain(kid);
  });
});
