// Raw HTTP against the core (no SDK): input errors and body rules per endpoint (§1.5, §3, §4.3, §9).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalCore } from "../../local-core/index";
import { API_KEY, TEXT_CT, raw, startCore } from "./helpers";

let core: LocalCore;
let url: string;
beforeAll(async () => {
  core = await startCore({ apiKey: API_KEY });
  url = core.url;
  expect((await raw(url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "t-in" } })).status).toBe(200);
});
afterAll(async () => {
  await core?.stop();
});

async function expect400(r: Promise<{ status: number; contentType: string | null; text: string }>, message: string) {
  const res = await r;
  expect(res.status, message).toBe(400);
  expect(res.contentType).toBe(TEXT_CT);
  expect(res.text).toBe(`${message}\n`);
}

const createBody = (userId: string, extra: Record<string, unknown> = {}) => ({
  userId,
  userDataInJWT: {},
  userDataInDatabase: {},
  useDynamicSigningKey: true,
  enableAntiCsrf: false,
  ...extra,
});

async function newSession(userId: string, tenant = "public", data: Record<string, unknown> = {}): Promise<string> {
  const r = await raw(url, "POST", `/${tenant}/recipe/session`, { body: createBody(userId, { userDataInDatabase: data }) });
  expect(r.status).toBe(200);
  return r.json.session.handle;
}

describe("Invalid Json Input", () => {
  it.each([
    ["PUT", "/recipe/session/data", "{not json"],
    ["POST", "/recipe/session", '{"userId": '],
    ["POST", "/public/recipe/session", "[]"],
    ["POST", "/recipe/session/remove", ""],
    ["POST", "/public/recipe/signup", '"just a string"'],
  ])("%s %s %j", async (method, path, body) => {
    await expect400(raw(url, method, path, { body, headers: { "content-type": "application/json" } }), "Invalid Json Input");
  });
});

describe("Field name '…' is invalid in JSON input (missing or wrong type)", () => {
  it.each([
    ["PUT", "/recipe/session/data", { userDataInDatabase: {} }, "sessionHandle"],
    ["PUT", "/recipe/session/data", { sessionHandle: 5, userDataInDatabase: {} }, "sessionHandle"],
    ["PUT", "/recipe/session/data", { sessionHandle: "h" }, "userDataInDatabase"],
    ["PUT", "/recipe/session/data", { sessionHandle: "h", userDataInDatabase: "x" }, "userDataInDatabase"],
    ["PUT", "/recipe/jwt/data", { sessionHandle: "h" }, "userDataInJWT"],
    ["POST", "/public/recipe/session", createBody("u", { enableAntiCsrf: "false" }), "enableAntiCsrf"],
    ["POST", "/public/recipe/session", { userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false }, "userId"],
    ["POST", "/public/recipe/session", createBody("u", { userDataInJWT: null }), "userDataInJWT"],
    ["POST", "/recipe/session/verify", { accessToken: "x", doAntiCsrfCheck: true, enableAntiCsrf: false }, "checkDatabase"],
    ["POST", "/recipe/session/verify", { doAntiCsrfCheck: true, enableAntiCsrf: false, checkDatabase: false }, "accessToken"],
    ["POST", "/recipe/session/refresh", { refreshToken: "x", enableAntiCsrf: false }, "useDynamicSigningKey"],
    ["POST", "/recipe/session/refresh", { enableAntiCsrf: false, useDynamicSigningKey: true }, "refreshToken"],
    ["POST", "/public/recipe/signup", { email: 1, password: "p" }, "email"],
    ["POST", "/public/recipe/signup", { email: "a@b.c" }, "password"],
    ["PUT", "/recipe/user/metadata", { userId: "u" }, "metadataUpdate"],
    ["POST", "/user/remove", {}, "userId"],
  ])("%s %s %j → '%s'", async (method, path, body, field) => {
    await expect400(raw(url, method, path, { body }), `Field name '${field}' is invalid in JSON input`);
  });
});

