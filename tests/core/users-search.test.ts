// Search keys email / phone / provider and account-info lookups across login-method kinds (§4.3, §4.4).
// ThirdParty and Passwordless users are created with the core's own CDI endpoints (POST /<t>/recipe/signinup,
// /recipe/signinup/code[/consume]) as fixtures only; the SDK here has neither recipe initialised.
import { beforeAll, describe, expect, it } from "vitest";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import { raw, recordCalls, sleep, useSdkCore } from "./helpers";

const h = useSdkCore();
const u: string[] = []; // ids, oldest first

async function thirdParty(thirdPartyId: string, thirdPartyUserId: string, email: string) {
  const r = await raw(h.core.url, "POST", "/public/recipe/signinup", { body: { thirdPartyId, thirdPartyUserId, email: { id: email } } });
  expect(r.json.status).toBe("OK");
  return r.json.user.id as string;
}

async function passwordless(contact: { email: string } | { phoneNumber: string }) {
  const code = await raw(h.core.url, "POST", "/public/recipe/signinup/code", { body: contact });
  expect(code.json.status).toBe("OK");
  const consumed = await raw(h.core.url, "POST", "/public/recipe/signinup/code/consume", {
    body: { preAuthSessionId: code.json.preAuthSessionId, linkCode: code.json.linkCode },
  });
  expect(consumed.json.status).toBe("OK");
  return consumed.json.user.id as string;
}

beforeAll(async () => {
  const make = [
    async () => {
      const r = await EmailPassword.signUp("public", "shared-ep@acme.test", "Passw0rd-123");
      if (r.status !== "OK") throw new Error(r.status);
      return r.user.id;
    },
    () => thirdParty("google", "g-1", "shared-tp@acme.test"),
    () => thirdParty("github", "gh-1", "other@gh.test"),
    () => passwordless({ phoneNumber: "+14155550100" }),
    () => passwordless({ phoneNumber: "+447700900123" }),
    () => passwordless({ email: "shared-pl@acme.test" }),
  ];
  for (const m of make) {
    u.push(await m());
    await sleep(5);
  }
});

const search = async (query: Record<string, string>) =>
  (await SuperTokens.getUsersNewestFirst({ tenantId: "public", query })).users.map((x) => x.id);
const pick = (...i: number[]) => i.map((n) => u[n]);

describe("search: phone (passwordless phone prefix)", () => {
  it("matches by prefix", async () => {
    expect(await search({ phone: "+1415" })).toEqual(pick(3));
    expect(await search({ phone: "+44" })).toEqual(pick(4));
    expect(await search({ phone: "+" })).toEqual(pick(4, 3));
    expect(await search({ phone: "+49" })).toEqual([]);
  });
});

describe("search: provider (thirdparty id prefix)", () => {
  it("matches by prefix, case-insensitively", async () => {
    expect(await search({ provider: "goo" })).toEqual(pick(1));
    expect(await search({ provider: "g" })).toEqual(pick(2, 1));
    expect(await search({ provider: "GIT" })).toEqual(pick(2));
  });
});

describe("search: email across all login-method kinds, and combinations", () => {
  it("email alone searches emailpassword, thirdparty and passwordless", async () => {
    expect(await search({ email: "shared" })).toEqual(pick(5, 1, 0));
    expect(await search({ email: "acme" })).toEqual(pick(5, 1, 0));
    expect(await search({ email: "gh.test" })).toEqual(pick(2));
  });

  it("email + provider searches thirdparty only (AND); email + phone passwordless only (AND)", async () => {
    expect(await search({ email: "shared", provider: "google" })).toEqual(pick(1));
    expect(await search({ email: "other", provider: "google" })).toEqual([]);
    expect(await search({ email: "shared", phone: "+1" })).toEqual([]);
  });

  it("no pagination token with a search key", async () => {
    const { calls } = await recordCalls(h.proxy, () => SuperTokens.getUsersNewestFirst({ tenantId: "public", limit: 1, query: { phone: "+" } }));
    expect((calls[0].response as any).users.length).toBe(2);
    expect(calls[0].response).not.toHaveProperty("nextPaginationToken");
  });
});

