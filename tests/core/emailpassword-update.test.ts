// PUT /recipe/user (email-password update of email and/or password): what the SDK sends
// (EmailPassword.updateEmailOrPassword) and each answer of core 11.4's UserAPI.doPut /
// EmailPassword.updateUsersEmailOrPassword, with the effects on GET /user/id, the user list and sign-in.
import { describe, expect, it } from "vitest";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import { API_KEY, JSON_CT, TEXT_CT, brief, raw, recordCalls, signUpUser, uniqueEmail, useSdkCore } from "./helpers";

const h = useSdkCore();

const put = (body: unknown, opts: { tenantPrefix?: string; rid?: string } = {}) =>
  raw(h.core.url, "PUT", `${opts.tenantPrefix ?? ""}/recipe/user`, { body, headers: opts.rid ? { rid: opts.rid } : {} });

async function signUpRaw(email: string, tenantId = "public", password = "Passw0rd-123"): Promise<string> {
  const r = await raw(h.core.url, "POST", `/${tenantId}/recipe/signup`, { body: { email, password } });
  expect(r.json.status).toBe("OK");
  return r.json.user.id;
}

async function makePrimary(recipeUserId: string) {
  const r = await raw(h.core.url, "POST", "/recipe/accountlinking/user/primary", { body: { recipeUserId } });
  expect(r.json.status).toBe("OK");
}

async function link(recipeUserId: string, primaryUserId: string) {
  const r = await raw(h.core.url, "POST", "/recipe/accountlinking/user/link", { body: { recipeUserId, primaryUserId } });
  expect(r.json.status).toBe("OK");
}

async function thirdPartyUser(email: string): Promise<string> {
  const r = await raw(h.core.url, "POST", "/public/recipe/signinup", {
    body: { thirdPartyId: "google", thirdPartyUserId: `g-${Math.random().toString(36).slice(2)}`, email: { id: email, isVerified: true } },
  });
  expect(r.json.status).toBe("OK");
  return r.json.user.id;
}

