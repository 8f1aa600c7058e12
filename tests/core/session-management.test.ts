// Listing, reading, writing and revoking sessions through the real SDK (§3.4–3.8, §3.11, §7, §9).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import Session from "supertokens-node/recipe/session";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import { javaHashSetOrder } from "../../local-core/java-order";
import { DAY_MS, ISS, REFRESH_VALIDITY_MS, brief, createSession, decodeJwt, raw, recordCalls, signUpUser, thrown, useSdkCore } from "./helpers";

const h = useSdkCore();
const TENANT = "t-mgmt";
const EXPIRED = REFRESH_VALIDITY_MS + DAY_MS; // clock offset that puts a fresh session past its expiry
beforeAll(async () => {
  expect((await Multitenancy.createOrUpdateTenant(TENANT, {})).status).toBe("OK");
});
afterEach(() => h.core.clock.setOffsetMs(0));

const sorted = (a: string[]) => [...a].sort();

describe("getAllSessionHandlesForUser(uid) / (uid, true, tenant)", () => {
  it("without a tenant: GET /recipe/session/user across all tenants", async () => {
    const uid = await signUpUser();
    const pub = (await createSession(uid)).getHandle();
    const ten = (await createSession(uid, {}, {}, TENANT)).getHandle();
    const { result, calls } = await recordCalls(h.proxy, () => Session.getAllSessionHandlesForUser(uid));
    expect(brief(calls)).toEqual([
      { method: "GET", path: "/recipe/session/user", query: { userId: uid, fetchSessionsForAllLinkedAccounts: "true", fetchAcrossAllTenants: "true" } },
    ]);
    expect(calls[0].headers.rid).toBe("session");
    expect(sorted(result)).toEqual(sorted([pub, ten]));
  });

  it("with a tenant: GET /<tenant>/recipe/session/user, that tenant only", async () => {
    const uid = await signUpUser();
    const pub = (await createSession(uid)).getHandle();
    const ten = (await createSession(uid, {}, {}, TENANT)).getHandle();
    const { result, calls } = await recordCalls(h.proxy, () => Session.getAllSessionHandlesForUser(uid, true, TENANT));
    expect(brief(calls)).toEqual([
      { method: "GET", path: `/${TENANT}/recipe/session/user`, query: { userId: uid, fetchSessionsForAllLinkedAccounts: "true", fetchAcrossAllTenants: "false" } },
    ]);
    expect(result).toEqual([ten]);
    expect(await Session.getAllSessionHandlesForUser(uid, true, "public")).toEqual([pub]);
  });

  it("fetchAcrossAllTenants (explicit or by default) with a non-public tenant prefix is 403", async () => {
    for (const query of [{ userId: "u", fetchAcrossAllTenants: "true" }, { userId: "u" }] as Record<string, string>[]) {
      const r = await raw(h.core.url, "GET", `/${TENANT}/recipe/session/user`, { query });
      expect(r.status).toBe(403);
      expect(r.text).toBe("Only public tenantId can call this app specific API\n");
    }
  });

  it("unknown user → []; expired sessions are not listed", async () => {
    expect(await Session.getAllSessionHandlesForUser("no-such-user")).toEqual([]);
    const uid = await signUpUser();
    const handle = (await createSession(uid)).getHandle();
    expect(await Session.getAllSessionHandlesForUser(uid)).toEqual([handle]);
    h.core.clock.setOffsetMs(EXPIRED);
    expect(await Session.getAllSessionHandlesForUser(uid)).toEqual([]);
  });
});

