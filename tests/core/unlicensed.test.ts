// A core without a licence key (`startLocalCore({ unlicensed: true })`, `npm run core -- --unlicensed`):
// what core 11.4 answers to the paid features (402 and the exception's text), what stays free, the
// licence's feature list, and that everything Session Desk and the seed use still works.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import Session from "supertokens-node/recipe/session";
import { API_KEY, JSON_CT, TEXT_CT, createSession, raw, signUpUser, startCore, thrown, uniqueEmail, useSdkCore } from "./helpers";

const MULTI_TENANCY_402 = "Cannot use feature: multi_tenancy, because the license key is missing, or doesn't have this feature enabled.\n";
const ACCOUNT_LINKING_402 = "Account linking feature is not enabled for this app. Please contact support to enable it.\n";

const h = useSdkCore({ unlicensed: true });

describe("unlicensed: multi-tenancy", () => {
  it("creating a tenant other than public: 402 with the feature's text; the SDK throws it", async () => {
    const r = await raw(h.core.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "acme", firstFactors: ["emailpassword"] } });
    expect(r.status).toBe(402);
    expect(r.contentType).toBe(TEXT_CT);
    expect(r.text).toBe(MULTI_TENANCY_402);
    const e = await thrown(() => Multitenancy.createOrUpdateTenant("acme", { firstFactors: ["emailpassword"] }));
    expect(e.message).toBe(
      `SuperTokens core threw an error for a PUT request to path: '/recipe/multitenancy/tenant/v2' with status code: 402 and message: ${MULTI_TENANCY_402}`,
    );
  });

  it("input errors still come first (400), and the public tenant may be updated", async () => {
    const bad = await raw(h.core.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "acme", firstFactors: "x" } });
    expect(bad.status).toBe(400);
    expect((await raw(h.core.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "public", coreConfig: {} } })).json).toEqual({
      status: "OK",
      createdNew: false,
    });
    expect((await raw(h.core.url, "PUT", "/public/recipe/multitenancy/config/thirdparty", { body: { config: { thirdPartyId: "google" } } })).json).toEqual({
      status: "OK",
      createdNew: true,
    });
  });

  it("the tenant list has only public; the tenant page's core-config works", async () => {
    const list = await Multitenancy.listAllTenants();
    expect(list.tenants.map((t) => t.tenantId)).toEqual(["public"]);
    const cc = await raw(h.core.url, "GET", "/public/recipe/dashboard/tenant/core-config");
    expect(cc.status).toBe(200);
    expect(cc.json.config.map((c: { key: string }) => c.key)).toContain("access_token_validity");
  });

  it("a tenant that does not exist is still the 400 'not found', not a 402", async () => {
    const r = await raw(h.core.url, "GET", "/acme/users", { query: { limit: "1" } });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^AppId or tenantId not found => .*\(, public, acme\)\n$/);
  });
});

describe("unlicensed: account linking", () => {
  it("making a primary user: 402 (an unknown id is the 400 first); the check endpoint needs no licence", async () => {
    const id = await signUpUser(uniqueEmail("al"));
    const check = await raw(h.core.url, "GET", "/recipe/accountlinking/user/primary/check", { query: { recipeUserId: id } });
    expect(check.json).toEqual({ status: "OK", wasAlreadyAPrimaryUser: false });
    const r = await raw(h.core.url, "POST", "/recipe/accountlinking/user/primary", { body: { recipeUserId: id } });
    expect(r.status).toBe(402);
    expect(r.contentType).toBe(TEXT_CT);
    expect(r.text).toBe(ACCOUNT_LINKING_402);
    const unknown = await raw(h.core.url, "POST", "/recipe/accountlinking/user/primary", { body: { recipeUserId: "nobody" } });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toBe("Unknown user ID provided\n");
    expect((await SuperTokens.getUser(id))?.isPrimaryUser).toBe(false);
  });

  it("linking: 402", async () => {
    const a = await signUpUser(uniqueEmail("la"));
    const b = await signUpUser(uniqueEmail("lb"));
    const r = await raw(h.core.url, "POST", "/recipe/accountlinking/user/link", { body: { recipeUserId: b, primaryUserId: a } });
    expect(r.status).toBe(402);
    expect(r.text).toBe(ACCOUNT_LINKING_402);
  });
});

