// Session create → verify → refresh → promotion → theft detection through the real SDK (§3.1–3.3, §3.10, §7).
import { afterEach, describe, expect, it } from "vitest";
import Session from "supertokens-node/recipe/session";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import {
  ACCESS_VALIDITY_S,
  API_KEY,
  DAY_MS,
  HEX64,
  ISS,
  REFRESH_VALIDITY_MS,
  UUID_V4,
  brief,
  createSession,
  decodeJwt,
  recordCalls,
  sha256Hex,
  signUpUser,
  thrown,
  useSdkCore,
} from "./helpers";

const h = useSdkCore();
afterEach(() => h.core.clock.setOffsetMs(0));

const verifyCalls = <C extends { path: string }>(calls: C[]) => calls.filter((c) => c.path === "/recipe/session/verify");

describe("handshake: GET /apiversion (§2)", () => {
  it("is sent once, before the first core call, with apiDomain/websiteDomain and without cdi-version", () => {
    expect(brief(h.bootCalls)).toEqual([
      { method: "GET", path: "/apiversion", query: { apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" } },
      { method: "GET", path: "/public/users/count", query: { includeAllTenants: "true" } },
    ]);
    expect(h.bootCalls[0].headers).toEqual({ "api-key": API_KEY });
    expect(h.bootCalls[0].status).toBe(200);
    expect((h.bootCalls[0].response as any).versions).toContain("5.4");
    expect(h.bootCalls[1].headers["cdi-version"]).toBe("5.4");
  });
});

describe('createNewSessionWithoutRequestResponse("public", rid)', () => {
  it("calls GET /user/id then POST /public/recipe/session with the exact body", async () => {
    const uid = await signUpUser();
    const { result: session, calls } = await recordCalls(h.proxy, () => createSession(uid, { custom: 1 }, { note: "s1" }));
    expect(brief(calls)).toEqual([
      { method: "GET", path: "/user/id", query: { userId: uid } },
      { method: "POST", path: "/public/recipe/session", query: {} },
    ]);
    expect(calls[0].headers).toEqual({ "cdi-version": "5.4", "api-key": API_KEY });
    expect(calls[1].headers).toEqual({
      "cdi-version": "5.4",
      "api-key": API_KEY,
      rid: "session",
      "content-type": "application/json; charset=utf-8",
    });
    expect(calls[1].body).toEqual({
      userId: uid,
      userDataInJWT: { custom: 1, iss: ISS },
      userDataInDatabase: { note: "s1" },
      useDynamicSigningKey: true,
      enableAntiCsrf: false,
    });
    expect(session.getHandle()).toMatch(UUID_V4);
    expect(session.getUserId()).toBe(uid);
    expect(session.getRecipeUserId().getAsString()).toBe(uid);
    expect(session.getTenantId()).toBe("public");
  });

  it("returns the §3.1 response: whole-second access token times, 100-day refresh expiry, no antiCsrfToken", async () => {
    const uid = await signUpUser();
    const before = Date.now();
    const { calls } = await recordCalls(h.proxy, () => createSession(uid, { custom: 2 }));
    const body = calls[1].response as any;
    expect(Object.keys(body).sort()).toEqual(["accessToken", "refreshToken", "session", "status"]);
    expect(body.status).toBe("OK");
    expect(body.session).toEqual({
      handle: expect.stringMatching(UUID_V4),
      userId: uid,
      recipeUserId: uid,
      userDataInJWT: { custom: 2, iss: ISS },
      tenantId: "public",
    });
    const { payload } = decodeJwt(body.accessToken.token);
    expect(body.accessToken.expiry).toBe(payload.exp * 1000);
    expect(body.accessToken.createdTime).toBe(payload.iat * 1000);
    expect(body.refreshToken.createdTime).toBeGreaterThanOrEqual(before - 1000);
    expect(body.refreshToken.createdTime).toBeLessThanOrEqual(Date.now() + 1000);
    expect(body.refreshToken.expiry - body.refreshToken.createdTime).toBe(REFRESH_VALIDITY_MS);
  });

  it("mints an RS256 V5 JWT with a d- kid and exactly the §3.10 claims", async () => {
    const uid = await signUpUser();
    const session = await createSession(uid, { custom: 3, nested: { a: [1, null] } });
    const tokens = session.getAllSessionTokensDangerously();
    const { header, payload } = decodeJwt(tokens.accessToken);
    expect(header).toEqual({ alg: "RS256", typ: "JWT", kid: expect.stringMatching(/^d-\d{13}$/), version: "5" });
    expect(payload).toEqual({
      sub: uid,
      rsub: uid,
      exp: expect.any(Number),
      iat: expect.any(Number),
      tId: "public",
      sessionHandle: session.getHandle(),
      refreshTokenHash1: sha256Hex(tokens.refreshToken!),
      parentRefreshTokenHash1: null,
      antiCsrfToken: null,
      iss: ISS,
      custom: 3,
      nested: { a: [1, null] },
    });
    expect(payload.refreshTokenHash1).toMatch(HEX64);
    expect(payload.exp - payload.iat).toBe(ACCESS_VALIDITY_S);
    expect(Math.abs(payload.iat * 1000 - Date.now())).toBeLessThan(5000);
    expect(tokens.antiCsrfToken).toBeUndefined();
  });

  it("a non-public tenant gets a `<uuid>_<tenant>` handle, the tenant path prefix and tId", async () => {
    const created = await Multitenancy.createOrUpdateTenant("t-life", {});
    expect(created.status).toBe("OK");
    const uid = await signUpUser();
    const { result: session, calls } = await recordCalls(h.proxy, () => createSession(uid, {}, {}, "t-life"));
    expect(brief(calls)[1]).toEqual({ method: "POST", path: "/t-life/recipe/session", query: {} });
    expect(session.getHandle()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}_t-life$/);
    expect(session.getTenantId()).toBe("t-life");
    expect(decodeJwt(session.getAccessToken()).payload.tId).toBe("t-life");
    const info = await Session.getSessionInformation(session.getHandle());
    expect(info?.tenantId).toBe("t-life");
  });

  it("an unknown tenant is a 400 the SDK throws with the §1.6 message", async () => {
    const uid = await signUpUser();
    const err = await thrown(() => createSession(uid, {}, {}, "no-such-tenant"));
    expect(err.message).toBe(
      "SuperTokens core threw an error for a POST request to path: '/no-such-tenant/recipe/session' with status code: 400 and message: " +
        "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, no-such-tenant)\n",
    );
  });
});

describe("getSessionWithoutRequestResponse(at)", () => {
  it("verifies locally via JWKS: no core call except the (cached) jwks fetch", async () => {
    const uid = await signUpUser();
    const created = await createSession(uid, { custom: 4 });
    const at = created.getAccessToken();
    const first = await recordCalls(h.proxy, () => Session.getSessionWithoutRequestResponse(at));
    // jose fetches the JWKS without api-key / cdi-version (§1.2); nothing else is called.
    expect(first.calls.every((c) => c.method === "GET" && c.path === "/.well-known/jwks.json")).toBe(true);
    expect(first.calls.length).toBeLessThanOrEqual(1);
    for (const c of first.calls) expect(c.headers).toEqual({});
    const second = await recordCalls(h.proxy, () => Session.getSessionWithoutRequestResponse(at));
    expect(second.calls).toEqual([]);
    const s = second.result;
    expect(s.getHandle()).toBe(created.getHandle());
    expect(s.getUserId()).toBe(uid);
    expect(s.getAccessTokenPayload().custom).toBe(4);
    expect(s.getAllSessionTokensDangerously().accessAndFrontTokenUpdated).toBe(false);
  });

  it("a tampered token is TRY_REFRESH_TOKEN without a core call", async () => {
    const uid = await signUpUser();
    const at = (await createSession(uid)).getAccessToken();
    const [hd, , sig] = at.split(".");
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(at).payload, sub: "someone-else" })).toString("base64url");
    const { calls, result } = await recordCalls(h.proxy, () => thrown(() => Session.getSessionWithoutRequestResponse(`${hd}.${forged}.${sig}`)));
    expect(result.type).toBe(Session.Error.TRY_REFRESH_TOKEN);
    expect(verifyCalls(calls)).toEqual([]);
  });

  it("checkDatabase:true calls POST /recipe/session/verify and gets no new token for a fresh session", async () => {
    const uid = await signUpUser();
    const at = (await createSession(uid, { custom: 5 })).getAccessToken();
    await Session.getSessionWithoutRequestResponse(at); // warm the JWKS cache
    const { calls, result } = await recordCalls(h.proxy, () => Session.getSessionWithoutRequestResponse(at, undefined, { checkDatabase: true }));
    expect(brief(calls)).toEqual([{ method: "POST", path: "/recipe/session/verify", query: {} }]);
    expect(calls[0].body).toEqual({ accessToken: at, doAntiCsrfCheck: true, enableAntiCsrf: false, checkDatabase: true });
    const res = calls[0].response as any;
    expect(res.status).toBe("OK");
    expect(res).not.toHaveProperty("accessToken");
    expect(res.session).toEqual({ handle: result.getHandle(), userId: uid, recipeUserId: uid, userDataInJWT: { custom: 5, iss: ISS }, tenantId: "public" });
    expect(result.getAccessToken()).toBe(at);
  });

  it("checkDatabase:true on a revoked session is UNAUTHORISED with the core message", async () => {
    const uid = await signUpUser();
    const s = await createSession(uid);
    await Session.revokeSession(s.getHandle());
    const err = await thrown(() => Session.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, { checkDatabase: true }));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect(err.message).toBe("Either the session has ended or has been blacklisted");
  });
});