describe("includeRecipeIds and counts by recipe", () => {
  it("filters users by login-method recipe", async () => {
    const only = async (ids: string[]) => (await SuperTokens.getUsersOldestFirst({ tenantId: "public", includeRecipeIds: ids })).users.map((x) => x.id);
    expect(await only(["thirdparty"])).toEqual(pick(1, 2));
    expect(await only(["passwordless"])).toEqual(pick(3, 4, 5));
    expect(await only(["emailpassword", "thirdparty"])).toEqual(pick(0, 1, 2));
    expect(await SuperTokens.getUserCount(["passwordless"])).toBe(3);
    expect(await SuperTokens.getUserCount(["thirdparty", "emailpassword"])).toBe(3);
    expect(await SuperTokens.getUserCount()).toBe(6);
  });
});

describe("user JSON of thirdparty and passwordless users (§4.1)", () => {
  it("thirdparty: thirdParty on the user and the login method", async () => {
    const user = await SuperTokens.getUser(u[1]);
    const json = user!.toJson() as any;
    expect(json.thirdParty).toEqual([{ id: "google", userId: "g-1" }]);
    expect(json.emails).toEqual(["shared-tp@acme.test"]);
    expect(json.phoneNumbers).toEqual([]);
    const lm = (await raw(h.core.url, "GET", "/user/id", { query: { userId: u[1] } })).json.user.loginMethods[0];
    expect(lm).toEqual({
      tenantIds: ["public"],
      recipeUserId: u[1],
      verified: false,
      timeJoined: json.timeJoined,
      recipeId: "thirdparty",
      email: "shared-tp@acme.test",
      thirdParty: { id: "google", userId: "g-1" },
    });
  });

  it("passwordless phone: phoneNumbers, no email field on the login method", async () => {
    const body = (await raw(h.core.url, "GET", "/user/id", { query: { userId: u[3] } })).json;
    expect(body.user.phoneNumbers).toEqual(["+14155550100"]);
    expect(body.user.emails).toEqual([]);
    const lm = body.user.loginMethods[0];
    expect(lm.recipeId).toBe("passwordless");
    expect(lm.phoneNumber).toBe("+14155550100");
    expect(lm).not.toHaveProperty("email");
    expect(lm).not.toHaveProperty("thirdParty");
  });
});

describe("listUsersByAccountInfo with phone and thirdParty", () => {
  it("phone numbers are normalised to E.164; thirdParty needs id and userId", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => SuperTokens.listUsersByAccountInfo("public", { phoneNumber: "+1 (415) 555-0100" }));
    expect(calls[0].query).toEqual({ phoneNumber: "+1 (415) 555-0100", doUnionOfAccountInfo: "false" });
    expect(result.map((x) => x.id)).toEqual(pick(3));
    const tp = await recordCalls(h.proxy, () => SuperTokens.listUsersByAccountInfo("public", { thirdParty: { id: "google", userId: "g-1" } }));
    expect(tp.calls[0].query).toEqual({ thirdPartyId: "google", thirdPartyUserId: "g-1", doUnionOfAccountInfo: "false" });
    expect(tp.result.map((x) => x.id)).toEqual(pick(1));
    const either = await SuperTokens.listUsersByAccountInfo("public", { email: "shared-ep@acme.test", phoneNumber: "+447700900123" }, true);
    expect(either.map((x) => x.id)).toEqual(pick(0, 4));
  });

  it("normalises like the core's libphonenumber (region ZZ, E.164): national 0, tel: URIs, extensions, letters", async () => {
    // Utils.normalizeIfPhoneNumber: parse(trimmed, "ZZ") then format(E164); what does not parse stays trimmed.
    const byPhone = async (phoneNumber: string) => (await SuperTokens.listUsersByAccountInfo("public", { phoneNumber })).map((x) => x.id);
    for (const typed of ["+44 (0)7700 900123", "tel:+44-7700-900123", "+44 7700 900123 ext. 5", "  ++44 7700 900 123 "]) {
      expect(await byPhone(typed), typed).toEqual(pick(4));
    }
    // Letters are keypad digits to libphonenumber: the number is stored as E.164 and found by its digits.
    const lettered = await passwordless({ phoneNumber: "+1 800 FLOWERS" });
    expect(await byPhone("+18003569377")).toEqual([lettered]);
    // An unknown country code does not parse: kept as typed (trimmed), so only the same text finds it.
    const unknownCountry = await passwordless({ phoneNumber: " +999 123 456 " });
    const user = await raw(h.core.url, "GET", "/user/id", { query: { userId: unknownCountry } });
    expect(user.json.user.phoneNumbers).toEqual(["+999 123 456"]);
    expect(await byPhone("+999 123 456")).toEqual([unknownCountry]);
    expect(await byPhone("+999123456")).toEqual([]);
  });
});
