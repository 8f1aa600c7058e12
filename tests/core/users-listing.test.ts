// getUsersNewestFirst / getUsersOldestFirst / getUserCount against a core holding exactly the users seeded
// here (§4.4, §4.5, §7).
import { beforeAll, describe, expect, it } from "vitest";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import { brief, raw, recordCalls, sleep, thrown, useSdkCore } from "./helpers";

const h = useSdkCore();

// Oldest first. "Delta5@ACME.test" is stored normalised.
const EMAILS = ["alpha1@acme.test", "alpha2@beta.test", "beta3@acme.test", "gamma4@other.test", "Delta5@ACME.test"];
interface Seeded {
  id: string;
  timeJoined: number;
  email: string;
}
const users: Seeded[] = [];

beforeAll(async () => {
  for (const email of EMAILS) {
    const r = await EmailPassword.signUp("public", email, "Passw0rd-123");
    if (r.status !== "OK") throw new Error(r.status);
    users.push({ id: r.user.id, timeJoined: r.user.timeJoined, email: r.user.emails[0] });
    await sleep(5); // distinct timeJoined values
  }
});

const ids = (list: { id: string }[]) => list.map((u) => u.id);
const token = (u: Seeded) => Buffer.from(`${u.id};${u.timeJoined}`, "utf8").toString("base64");
const usersErr = (msg: string) =>
  `SuperTokens core threw an error for a GET request to path: '/public/users' with status code: 400 and message: ${msg}\n`;

describe('getUsersNewestFirst({tenantId:"public", limit})', () => {
  it("GET /public/users?timeJoinedOrder=DESC&limit=2, newest first, with an exact pagination token", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 2 }));
    expect(brief(calls)).toEqual([{ method: "GET", path: "/public/users", query: { timeJoinedOrder: "DESC", limit: "2" } }]);
    expect(calls[0].headers.rid).toBeUndefined();
    expect(ids(result.users)).toEqual([users[4].id, users[3].id]);
    expect(result.nextPaginationToken).toBe(token(users[2]));
    expect(users[4].email).toBe("delta5@acme.test");
  });

  it("the next page starts at the token's user (inclusive) and the last page has no token", async () => {
    const p2 = await SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 2, paginationToken: token(users[2]) });
    expect(ids(p2.users)).toEqual([users[2].id, users[1].id]);
    expect(p2.nextPaginationToken).toBe(token(users[0]));
    const { result: p3, calls } = await recordCalls(h.proxy, () =>
      SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 2, paginationToken: p2.nextPaginationToken }),
    );
    expect(calls[0].query).toEqual({ timeJoinedOrder: "DESC", limit: "2", paginationToken: token(users[0]) });
    expect(ids(p3.users)).toEqual([users[0].id]);
    expect(p3.nextPaginationToken).toBeUndefined();
    expect(calls[0].response).not.toHaveProperty("nextPaginationToken");
  });

  it("a page exactly as long as what is left has no token; no limit means 100", async () => {
    const all = await SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 5 });
    expect(ids(all.users)).toEqual(ids([...users].reverse()));
    expect(all.nextPaginationToken).toBeUndefined();
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.getUsersNewestFirst({ tenantId: "public" }));
    expect(calls[0].query).toEqual({ timeJoinedOrder: "DESC" });
    expect(result.users.length).toBe(5);
  });

  it("returns full User objects (§4.1)", async () => {
    const { result } = await recordCalls(h.proxy, () => SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 1 }));
    const u = result.users[0];
    expect(u.toJson()).toMatchObject({
      id: users[4].id,
      isPrimaryUser: false,
      tenantIds: ["public"],
      timeJoined: users[4].timeJoined,
      emails: ["delta5@acme.test"],
      phoneNumbers: [],
      thirdParty: [],
    });
    expect(u.loginMethods.length).toBe(1);
    expect(u.loginMethods[0].recipeId).toBe("emailpassword");
    expect(u.loginMethods[0].recipeUserId.getAsString()).toBe(users[4].id);
  });
});

describe('getUsersOldestFirst({tenantId:"public", limit})', () => {
  it("GET /public/users?timeJoinedOrder=ASC, oldest first, inclusive pagination", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.getUsersOldestFirst({ tenantId: "public", limit: 2 }));
    expect(brief(calls)).toEqual([{ method: "GET", path: "/public/users", query: { timeJoinedOrder: "ASC", limit: "2" } }]);
    expect(ids(result.users)).toEqual([users[0].id, users[1].id]);
    expect(result.nextPaginationToken).toBe(token(users[2]));
    const p2 = await SuperTokens.getUsersOldestFirst({ tenantId: "public", limit: 2, paginationToken: result.nextPaginationToken });
    expect(ids(p2.users)).toEqual([users[2].id, users[3].id]);
    expect(p2.nextPaginationToken).toBe(token(users[4]));
  });

  it("includeRecipeIds is joined with ',' and filters", async () => {
    const ep = await recordCalls(h.proxy, () => SuperTokens.getUsersOldestFirst({ tenantId: "public", includeRecipeIds: ["emailpassword", "thirdparty"] }));
    expect(ep.calls[0].query).toEqual({ timeJoinedOrder: "ASC", includeRecipeIds: "emailpassword,thirdparty" });
    expect(ep.result.users.length).toBe(5);
    expect((await SuperTokens.getUsersOldestFirst({ tenantId: "public", includeRecipeIds: ["thirdparty"] })).users).toEqual([]);
  });
});