describe("refreshSessionWithoutRequestResponse(rt) → rotation → promotion → theft", () => {
  it("refresh sends POST /recipe/session/refresh and mints a child token pair", async () => {
    const uid = await signUpUser();
    const s1 = await createSession(uid, { custom: 6 }, { d: 1 });
    const rt1 = s1.getAllSessionTokensDangerously().refreshToken!;
    const { calls, result: s2 } = await recordCalls(h.proxy, () => Session.refreshSessionWithoutRequestResponse(rt1));
    expect(brief(calls)).toEqual([{ method: "POST", path: "/recipe/session/refresh", query: {} }]);
    expect(calls[0].body).toEqual({ refreshToken: rt1, enableAntiCsrf: false, useDynamicSigningKey: true });
    const res = calls[0].response as any;
    expect(Object.keys(res).sort()).toEqual(["accessToken", "refreshToken", "session", "status"]);
    const t2 = s2.getAllSessionTokensDangerously();
    expect(s2.getHandle()).toBe(s1.getHandle());
    expect(t2.refreshToken).not.toBe(rt1);
    const { payload } = decodeJwt(t2.accessToken);
    expect(payload.parentRefreshTokenHash1).toBe(sha256Hex(rt1));
    expect(payload.refreshTokenHash1).toBe(sha256Hex(t2.refreshToken!));
    expect(payload.custom).toBe(6);
    expect(payload.sessionHandle).toBe(s1.getHandle());
  });

  it("the first verify of a refresh-minted token calls the core, promotes, and returns a new token", async () => {
    const uid = await signUpUser();
    const s1 = await createSession(uid, { custom: 7 });
    const s2 = await Session.refreshSessionWithoutRequestResponse(s1.getAllSessionTokensDangerously().refreshToken!);
    const t2 = s2.getAllSessionTokensDangerously();
    const { calls, result: s3 } = await recordCalls(h.proxy, () => Session.getSessionWithoutRequestResponse(t2.accessToken));
    expect(verifyCalls(calls).length).toBe(1);
    expect(verifyCalls(calls)[0].body).toEqual({ accessToken: t2.accessToken, doAntiCsrfCheck: true, enableAntiCsrf: false, checkDatabase: false });
    const t3 = s3.getAllSessionTokensDangerously();
    expect(t3.accessAndFrontTokenUpdated).toBe(true);
    expect(t3.accessToken).not.toBe(t2.accessToken);
    const p3 = decodeJwt(t3.accessToken).payload;
    expect(p3.parentRefreshTokenHash1).toBeNull();
    expect(p3.refreshTokenHash1).toBe(sha256Hex(t2.refreshToken!));
    expect(p3.custom).toBe(7);
    // The promoted token no longer needs the core.
    const again = await recordCalls(h.proxy, () => Session.getSessionWithoutRequestResponse(t3.accessToken));
    expect(verifyCalls(again.calls)).toEqual([]);
  });

  it("reusing the parent refresh token before promotion is still OK (§3.3 step 4)", async () => {
    const uid = await signUpUser();
    const rt1 = (await createSession(uid)).getAllSessionTokensDangerously().refreshToken!;
    await Session.refreshSessionWithoutRequestResponse(rt1);
    const again = await Session.refreshSessionWithoutRequestResponse(rt1);
    expect(decodeJwt(again.getAccessToken()).payload.parentRefreshTokenHash1).toBe(sha256Hex(rt1));
  });

  it("reusing an old refresh token after promotion is TOKEN_THEFT_DETECTED and the session row stays (§9)", async () => {
    const uid = await signUpUser();
    const s1 = await createSession(uid, {}, { keep: true });
    const rt1 = s1.getAllSessionTokensDangerously().refreshToken!;
    const s2 = await Session.refreshSessionWithoutRequestResponse(rt1);
    await Session.getSessionWithoutRequestResponse(s2.getAccessToken()); // promotes rt2
    const { calls, result: err } = await recordCalls(h.proxy, () => thrown(() => Session.refreshSessionWithoutRequestResponse(rt1)));
    expect(calls[0].response).toEqual({ status: "TOKEN_THEFT_DETECTED", session: { handle: s1.getHandle(), userId: uid, recipeUserId: uid } });
    expect(err.type).toBe(Session.Error.TOKEN_THEFT_DETECTED);
    expect(err.payload.sessionHandle).toBe(s1.getHandle());
    expect(err.payload.userId).toBe(uid);
    expect(err.payload.recipeUserId.getAsString()).toBe(uid);
    expect(await Session.getAllSessionHandlesForUser(uid)).toEqual([s1.getHandle()]);
    expect((await Session.getSessionInformation(s1.getHandle()))?.sessionDataInDatabase).toEqual({ keep: true });
  });

  it("refreshing with the child token promotes it (expiry extended); the grandparent is then theft", async () => {
    const uid = await signUpUser();
    const s1 = await createSession(uid);
    const rt1 = s1.getAllSessionTokensDangerously().refreshToken!;
    const before = (await Session.getSessionInformation(s1.getHandle()))!.expiry;
    const rt2 = (await Session.refreshSessionWithoutRequestResponse(rt1)).getAllSessionTokensDangerously().refreshToken!;
    h.core.clock.setOffsetMs(DAY_MS);
    const s3 = await Session.refreshSessionWithoutRequestResponse(rt2);
    expect(decodeJwt(s3.getAccessToken()).payload.parentRefreshTokenHash1).toBe(sha256Hex(rt2));
    const after = (await Session.getSessionInformation(s1.getHandle()))!.expiry;
    expect(after - before).toBeGreaterThanOrEqual(DAY_MS - 1000);
    expect(Math.abs(after - (Date.now() + DAY_MS + REFRESH_VALIDITY_MS))).toBeLessThan(5000);
    expect((await thrown(() => Session.refreshSessionWithoutRequestResponse(rt1))).type).toBe(Session.Error.TOKEN_THEFT_DETECTED);
  });

  it("a non-public tenant's session refreshes through the app-level path; the tenant comes from the token", async () => {
    await Multitenancy.createOrUpdateTenant("t-life", {});
    const uid = await signUpUser();
    const s1 = await createSession(uid, { t: 1 }, {}, "t-life");
    const { calls, result } = await recordCalls(h.proxy, () =>
      Session.refreshSessionWithoutRequestResponse(s1.getAllSessionTokensDangerously().refreshToken!),
    );
    expect(brief(calls)).toEqual([{ method: "POST", path: "/recipe/session/refresh", query: {} }]);
    expect(result.getTenantId()).toBe("t-life");
    expect(result.getHandle()).toBe(s1.getHandle());
    expect(decodeJwt(result.getAccessToken()).payload.tId).toBe("t-life");
  });

  it("verifying a refresh-minted token of a revoked session is UNAUTHORISED 'Session missing in db'", async () => {
    const uid = await signUpUser();
    const s1 = await createSession(uid);
    const s2 = await Session.refreshSessionWithoutRequestResponse(s1.getAllSessionTokensDangerously().refreshToken!);
    await Session.revokeSession(s1.getHandle());
    const err = await thrown(() => Session.getSessionWithoutRequestResponse(s2.getAccessToken()));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect(err.message).toBe("Session missing in db");
  });

  it("an undecodable refresh token is UNAUTHORISED", async () => {
    const { calls, result: err } = await recordCalls(h.proxy, () => thrown(() => Session.refreshSessionWithoutRequestResponse("garbage.token.V2")));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect((calls[0].response as any).status).toBe("UNAUTHORISED");
    expect(typeof (calls[0].response as any).message).toBe("string");
  });

  it("a revoked session's refresh token is UNAUTHORISED 'Session missing in db or has expired'", async () => {
    const uid = await signUpUser();
    const s = await createSession(uid);
    await Session.revokeSession(s.getHandle());
    const err = await thrown(() => Session.refreshSessionWithoutRequestResponse(s.getAllSessionTokensDangerously().refreshToken!));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect(err.message).toBe("Session missing in db or has expired");
  });

  // Offsets stay under the 7-day dynamic-key rotation here: a key minted "in the future" would be a new kid,
  // and jose will not refetch the JWKS within its 500 ms cooldown (real SDK behaviour, not a core fault).
  it("an expired session cannot be refreshed; promotion extends expiry to now + 100 days (§3.11)", async () => {
    const uid = await signUpUser();
    const s = await createSession(uid);
    const created = (await Session.getSessionInformation(s.getHandle()))!;
    expect(created.expiry - created.timeCreated).toBe(REFRESH_VALIDITY_MS);
    h.core.clock.setOffsetMs(2 * DAY_MS);
    const s2 = await Session.refreshSessionWithoutRequestResponse(s.getAllSessionTokensDangerously().refreshToken!);
    // A refresh with the current token does not move the expiry …
    expect((await Session.getSessionInformation(s.getHandle()))!.expiry).toBe(created.expiry);
    // … the promotion at the first verify does.
    await Session.getSessionWithoutRequestResponse(s2.getAccessToken());
    const promoted = (await Session.getSessionInformation(s.getHandle()))!.expiry;
    expect(promoted - (created.expiry + 2 * DAY_MS)).toBeGreaterThanOrEqual(-1000);
    expect(promoted - (Date.now() + 2 * DAY_MS + REFRESH_VALIDITY_MS)).toBeLessThanOrEqual(1000);
    h.core.clock.setOffsetMs(2 * DAY_MS + REFRESH_VALIDITY_MS + DAY_MS);
    const err = await thrown(() => Session.refreshSessionWithoutRequestResponse(s2.getAllSessionTokensDangerously().refreshToken!));
    expect(err.type).toBe(Session.Error.UNAUTHORISED);
    expect(err.message).toBe("Session missing in db or has expired");
  });
});