describe("EmailPassword.updateEmailOrPassword → PUT /recipe/user", () => {
  it("sends recipeUserId, email and password with rid emailpassword (no tenant prefix); OK, and GET /user/id and the user list show the new email", async () => {
    const id = await signUpUser(uniqueEmail("before"));
    const newEmail = uniqueEmail("after");
    const { result, calls } = await recordCalls(h.proxy, () =>
      EmailPassword.updateEmailOrPassword({ recipeUserId: SuperTokens.convertToRecipeUserId(id), email: `  ${newEmail.toUpperCase()} ` }),
    );
    const putCall = calls.find((c) => c.method === "PUT")!;
    expect(brief([putCall])).toEqual([{ method: "PUT", path: "/recipe/user", query: {} }]);
    expect(putCall.headers).toEqual({ "cdi-version": "5.4", "api-key": API_KEY, rid: "emailpassword", "content-type": "application/json; charset=utf-8" });
    expect(putCall.body).toEqual({ recipeUserId: id, email: `  ${newEmail.toUpperCase()} ` });
    expect(putCall.response).toEqual({ status: "OK" });
    expect(result).toEqual({ status: "OK" });

    // The core stores the normalised (trimmed, lower-cased) email.
    const user = await SuperTokens.getUser(id);
    expect(user?.emails).toEqual([newEmail]);
    expect(user?.loginMethods[0].email).toBe(newEmail);
    const byId = await raw(h.core.url, "GET", "/user/id", { query: { userId: id } });
    expect(byId.json.user.emails).toEqual([newEmail]);
    const listed = await SuperTokens.getUsersNewestFirst({ tenantId: "public", query: { email: newEmail } });
    expect(listed.users.map((u) => u.id)).toEqual([id]);
    const oldListed = await SuperTokens.getUsersNewestFirst({ tenantId: "public", query: { email: "before-" } });
    expect(oldListed.users.map((u) => u.id)).not.toContain(id);
    // Sign-in works with the new email, not the old one.
    expect((await EmailPassword.signIn("public", newEmail, "Passw0rd-123")).status).toBe("OK");
  });

  it("a password change: sign-in works with the new password and not with the old one", async () => {
    const email = uniqueEmail("pw");
    const id = await signUpUser(email, "public", "Old-passw0rd");
    const r = await EmailPassword.updateEmailOrPassword({ recipeUserId: SuperTokens.convertToRecipeUserId(id), password: "New-passw0rd" });
    expect(r).toEqual({ status: "OK" });
    expect((await EmailPassword.signIn("public", email, "New-passw0rd")).status).toBe("OK");
    expect((await EmailPassword.signIn("public", email, "Old-passw0rd")).status).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("email and password together", async () => {
    const id = await signUpRaw(uniqueEmail("both"));
    const newEmail = uniqueEmail("both-new");
    const r = await put({ recipeUserId: id, email: newEmail, password: "Both-passw0rd" });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(JSON_CT);
    expect(r.text).toBe('{"status":"OK"}\n');
    expect((await EmailPassword.signIn("public", newEmail, "Both-passw0rd")).status).toBe("OK");
  });

  it("setting the email a user already has is OK", async () => {
    const email = uniqueEmail("same");
    const id = await signUpRaw(email);
    expect((await put({ recipeUserId: id, email })).text).toBe('{"status":"OK"}\n');
  });
});

describe("PUT /recipe/user: the other answers", () => {
  it("an unknown id: UNKNOWN_USER_ID_ERROR (also through the SDK)", async () => {
    const r = await put({ recipeUserId: "no-such-user", password: "x" });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"status":"UNKNOWN_USER_ID_ERROR"}\n');
    const sdk = await EmailPassword.updateEmailOrPassword({ recipeUserId: SuperTokens.convertToRecipeUserId("no-such-user"), password: "Passw0rd-9" });
    expect(sdk).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
  });

  it("an id that is not an email-password login method (a third-party user): UNKNOWN_USER_ID_ERROR", async () => {
    const tp = await thirdPartyUser(uniqueEmail("tp"));
    expect((await put({ recipeUserId: tp, email: uniqueEmail("x") })).text).toBe('{"status":"UNKNOWN_USER_ID_ERROR"}\n');
  });

  it("the primary id of a linked user whose own method is third party: UNKNOWN_USER_ID_ERROR; its email-password method's id works", async () => {
    const email = uniqueEmail("linked");
    const tp = await thirdPartyUser(email);
    const ep = await signUpRaw(uniqueEmail("linked-ep"));
    await makePrimary(tp);
    await link(ep, tp);
    expect((await put({ recipeUserId: tp, password: "Another-1" })).text).toBe('{"status":"UNKNOWN_USER_ID_ERROR"}\n');
    expect((await put({ recipeUserId: ep, password: "Another-1" })).text).toBe('{"status":"OK"}\n');
  });

  it("another email-password user of the same tenant has the email: EMAIL_ALREADY_EXISTS_ERROR, nothing written (also through the SDK)", async () => {
    const taken = uniqueEmail("taken");
    await signUpRaw(taken);
    const mine = uniqueEmail("mine");
    const id = await signUpRaw(mine, "public", "Mine-passw0rd");
    const r = await put({ recipeUserId: id, email: taken.toUpperCase(), password: "Changed-1" });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"status":"EMAIL_ALREADY_EXISTS_ERROR"}\n');
    // The password was not changed either: one transaction.
    expect((await EmailPassword.signIn("public", mine, "Mine-passw0rd")).status).toBe("OK");
    const sdk = await EmailPassword.updateEmailOrPassword({ recipeUserId: SuperTokens.convertToRecipeUserId(id), email: taken });
    expect(sdk).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
  });

  it("the same email in another tenant, or held by a third-party user, is no duplicate", async () => {
    await raw(h.core.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "ep-other", firstFactors: ["emailpassword"] } });
    const elsewhere = uniqueEmail("elsewhere");
    await signUpRaw(elsewhere, "ep-other");
    const tpEmail = uniqueEmail("tp-holder");
    await thirdPartyUser(tpEmail);
    const id = await signUpRaw(uniqueEmail("free"));
    expect((await put({ recipeUserId: id, email: elsewhere })).text).toBe('{"status":"OK"}\n');
    expect((await put({ recipeUserId: id, email: tpEmail })).text).toBe('{"status":"OK"}\n');
  });

  it("a primary user may not take the email of another primary user in one of its tenants: EMAIL_CHANGE_NOT_ALLOWED_ERROR with the core's reason", async () => {
    const otherEmail = uniqueEmail("other-primary");
    const otherTp = await thirdPartyUser(otherEmail);
    await makePrimary(otherTp);
    const id = await signUpRaw(uniqueEmail("primary"), "public", "Primary-passw0rd");
    await makePrimary(id);
    const r = await put({ recipeUserId: id, email: otherEmail, password: "Changed-2" });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(JSON_CT);
    expect(r.text).toBe('{"status":"EMAIL_CHANGE_NOT_ALLOWED_ERROR","reason":"New email is associated with another primary user ID"}\n');
    const user = await raw(h.core.url, "GET", "/user/id", { query: { userId: id } });
    expect(user.json.user.emails).not.toContain(otherEmail);
  });

  it("the check applies only when the user is a primary user, and only to other primary users", async () => {
    const primaryEmail = uniqueEmail("p-holder");
    const holder = await thirdPartyUser(primaryEmail);
    await makePrimary(holder);
    // Not primary: the core skips the account-linking check (and third party is no duplicate).
    const plain = await signUpRaw(uniqueEmail("plain"));
    expect((await put({ recipeUserId: plain, email: primaryEmail })).text).toBe('{"status":"OK"}\n');
    // Primary, but the email belongs to a non-primary third-party user: allowed.
    const loneEmail = uniqueEmail("lone");
    await thirdPartyUser(loneEmail);
    const primary = await signUpRaw(uniqueEmail("p2"));
    await makePrimary(primary);
    expect((await put({ recipeUserId: primary, email: loneEmail })).text).toBe('{"status":"OK"}\n');
  });

  it("a recipe user linked to a primary user counts as primary for the check", async () => {
    const otherEmail = uniqueEmail("o3");
    const other = await thirdPartyUser(otherEmail);
    await makePrimary(other);
    const tp = await thirdPartyUser(uniqueEmail("tp3"));
    await makePrimary(tp);
    const ep = await signUpRaw(uniqueEmail("ep3"));
    await link(ep, tp);
    const r = await put({ recipeUserId: ep, email: otherEmail });
    expect(r.json).toEqual({ status: "EMAIL_CHANGE_NOT_ALLOWED_ERROR", reason: "New email is associated with another primary user ID" });
  });
});