describe("GET /<tenant>/users input errors (400)", () => {
  it("limit outside 1..500 through the SDK", async () => {
    expect((await thrown(() => SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 0 }))).message).toBe(
      usersErr("limit must a positive integer with min value 1"),
    );
    expect((await thrown(() => SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 501 }))).message).toBe(usersErr("max limit allowed is 500"));
    expect((await SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 500 })).users.length).toBe(5);
    expect((await SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 1 })).users.length).toBe(1);
  });

  it("a pagination token is read like the core's UserPaginationToken (trailing ';' dropped, signed time)", async () => {
    const first = await SuperTokens.getUsersOldestFirst({ tenantId: "public", limit: 1 });
    const [id, time] = Buffer.from(first.nextPaginationToken!, "base64").toString("utf8").split(";");
    const expected = (await SuperTokens.getUsersOldestFirst({ tenantId: "public", limit: 1, paginationToken: first.nextPaginationToken })).users.map((u) => u.id);
    for (const variant of [`${id};${time};`, `${id};+${time}`]) {
      const paginationToken = Buffer.from(variant, "utf8").toString("base64");
      const r = await raw(h.core.url, "GET", "/public/users", { query: { limit: "1", paginationToken } });
      expect(r.status).toBe(200);
      expect(r.json.users.map((u: { id: string }) => u.id)).toEqual(expected);
    }
  });

  // UserPaginationToken decodes with java.util.Base64.getDecoder() and Long.parseLong, which refuse
  // what Node's lenient base64 decoding and Number() would let through, and accept a few others.
  it("a pagination token is decoded like java.util.Base64 and Long.parseLong", async () => {
    const first = await SuperTokens.getUsersOldestFirst({ tenantId: "public", limit: 1 });
    const [id, time] = Buffer.from(first.nextPaginationToken!, "base64").toString("utf8").split(";");
    const expected = (await SuperTokens.getUsersOldestFirst({ tenantId: "public", limit: 1, paginationToken: first.nextPaginationToken })).users.map((u) => u.id);
    const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
    // "<uuid>;<13 digits>" is 50 bytes (last unit "xxx="); two more trailing ';' (dropped by split)
    // make 52 bytes (last unit "xx==").
    const onePad = b64(`${id};${time}`);
    const twoPads = b64(`${id};${time};;`);
    expect([onePad.slice(-2), twoPads.slice(-3)]).toEqual([onePad.slice(-2, -1) + "=", twoPads.slice(-3, -2) + "=="]);
    const arabicIndicTime = [...time].map((d) => String.fromCharCode(0x0660 + Number(d))).join("");
    const accepted = [
      onePad,
      twoPads,
      onePad.slice(0, -1), // padding is optional
      twoPads.slice(0, -2),
      b64(`${id};${arabicIndicTime}`), // Character.digit takes any Unicode decimal digit
    ];
    for (const paginationToken of accepted) {
      const r = await raw(h.core.url, "GET", "/public/users", { query: { limit: "1", paginationToken } });
      expect(r.status, paginationToken).toBe(200);
      expect(r.json.users.map((u: { id: string }) => u.id)).toEqual(expected);
    }
    const refused = [
      `${b64(`${id};${time};`)}A`, // 51 bytes have no last unit: a lone character ("Last unit does not have enough valid bits")
      `${twoPads.slice(0, -1)}`, // incomplete padding: "xx=" needs "xx=="
      `${onePad}=`, // padding after a complete unit
      `${onePad}QUJD`, // data after the padding
      `${onePad.slice(0, -4)}-_A=`, // URL-safe alphabet
      ` ${onePad}`, // whitespace
      b64(`${id};9223372036854775808`), // beyond Long.MAX_VALUE
      b64(`${id};1e3`),
    ];
    for (const paginationToken of refused) {
      const r = await raw(h.core.url, "GET", "/public/users", { query: { limit: "1", paginationToken } });
      expect(r.status, paginationToken).toBe(400);
      expect(r.text).toBe("invalid pagination token\n");
    }
  });

  it.each([
    [{ limit: "abc" }, "Field name 'limit' must be an int in the GET request"],
    [{ limit: "-3" }, "limit must a positive integer with min value 1"],
    [{ timeJoinedOrder: "UP" }, "timeJoinedOrder can be either ASC OR DESC"],
    [{ paginationToken: "not a token" }, "invalid pagination token"],
    [{ includeRecipeIds: "emailpassword,nope" }, "Unknown recipe ID: nope"],
  ])("raw %o → 400 %s", async (query, message) => {
    const r = await raw(h.core.url, "GET", "/public/users", { query });
    expect(r.status).toBe(400);
    expect(r.contentType).toBe("text/html;charset=UTF-8");
    expect(r.text).toBe(`${message}\n`);
  });
});