describe("getSessionInformation(h)", () => {
  it("GET /recipe/session?sessionHandle=h with all fields; expiry is the refresh-token expiry", async () => {
    const uid = await signUpUser();
    const create = await recordCalls(h.proxy, () => createSession(uid, { c: 1 }, { d: 1, n: null }));
    const rt = (create.calls[1].response as any).refreshToken;
    const handle = create.result.getHandle();
    const { result: info, calls } = await recordCalls(h.proxy, () => Session.getSessionInformation(handle));
    expect(brief(calls)).toEqual([{ method: "GET", path: "/recipe/session", query: { sessionHandle: handle } }]);
    expect(Object.keys(calls[0].response as object).sort()).toEqual(
      ["expiry", "recipeUserId", "sessionHandle", "status", "tenantId", "timeCreated", "userDataInDatabase", "userDataInJWT", "userId"],
    );
    expect(info).toBeDefined();
    const { recipeUserId, ...rest } = info!;
    expect(recipeUserId.getAsString()).toBe(uid);
    expect(rest).toEqual({
      sessionHandle: handle,
      timeCreated: rt.createdTime,
      expiry: rt.expiry,
      userId: uid,
      sessionDataInDatabase: { d: 1, n: null },
      customClaimsInAccessTokenPayload: { c: 1, iss: ISS },
      tenantId: "public",
    });
    const atExpiry = decodeJwt(create.result.getAccessToken()).payload.exp * 1000;
    expect(info!.expiry).not.toBe(atExpiry);
  });

  it("unknown handle → undefined; expired → undefined; unknown tenant suffix → the SDK throws the 400", async () => {
    expect(await Session.getSessionInformation("00000000-0000-0000-0000-000000000000")).toBeUndefined();
    const uid = await signUpUser();
    const handle = (await createSession(uid)).getHandle();
    h.core.clock.setOffsetMs(EXPIRED);
    expect(await Session.getSessionInformation(handle)).toBeUndefined();
    h.core.clock.setOffsetMs(0);
    expect(await Session.getSessionInformation(handle)).toBeDefined();
    const err = await thrown(() => Session.getSessionInformation("00000000-0000-4000-8000-000000000000_ghost"));
    expect(err.message).toBe(
      "SuperTokens core threw an error for a GET request to path: '/recipe/session' with status code: 400 and message: " +
        "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, ghost)\n",
    );
  });
});

describe("updateSessionDataInDatabase(h, d)", () => {
  it("PUT /recipe/session/data overwrites the whole object, keeping nulls", async () => {
    const uid = await signUpUser();
    const handle = (await createSession(uid, {}, { a: 1, b: { c: 2 } })).getHandle();
    const next = { b: null, z: { y: null, x: [1, null] } };
    const { result, calls } = await recordCalls(h.proxy, () => Session.updateSessionDataInDatabase(handle, next));
    expect(result).toBe(true);
    expect(brief(calls)).toEqual([{ method: "PUT", path: "/recipe/session/data", query: {} }]);
    expect(calls[0].body).toEqual({ sessionHandle: handle, userDataInDatabase: next });
    expect(calls[0].response).toEqual({ status: "OK" });
    expect((await Session.getSessionInformation(handle))!.sessionDataInDatabase).toEqual(next);
  });

  it("works for a non-public tenant's handle (tenant taken from the suffix)", async () => {
    const uid = await signUpUser();
    const handle = (await createSession(uid, {}, { a: 1 }, TENANT)).getHandle();
    expect(await Session.updateSessionDataInDatabase(handle, { t: TENANT })).toBe(true);
    expect((await Session.getSessionInformation(handle))!.sessionDataInDatabase).toEqual({ t: TENANT });
  });

  it("unknown handle → false; expired session → false and unchanged", async () => {
    expect(await Session.updateSessionDataInDatabase("00000000-0000-0000-0000-000000000000", { x: 1 })).toBe(false);
    const uid = await signUpUser();
    const handle = (await createSession(uid, {}, { before: true })).getHandle();
    h.core.clock.setOffsetMs(EXPIRED);
    expect(await Session.updateSessionDataInDatabase(handle, { after: true })).toBe(false);
    h.core.clock.setOffsetMs(0);
    expect((await Session.getSessionInformation(handle))!.sessionDataInDatabase).toEqual({ before: true });
  });
});