describe("unlicensed: what stays free", () => {
  it("sign-up, sign-in, sessions, users, PUT /recipe/user", async () => {
    const email = uniqueEmail("free");
    const id = await signUpUser(email);
    const session = await createSession(id, {}, { plan: "free" });
    expect((await Session.getSessionInformation(session.getHandle()))?.sessionDataInDatabase).toEqual({ plan: "free" });
    expect((await EmailPassword.updateEmailOrPassword({ recipeUserId: SuperTokens.convertToRecipeUserId(id), password: "Changed-1" })).status).toBe("OK");
    expect((await EmailPassword.signIn("public", email, "Changed-1")).status).toBe("OK");
    expect((await SuperTokens.getUsersNewestFirst({ tenantId: "public" })).users.some((u) => u.id === id)).toBe(true);
  });

  it("GET /ee/featureflag lists no features (a licensed local core lists account_linking and multi_tenancy)", async () => {
    const r = await raw(h.core.url, "GET", "/ee/featureflag");
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(JSON_CT);
    expect(r.text).toBe('{"features":[],"usageStats":{},"status":"OK"}\n');
    const licensed = await startCore({ apiKey: API_KEY });
    try {
      expect((await raw(licensed.url, "GET", "/ee/featureflag")).text).toBe('{"features":["account_linking","multi_tenancy"],"usageStats":{},"status":"OK"}\n');
    } finally {
      await licensed.stop();
    }
  });
});

describe("a licence that lapsed: tenants made while licensed stay, changing them is a 402", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "local-core-unlicensed-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("third-party config of a non-public tenant, adding and removing a user: 402; reading still works", async () => {
    const dbPath = path.join(dir, "core.sqlite");
    const licensed = await startCore({ apiKey: API_KEY, dbPath });
    await raw(licensed.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "acme", firstFactors: ["emailpassword"] } });
    const signUp = await raw(licensed.url, "POST", "/public/recipe/signup", { body: { email: uniqueEmail("lapsed"), password: "Passw0rd-1" } });
    const userId = signUp.json.user.id as string;
    await licensed.stop();

    const core = await startCore({ apiKey: API_KEY, dbPath, unlicensed: true });
    try {
      const tp = await raw(core.url, "PUT", "/acme/recipe/multitenancy/config/thirdparty", { body: { config: { thirdPartyId: "google" } } });
      expect([tp.status, tp.text]).toEqual([402, MULTI_TENANCY_402]);
      const add = await raw(core.url, "POST", "/acme/recipe/multitenancy/tenant/user", { body: { recipeUserId: userId } });
      expect([add.status, add.text]).toEqual([402, MULTI_TENANCY_402]);
      const remove = await raw(core.url, "POST", "/acme/recipe/multitenancy/tenant/user/remove", { body: { recipeUserId: userId } });
      expect([remove.status, remove.text]).toEqual([402, MULTI_TENANCY_402]);
      // The user lookup comes before the licence check.
      expect((await raw(core.url, "POST", "/acme/recipe/multitenancy/tenant/user", { body: { recipeUserId: "nobody" } })).json).toEqual({
        status: "UNKNOWN_USER_ID_ERROR",
      });
      expect((await raw(core.url, "POST", "/acme/recipe/multitenancy/tenant/user/remove", { body: { recipeUserId: "nobody" } })).json).toEqual({
        status: "UNKNOWN_USER_ID_ERROR",
      });
      const update = await raw(core.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "acme", firstFactors: ["thirdparty"] } });
      expect([update.status, update.text]).toEqual([402, MULTI_TENANCY_402]);
      const list = await raw(core.url, "GET", "/recipe/multitenancy/tenant/list/v2");
      expect(list.json.tenants.map((t: { tenantId: string }) => t.tenantId)).toEqual(["public", "acme"]);
      expect((await raw(core.url, "GET", "/acme/users/count")).json).toEqual({ status: "OK", count: 0 });
    } finally {
      await core.stop();
    }
  });
});

describe("npm run core -- --unlicensed", () => {
  it("starts unlicensed and seeds only what such a core can hold: the public tenant, no linked accounts", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "local-core/cli.ts", "--port", "0", "--unlicensed", "--api-key", API_KEY], {
      cwd: path.resolve(__dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          const m = /Local SuperTokens core ready at (http:\/\/[^\s]+) \(in-memory\), unlicensed \(paid features answer 402\)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`cli exited (${code}): ${out}\n${err}`)));
      });
      expect(out).toMatch(/\[seed\] tenants: public\n/);
      const tenants = await raw(url, "GET", "/recipe/multitenancy/tenant/list/v2");
      expect(tenants.json.tenants.map((t: { tenantId: string }) => t.tenantId)).toEqual(["public"]);
      const count = await raw(url, "GET", "/public/users/count", { query: { includeAllTenants: "true" } });
      expect(count.json.count).toBeGreaterThan(40);
      const sam = await raw(url, "GET", "/public/users/by-accountinfo", { query: { email: "sam.linked@example.com", doUnionOfAccountInfo: "false" } });
      expect(sam.json.users.length).toBe(2);
      expect(sam.json.users.every((u: { isPrimaryUser: boolean }) => !u.isPrimaryUser)).toBe(true);
      const created = await raw(url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "acme" } });
      expect(created.status).toBe(402);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }, 180_000);
});