describe("search keys in getUsers*({query}) (§4.4)", () => {
  const search = (query: Record<string, string>, limit?: number) =>
    SuperTokens.getUsersNewestFirst({ tenantId: "public", query, ...(limit === undefined ? {} : { limit }) });

  it("email: prefix or @domain, case-insensitive, ';'-separated tags", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => search({ email: "alpha" }));
    expect(calls[0].query).toEqual({ timeJoinedOrder: "DESC", email: "alpha" });
    expect(ids(result.users)).toEqual([users[1].id, users[0].id]);
    expect(ids((await search({ email: "acme" })).users)).toEqual([users[4].id, users[2].id, users[0].id]);
    expect(ids((await search({ email: "beta" })).users)).toEqual([users[2].id, users[1].id]);
    expect(ids((await search({ email: " GAMMA ; Alpha1" })).users)).toEqual([users[3].id, users[0].id]);
    expect((await search({ email: "zzz" })).users).toEqual([]);
  });

  it("with search: no pagination token, limit ignored (even an invalid one)", async () => {
    const r = await recordCalls(h.proxy, () => search({ email: "acme" }, 1));
    expect(r.result.users.length).toBe(3);
    expect(r.result.nextPaginationToken).toBeUndefined();
    expect(r.calls[0].response).not.toHaveProperty("nextPaginationToken");
    expect((await search({ email: "acme" }, 501)).users.length).toBe(3);
  });

  it("with search: a valid pagination token is ignored, an invalid one is still a 400", async () => {
    const token = (await SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 1 })).nextPaginationToken!;
    const found = await SuperTokens.getUsersNewestFirst({ tenantId: "public", query: { email: "acme" }, paginationToken: token });
    expect(found.users.length).toBe(3);
    const r = await raw(h.core.url, "GET", "/public/users", { query: { email: "acme", paginationToken: "not a token" } });
    expect(r.status).toBe(400);
    expect(r.text).toBe("invalid pagination token\n");
  });

  it("phone and provider search only passwordless / thirdparty users (none here)", async () => {
    expect((await search({ phone: "+1" })).users).toEqual([]);
    expect((await search({ provider: "google" })).users).toEqual([]);
    // email + provider searches thirdparty users only, so emailpassword matches drop out.
    expect((await search({ email: "alpha", provider: "g" })).users).toEqual([]);
    expect((await search({ email: "alpha", phone: "+4" })).users).toEqual([]);
  });

  it("GET /user/search/tags lists the three tags", async () => {
    const r = await raw(h.core.url, "GET", "/user/search/tags");
    expect(r.json).toEqual({ status: "OK", tags: ["email", "phone", "provider"] });
  });
});

describe("getUserCount()", () => {
  it("GET /public/users/count?includeAllTenants=true; per tenant; per recipe", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.getUserCount());
    expect(brief(calls)).toEqual([{ method: "GET", path: "/public/users/count", query: { includeAllTenants: "true" } }]);
    expect(calls[0].headers.rid).toBeUndefined();
    expect(calls[0].response).toEqual({ status: "OK", count: 5 });
    expect(result).toBe(5);
    const ep = await recordCalls(h.proxy, () => SuperTokens.getUserCount(["emailpassword"], "public"));
    expect(ep.calls[0].query).toEqual({ includeRecipeIds: "emailpassword", includeAllTenants: "false" });
    expect(ep.result).toBe(5);
    expect(await SuperTokens.getUserCount(["thirdparty"])).toBe(0);

    expect((await Multitenancy.createOrUpdateTenant("t-count", {})).status).toBe("OK");
    const r = await EmailPassword.signUp("t-count", "only@t-count.test", "Passw0rd-123");
    expect(r.status).toBe("OK");
    const t = await recordCalls(h.proxy, () => SuperTokens.getUserCount(undefined, "t-count"));
    expect(brief(t.calls)).toEqual([{ method: "GET", path: "/t-count/users/count", query: { includeAllTenants: "false" } }]);
    expect(t.result).toBe(1);
    expect(await SuperTokens.getUserCount(undefined, "public")).toBe(5);
    expect(await SuperTokens.getUserCount()).toBe(6);
    // Listing is per tenant.
    expect((await SuperTokens.getUsersNewestFirst({ tenantId: "t-count" })).users.map((u) => u.emails)).toEqual([["only@t-count.test"]]);
  });
});