describe("mergeIntoAccessTokenPayload(h, u)", () => {
  it("GET /recipe/session then PUT /recipe/jwt/data with the merged payload (null deletes)", async () => {
    const uid = await signUpUser();
    const s = await createSession(uid, { custom: 1, keep: "x", drop: true });
    const handle = s.getHandle();
    const { result, calls } = await recordCalls(h.proxy, () => Session.mergeIntoAccessTokenPayload(handle, { custom: 2, drop: null, added: [1] }));
    expect(result).toBe(true);
    expect(brief(calls)).toEqual([
      { method: "GET", path: "/recipe/session", query: { sessionHandle: handle } },
      { method: "PUT", path: "/recipe/jwt/data", query: {} },
    ]);
    expect(calls[1].body).toEqual({ sessionHandle: handle, userDataInJWT: { custom: 2, keep: "x", added: [1], iss: ISS } });
    expect(calls[1].response).toEqual({ status: "OK" });
    expect((await Session.getSessionInformation(handle))!.customClaimsInAccessTokenPayload).toEqual({ custom: 2, keep: "x", added: [1], iss: ISS });
    // Issued tokens are unchanged; a checkDatabase verify sees the stale payload and re-mints.
    expect(decodeJwt(s.getAccessToken()).payload.custom).toBe(1);
    const verified = await Session.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, { checkDatabase: true });
    const tokens = verified.getAllSessionTokensDangerously();
    expect(tokens.accessAndFrontTokenUpdated).toBe(true);
    const p = decodeJwt(tokens.accessToken).payload;
    expect(p.custom).toBe(2);
    expect(p.added).toEqual([1]);
    expect(p).not.toHaveProperty("drop");
    expect(p.sessionHandle).toBe(handle);
  });

  it("unknown handle → false after only the GET; expired → false", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => Session.mergeIntoAccessTokenPayload("00000000-0000-0000-0000-000000000000", { a: 1 }));
    expect(result).toBe(false);
    expect(brief(calls).map((c) => `${c.method} ${c.path}`)).toEqual(["GET /recipe/session"]);
    const uid = await signUpUser();
    const handle = (await createSession(uid)).getHandle();
    h.core.clock.setOffsetMs(EXPIRED);
    expect(await Session.mergeIntoAccessTokenPayload(handle, { a: 1 })).toBe(false);
  });

  it("raw PUT /recipe/jwt/data with a protected claim is 400; unknown handle is UNAUTHORISED", async () => {
    const uid = await signUpUser();
    const handle = (await createSession(uid)).getHandle();
    for (const key of ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "tId", "rsub"]) {
      const r = await raw(h.core.url, "PUT", "/recipe/jwt/data", { body: { sessionHandle: handle, userDataInJWT: { [key]: "x" } } });
      expect(r.status, key).toBe(400);
      expect(r.text).toBe("The user payload contains protected field\n");
    }
    const r = await raw(h.core.url, "PUT", "/recipe/jwt/data", { body: { sessionHandle: "nope", userDataInJWT: { ok: null } } });
    expect(r.json).toEqual({ status: "UNAUTHORISED", message: "Session does not exist." });
    const ok = await raw(h.core.url, "PUT", "/recipe/jwt/data", { body: { sessionHandle: handle, userDataInJWT: { ok: null } } });
    expect(ok.json).toEqual({ status: "OK" });
    expect((await Session.getSessionInformation(handle))!.customClaimsInAccessTokenPayload).toEqual({ ok: null });
  });
});

describe("session.mergeIntoAccessTokenPayload (Session object) → POST /recipe/session/regenerate", () => {
  it("re-mints the token with the merged payload and the same expiry; revoked → UNAUTHORISED", async () => {
    const uid = await signUpUser();
    const s = await createSession(uid, { a: 1, b: 2 });
    const oldExp = decodeJwt(s.getAccessToken()).payload.exp;
    const { calls } = await recordCalls(h.proxy, () => s.mergeIntoAccessTokenPayload({ b: null, c: 3 }));
    expect(brief(calls)).toEqual([{ method: "POST", path: "/recipe/session/regenerate", query: {} }]);
    expect(calls[0].body).toEqual({ accessToken: expect.any(String), userDataInJWT: { a: 1, c: 3, iss: ISS } });
    const p = decodeJwt(s.getAccessToken()).payload;
    expect(p).toMatchObject({ a: 1, c: 3, exp: oldExp, sessionHandle: s.getHandle() });
    expect(p).not.toHaveProperty("b");
    expect((await Session.getSessionInformation(s.getHandle()))!.customClaimsInAccessTokenPayload).toEqual({ a: 1, c: 3, iss: ISS });
    await Session.revokeSession(s.getHandle());
    const err = await thrown(() => s.mergeIntoAccessTokenPayload({ d: 4 }));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect(err.message).toBe("Session does not exist anymore");
  });
});