describe("GET parameters", () => {
  it.each([
    ["/recipe/session", "sessionHandle"],
    ["/recipe/session/user", "userId"],
    ["/user/id", "userId"],
    ["/recipe/user/metadata", "userId"],
    ["/public/users/by-accountinfo", "doUnionOfAccountInfo"],
  ])("GET %s without %s → 400 missing", async (path, field) => {
    await expect400(raw(url, "GET", path), `Field name '${field}' is missing in GET request`);
  });

  it("by-accountinfo: doUnionOfAccountInfo must be 'true' or 'false'", async () => {
    await expect400(raw(url, "GET", "/public/users/by-accountinfo", { query: { email: "a@b.c" } }), "Field name 'doUnionOfAccountInfo' is missing in GET request");
    await expect400(
      raw(url, "GET", "/public/users/by-accountinfo", { query: { email: "a@b.c", doUnionOfAccountInfo: "maybe" } }),
      "'doUnionOfAccountInfo' should be either 'true' or 'false'",
    );
    const ok = await raw(url, "GET", "/public/users/by-accountinfo", { query: { email: "a@b.c", doUnionOfAccountInfo: "false" } });
    expect(ok.json).toEqual({ status: "OK", users: [] });
  });

  it("users: limit and timeJoinedOrder errors", async () => {
    await expect400(raw(url, "GET", "/public/users", { query: { limit: "501" } }), "max limit allowed is 500");
    await expect400(raw(url, "GET", "/public/users", { query: { limit: "0" } }), "limit must a positive integer with min value 1");
    await expect400(raw(url, "GET", "/public/users", { query: { limit: "1.5" } }), "Field name 'limit' must be an int in the GET request");
    await expect400(raw(url, "GET", "/public/users", { query: { timeJoinedOrder: "asc" } }), "timeJoinedOrder can be either ASC OR DESC");
    expect((await raw(url, "GET", "/public/users", { query: { limit: "500", timeJoinedOrder: "ASC" } })).json).toEqual({ status: "OK", users: [] });
  });

  it("users/count: includeAllTenants is case-insensitive 'true'", async () => {
    await raw(url, "POST", "/t-in/recipe/signup", { body: { email: "count@t-in.test", password: "p" } });
    expect((await raw(url, "GET", "/public/users/count", { query: { includeAllTenants: "TRUE" } })).json).toEqual({ status: "OK", count: 1 });
    expect((await raw(url, "GET", "/public/users/count", { query: { includeAllTenants: "yes" } })).json).toEqual({ status: "OK", count: 0 });
    expect((await raw(url, "GET", "/public/users/count")).json).toEqual({ status: "OK", count: 0 });
  });
});

