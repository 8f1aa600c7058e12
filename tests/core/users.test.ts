// getUser, listUsersByAccountInfo, deleteUser, EmailPassword.signUp / signIn through the real SDK (§4, §5, §7).
import { beforeAll, describe, expect, it } from "vitest";
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { API_KEY, UUID_V4, brief, createSession, raw, recordCalls, signUpUser, thrown, uniqueEmail, useSdkCore } from "./helpers";

const h = useSdkCore();
const TENANT = "t-users";
beforeAll(async () => {
  expect((await Multitenancy.createOrUpdateTenant(TENANT, {})).status).toBe("OK");
});

/** The §4.1 JSON of a fresh emailpassword user. */
function epUserJson(id: string, email: string, timeJoined: number, tenant = "public") {
  return {
    id,
    isPrimaryUser: false,
    tenantIds: [tenant],
    timeJoined,
    emails: [email],
    phoneNumbers: [],
    thirdParty: [],
    webauthn: { credentialIds: [] },
    loginMethods: [{ tenantIds: [tenant], recipeUserId: id, verified: false, timeJoined, recipeId: "emailpassword", email }],
  };
}

describe('EmailPassword.signUp("public", e, p)', () => {
  it("POST /public/recipe/signup, nothing else; the core normalises the email", async () => {
    const local = `New.User-${Date.now()}`;
    const before = Date.now();
    const { result, calls } = await recordCalls(h.proxy, () => EmailPassword.signUp("public", `  ${local}@Example.COM `, "Passw0rd-123"));
    expect(brief(calls)).toEqual([{ method: "POST", path: "/public/recipe/signup", query: {} }]);
    expect(calls[0].headers).toEqual({ "cdi-version": "5.4", "api-key": API_KEY, rid: "emailpassword", "content-type": "application/json; charset=utf-8" });
    expect(calls[0].body).toEqual({ email: `  ${local}@Example.COM `, password: "Passw0rd-123" });
    expect(result.status).toBe("OK");
    if (result.status !== "OK") return;
    const email = `${local.toLowerCase()}@example.com`;
    const id = result.user.id;
    expect(id).toMatch(UUID_V4);
    expect(result.recipeUserId.getAsString()).toBe(id);
    expect(result.user.timeJoined).toBeGreaterThanOrEqual(before - 1000);
    expect(result.user.timeJoined).toBeLessThanOrEqual(Date.now() + 1000);
    expect(calls[0].response).toEqual({ status: "OK", user: epUserJson(id, email, result.user.timeJoined), recipeUserId: id });
  });

  it("EMAIL_ALREADY_EXISTS_ERROR on the normalised email, per tenant", async () => {
    const email = uniqueEmail("dup");
    expect((await EmailPassword.signUp("public", email, "Passw0rd-123")).status).toBe("OK");
    const { result, calls } = await recordCalls(h.proxy, () => EmailPassword.signUp("public", ` ${email.toUpperCase()} `, "other-pass"));
    expect(result).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
    expect(calls[0].response).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
    const other = await recordCalls(h.proxy, () => EmailPassword.signUp(TENANT, email, "Passw0rd-123"));
    expect(brief(other.calls)[0].path).toBe(`/${TENANT}/recipe/signup`);
    expect(other.result.status).toBe("OK");
    if (other.result.status === "OK") expect(other.result.user.tenantIds).toEqual([TENANT]);
  });

  it("an empty password is a 400 the SDK throws; the format of the email is not checked", async () => {
    const err = await thrown(() => EmailPassword.signUp("public", uniqueEmail(), ""));
    expect(err.message).toBe(
      "SuperTokens core threw an error for a POST request to path: '/public/recipe/signup' with status code: 400 and message: Password cannot be an empty string\n",
    );
    expect((await EmailPassword.signUp("public", `not-an-email-${Date.now()}`, "x")).status).toBe("OK");
  });
});