describe("PUT /recipe/user: input and routing errors", () => {
  it("neither email nor password: 400", async () => {
    const r = await put({ recipeUserId: "x" });
    expect(r.status).toBe(400);
    expect(r.contentType).toBe(TEXT_CT);
    expect(r.text).toBe("You have to provide either email or password.\n");
  });

  it("recipeUserId missing or not a string, email null: the InputParser messages", async () => {
    expect((await put({ email: "a@b.c" })).text).toBe("Field name 'recipeUserId' is invalid in JSON input\n");
    expect((await put({ recipeUserId: 5, email: "a@b.c" })).text).toBe("Field name 'recipeUserId' is invalid in JSON input\n");
    const nullEmail = await put({ recipeUserId: "x", email: null, password: "p" });
    expect(nullEmail.status).toBe(400);
    expect(nullEmail.text).toBe("Field name 'email' is invalid in JSON input\n");
  });

  it("app-specific: a non-public tenant prefix is a 403", async () => {
    await raw(h.core.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "ep-403" } });
    const r = await put({ recipeUserId: "x", password: "p" }, { tenantPrefix: "/ep-403" });
    expect(r.status).toBe(403);
    expect(r.text).toBe("Only public tenantId can call this app specific API\n");
  });

  it("rid thirdparty routes to the third-party user API, which has no PUT: 405", async () => {
    const r = await put({ recipeUserId: "x", password: "p" }, { rid: "thirdparty" });
    expect(r.status).toBe(405);
    expect(r.text).toBe("Method not supported\n");
  });
});