describe("POST /recipe/session/remove body rules (§3.7)", () => {
  it("exactly one of userId or sessionHandles", async () => {
    const msg = "Invalid JSON input - use one of userId or sessionHandles array";
    await expect400(raw(url, "POST", "/recipe/session/remove", { body: {} }), msg);
    await expect400(raw(url, "POST", "/recipe/session/remove", { body: { userId: "u", sessionHandles: ["h"] } }), msg);
  });

  it("revokeAcrossAllTenants / revokeSessionsForLinkedAccounts only with userId", async () => {
    await expect400(
      raw(url, "POST", "/recipe/session/remove", { body: { sessionHandles: ["h"], revokeAcrossAllTenants: true } }),
      "Invalid JSON input - revokeAcrossAllTenants can only be set if userId is set",
    );
    await expect400(
      raw(url, "POST", "/recipe/session/remove", { body: { sessionHandles: ["h"], revokeSessionsForLinkedAccounts: false } }),
      "Invalid JSON input - revokeSessionsForLinkedAccounts can only be set if userId is set",
    );
  });

  it("by handles: path tenant ignored, unknown handles left out, unknown suffix tenant → 400", async () => {
    const pub = await newSession("rm-user");
    const ten = await newSession("rm-user", "t-in");
    expect(ten).toMatch(/_t-in$/);
    const r = await raw(url, "POST", "/t-in/recipe/session/remove", { body: { sessionHandles: [pub, "nope", ten] } });
    expect(r.json.status).toBe("OK");
    expect([...r.json.sessionHandlesRevoked].sort()).toEqual([pub, ten].sort());
    const again = await raw(url, "POST", "/recipe/session/remove", { body: { sessionHandles: [pub] } });
    expect(again.json).toEqual({ status: "OK", sessionHandlesRevoked: [] });
    const bad = await raw(url, "POST", "/recipe/session/remove", { body: { sessionHandles: ["00000000-0000-4000-8000-000000000000_ghost"] } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/^AppId or tenantId not found => /);
  });

  it("by userId: both flags default to true (all tenants)", async () => {
    const a = await newSession("rm-user-2");
    const b = await newSession("rm-user-2", "t-in");
    const r = await raw(url, "POST", "/recipe/session/remove", { body: { userId: "rm-user-2" } });
    expect([...r.json.sessionHandlesRevoked].sort()).toEqual([a, b].sort());
  });
});

describe("session endpoints (§3, §9)", () => {
  it("userDataInJWT with a protected key on create → 400", async () => {
    await expect400(
      raw(url, "POST", "/public/recipe/session", { body: createBody("u", { userDataInJWT: { sessionHandle: "mine" } }) }),
      "The user payload contains protected field",
    );
  });

  it("enableAntiCsrf:true adds antiCsrfToken to the create response and the JWT", async () => {
    const r = await raw(url, "POST", "/public/recipe/session", { body: createBody("csrf-user", { enableAntiCsrf: true }) });
    expect(typeof r.json.antiCsrfToken).toBe("string");
    const payload = JSON.parse(Buffer.from(r.json.accessToken.token.split(".")[1], "base64url").toString());
    expect(payload.antiCsrfToken).toBe(r.json.antiCsrfToken);
  });

  it("nulls inside userDataInDatabase and userDataInJWT are stored and returned", async () => {
    const r = await raw(url, "POST", "/public/recipe/session", { body: createBody("null-user", { userDataInJWT: { j: null }, userDataInDatabase: { d: null } }) });
    expect(r.json.session.userDataInJWT).toEqual({ j: null });
    const info = await raw(url, "GET", "/recipe/session", { query: { sessionHandle: r.json.session.handle } });
    expect(info.json.userDataInDatabase).toEqual({ d: null });
    expect(info.json.userDataInJWT).toEqual({ j: null });
  });

  it("GET /recipe/session/user: both flags default to true; unknown user → []", async () => {
    const a = await newSession("list-user");
    const b = await newSession("list-user", "t-in");
    const all = await raw(url, "GET", "/recipe/session/user", { query: { userId: "list-user" } });
    expect([...all.json.sessionHandles].sort()).toEqual([a, b].sort());
    const one = await raw(url, "GET", "/t-in/recipe/session/user", { query: { userId: "list-user", fetchAcrossAllTenants: "false" } });
    expect(one.json).toEqual({ status: "OK", sessionHandles: [b] });
    expect((await raw(url, "GET", "/recipe/session/user", { query: { userId: "nobody", fetchSessionsForAllLinkedAccounts: "true" } })).json).toEqual({
      status: "OK",
      sessionHandles: [],
    });
  });

  it("deprecated GET /recipe/session/data returns the stored object", async () => {
    const h = await newSession("data-user", "public", { x: [1] });
    expect((await raw(url, "GET", "/recipe/session/data", { query: { sessionHandle: h } })).json).toEqual({ status: "OK", userDataInDatabase: { x: [1] } });
    expect((await raw(url, "GET", "/recipe/session/data", { query: { sessionHandle: "nope" } })).json.status).toBe("UNAUTHORISED");
  });

  it("verify: an unparseable access token is TRY_REFRESH_TOKEN (HTTP 200)", async () => {
    const r = await raw(url, "POST", "/recipe/session/verify", { body: { accessToken: "a.b.c", doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: true } });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("TRY_REFRESH_TOKEN");
    expect(typeof r.json.message).toBe("string");
  });
});