describe('EmailPassword.signIn("public", e, p)', () => {
  it("POST /public/recipe/signin then GET /user/id (unverified login method)", async () => {
    const email = uniqueEmail("signin");
    const id = await signUpUser(email);
    const { result, calls } = await recordCalls(h.proxy, () => EmailPassword.signIn("public", email.toUpperCase(), "Passw0rd-123"));
    expect(brief(calls)).toEqual([
      { method: "POST", path: "/public/recipe/signin", query: {} },
      { method: "GET", path: "/user/id", query: { userId: id } },
    ]);
    expect(calls[0].body).toEqual({ email: email.toUpperCase(), password: "Passw0rd-123" });
    expect(result.status).toBe("OK");
    if (result.status === "OK") {
      expect(result.user.id).toBe(id);
      expect(result.recipeUserId.getAsString()).toBe(id);
    }
    expect((calls[0].response as any).recipeUserId).toBe(id);
  });

  it("wrong password, unknown email, other tenant → WRONG_CREDENTIALS_ERROR", async () => {
    const email = uniqueEmail("signin");
    await signUpUser(email);
    const { result, calls } = await recordCalls(h.proxy, () => EmailPassword.signIn("public", email, "wrong"));
    expect(result).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    expect(calls.length).toBe(1);
    expect(calls[0].response).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    expect(await EmailPassword.signIn("public", uniqueEmail("nobody"), "Passw0rd-123")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    expect(await EmailPassword.signIn(TENANT, email, "Passw0rd-123")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });
});

describe("getUser(id)", () => {
  it("GET /user/id?userId=id (no rid) → User", async () => {
    const email = uniqueEmail("get");
    const id = await signUpUser(email);
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.getUser(id));
    expect(brief(calls)).toEqual([{ method: "GET", path: "/user/id", query: { userId: id } }]);
    expect(calls[0].headers).toEqual({ "cdi-version": "5.4", "api-key": API_KEY });
    const body = calls[0].response as any;
    expect(body).toEqual({ status: "OK", user: epUserJson(id, email, body.user.timeJoined) });
    expect(result?.id).toBe(id);
    expect(result?.emails).toEqual([email]);
    expect(result?.loginMethods[0].recipeUserId.getAsString()).toBe(id);
  });

  it("unknown id → undefined (UNKNOWN_USER_ID_ERROR)", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.getUser("00000000-0000-0000-0000-000000000000"));
    expect(result).toBeUndefined();
    expect(calls[0].response).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });
});

describe('listUsersByAccountInfo("public", {email})', () => {
  it("GET /public/users/by-accountinfo?email=…&doUnionOfAccountInfo=false; the core normalises the email", async () => {
    const email = uniqueEmail("list");
    const id = await signUpUser(email);
    const asked = `  ${email.toUpperCase()} `;
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.listUsersByAccountInfo("public", { email: asked }));
    expect(brief(calls)).toEqual([{ method: "GET", path: "/public/users/by-accountinfo", query: { email: asked, doUnionOfAccountInfo: "false" } }]);
    expect(result.map((u) => u.id)).toEqual([id]);
    expect((calls[0].response as any).users[0]).toEqual(epUserJson(id, email, result[0].timeJoined));
  });

  it("AND vs OR of several fields; matching is per tenant", async () => {
    const email = uniqueEmail("union");
    const id = await signUpUser(email);
    const info = { email, phoneNumber: "+14155550100" };
    expect(await SuperTokens.listUsersByAccountInfo("public", info)).toEqual([]);
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.listUsersByAccountInfo("public", info, true));
    expect(calls[0].query).toEqual({ email, phoneNumber: "+14155550100", doUnionOfAccountInfo: "true" });
    expect(result.map((u) => u.id)).toEqual([id]);
    expect(await SuperTokens.listUsersByAccountInfo(TENANT, { email })).toEqual([]);
    expect(await SuperTokens.listUsersByAccountInfo("public", { email: uniqueEmail("none") })).toEqual([]);
  });

  it("thirdPartyId without thirdPartyUserId is a 400", async () => {
    const r = await raw(h.core.url, "GET", "/public/users/by-accountinfo", { query: { thirdPartyId: "google", doUnionOfAccountInfo: "false" } });
    expect(r.status).toBe(400);
    expect(r.contentType).toBe("text/html;charset=UTF-8");
  });
});

describe("deleteUser(id)", () => {
  it("POST /user/remove {userId, removeAllLinkedAccounts:true}; user, sessions (all tenants) and metadata gone", async () => {
    const email = uniqueEmail("del");
    const id = await signUpUser(email);
    const pub = (await createSession(id)).getHandle();
    const ten = (await createSession(id, {}, {}, TENANT)).getHandle();
    await UserMetadata.updateUserMetadata(id, { plan: "pro" });
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.deleteUser(id));
    expect(brief(calls)).toEqual([{ method: "POST", path: "/user/remove", query: {} }]);
    expect(calls[0].body).toEqual({ userId: id, removeAllLinkedAccounts: true });
    expect(result).toEqual({ status: "OK" });
    expect(await SuperTokens.getUser(id)).toBeUndefined();
    expect(await Session.getAllSessionHandlesForUser(id)).toEqual([]);
    expect(await Session.getSessionInformation(pub)).toBeUndefined();
    expect(await Session.getSessionInformation(ten)).toBeUndefined();
    expect((await UserMetadata.getUserMetadata(id)).metadata).toEqual({});
    expect(await SuperTokens.listUsersByAccountInfo("public", { email })).toEqual([]);
  });

  it("an unknown id is still OK", async () => {
    expect(await SuperTokens.deleteUser("00000000-0000-0000-0000-000000000000")).toEqual({ status: "OK" });
  });
});