describe("revokeSession / revokeMultipleSessions / revokeAllSessionsForUser", () => {
  it("revokeSession(h): POST /recipe/session/remove {sessionHandles:[h]}; true then false", async () => {
    const uid = await signUpUser();
    const handle = (await createSession(uid)).getHandle();
    const { result, calls } = await recordCalls(h.proxy, () => Session.revokeSession(handle));
    expect(result).toBe(true);
    expect(brief(calls)).toEqual([{ method: "POST", path: "/recipe/session/remove", query: {} }]);
    expect(calls[0].body).toEqual({ sessionHandles: [handle] });
    expect(calls[0].response).toEqual({ status: "OK", sessionHandlesRevoked: [handle] });
    expect(await Session.revokeSession(handle)).toBe(false);
    expect(await Session.getSessionInformation(handle)).toBeUndefined();
  });

  it("revokeMultipleSessions(hs) returns only the handles that existed, across tenants", async () => {
    const uid = await signUpUser();
    const a = (await createSession(uid)).getHandle();
    const b = (await createSession(uid, {}, {}, TENANT)).getHandle();
    const unknown = "00000000-0000-0000-0000-000000000000";
    const { result, calls } = await recordCalls(h.proxy, () => Session.revokeMultipleSessions([a, b, unknown]));
    expect(calls[0].body).toEqual({ sessionHandles: [a, b, unknown] });
    expect(sorted(result)).toEqual(sorted([a, b]));
    expect(await Session.getAllSessionHandlesForUser(uid)).toEqual([]);
  });

  it("the revoked list follows the core's HashMap of tenants: given handles key public by null (first)", async () => {
    // SessionRemoveAPI groups given handles by their raw suffix, so public handles share the null key
    // (bucket 0) and come before "t-rm" (bucket 1). Revoking by userId groups by tenant id, where
    // "public" (bucket 4) comes after "t-rm".
    expect((await Multitenancy.createOrUpdateTenant("t-rm", {})).status).toBe("OK");
    const uid = await signUpUser();
    const pub = (await createSession(uid)).getHandle();
    const ten = (await createSession(uid, {}, {}, "t-rm")).getHandle();
    expect(await Session.revokeMultipleSessions([ten, pub])).toEqual([pub, ten]);
    const pub2 = (await createSession(uid)).getHandle();
    const ten2 = (await createSession(uid, {}, {}, "t-rm")).getHandle();
    expect(await Session.revokeAllSessionsForUser(uid)).toEqual([ten2, pub2]);
  });

  it("a handle of an unknown tenant: 400, after the groups before it in the HashMap are already revoked", async () => {
    // SessionRemoveAPI deletes group by group (null key, then "t-gone", then "t-mgmt" in Java's
    // HashMap order) with no transaction around them: the unknown tenant "t-gone" throws after the
    // public handle is gone, and the "t-mgmt" group is never reached.
    expect(javaHashSetOrder([TENANT, "t-gone", null])).toEqual([null, "t-gone", TENANT]);
    const uid = await signUpUser();
    const pub = (await createSession(uid)).getHandle();
    const ten = (await createSession(uid, {}, {}, TENANT)).getHandle();
    const gone = "00000000-0000-4000-8000-000000000000_t-gone";
    const err = await thrown(() => Session.revokeMultipleSessions([ten, gone, pub]));
    expect(err.message).toContain("with status code: 400 and message: AppId or tenantId not found");
    expect(await Session.getSessionInformation(pub)).toBeUndefined();
    expect((await Session.getSessionInformation(ten))?.sessionHandle).toBe(ten);
  });

  it("revokeAllSessionsForUser(uid): all tenants; with a tenant: /<tenant>/recipe/session/remove, that tenant only", async () => {
    const uid = await signUpUser();
    const pub = (await createSession(uid)).getHandle();
    const ten = (await createSession(uid, {}, {}, TENANT)).getHandle();
    const one = await recordCalls(h.proxy, () => Session.revokeAllSessionsForUser(uid, true, TENANT));
    expect(brief(one.calls)).toEqual([{ method: "POST", path: `/${TENANT}/recipe/session/remove`, query: {} }]);
    expect(one.calls[0].body).toEqual({ userId: uid, revokeSessionsForLinkedAccounts: true, revokeAcrossAllTenants: false });
    expect(one.result).toEqual([ten]);
    const pub2 = (await createSession(uid)).getHandle();
    const all = await recordCalls(h.proxy, () => Session.revokeAllSessionsForUser(uid));
    expect(brief(all.calls)).toEqual([{ method: "POST", path: "/recipe/session/remove", query: {} }]);
    expect(all.calls[0].body).toEqual({ userId: uid, revokeSessionsForLinkedAccounts: true, revokeAcrossAllTenants: true });
    expect(sorted(all.result)).toEqual(sorted([pub, pub2]));
    expect(await Session.revokeAllSessionsForUser(uid)).toEqual([]);
  });

  it("expired rows: deleted by handle, untouched by userId (§3.7)", async () => {
    const uid = await signUpUser();
    const byHandle = (await createSession(uid)).getHandle();
    const byUser = (await createSession(uid)).getHandle();
    h.core.clock.setOffsetMs(EXPIRED);
    expect(await Session.revokeAllSessionsForUser(uid)).toEqual([]);
    expect(await Session.revokeSession(byHandle)).toBe(true);
    h.core.clock.setOffsetMs(0);
    expect(await Session.getSessionInformation(byHandle)).toBeUndefined();
    expect((await Session.getSessionInformation(byUser))?.sessionHandle).toBe(byUser);
  });
});
