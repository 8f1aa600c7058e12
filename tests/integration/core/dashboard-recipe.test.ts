/**
 * SuperTokens' own dashboard backend (supertokens-node's Dashboard recipe behind Express) against the
 * bundled core: the user edit (email), the password change and the tenant page, which need
 * PUT /recipe/user and GET /<tenant>/recipe/dashboard/tenant/core-config. Then the same pages against
 * an unlicensed core. The SDK is a process-wide singleton: this file initialises it once, for Express,
 * and points it at a small switch so the second describe can swap the core behind the same URL.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import SuperTokens from "supertokens-node";
import Dashboard from "supertokens-node/recipe/dashboard/index.js";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import UserMetadata from "supertokens-node/recipe/usermetadata/index.js";
import { errorHandler, middleware } from "supertokens-node/framework/express/index.js";
import { startLocalCore, type LocalCore } from "../../../local-core/index";

const CORE_API_KEY = "dashboard-recipe-core-key-0123456789";
const DASHBOARD_KEY = "dashboard-recipe-admin-key";

/** Forwards every request to whichever core is current, so the SDK's one connectionURI can outlive a core. */
async function startSwitch(): Promise<{ url: string; target: { url: string }; stop(): Promise<void> }> {
  const target = { url: "" };
  const server = http.createServer((req, res) => {
    const to = new URL(req.url ?? "/", target.url);
    const upstream = http.request(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    target,
    stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let coreSwitch: Awaited<ReturnType<typeof startSwitch>>;
let app: http.Server;
let appUrl: string;

beforeAll(async () => {
  coreSwitch = await startSwitch();
  SuperTokens.init({
    framework: "express",
    supertokens: { connectionURI: coreSwitch.url, apiKey: CORE_API_KEY },
    appInfo: { appName: "Dashboard recipe test", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000", apiBasePath: "/auth" },
    recipeList: [EmailPassword.init(), Session.init(), UserMetadata.init(), Dashboard.init({ apiKey: DASHBOARD_KEY })],
  });
  const server = express();
  server.use(middleware());
  server.use(errorHandler());
  app = await new Promise<http.Server>((resolve) => {
    const s = server.listen(0, "127.0.0.1", () => resolve(s));
  });
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (app?.closeAllConnections(), app ? app.close(() => resolve()) : resolve()));
  await coreSwitch?.stop();
});

async function dashboardApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const response = await fetch(`${appUrl}/auth${path}`, {
    method,
    headers: { authorization: `Bearer ${DASHBOARD_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function signUp(email: string, password = "Passw0rd-dash1"): Promise<string> {
  const result = await EmailPassword.signUp("public", email, password);
  if (result.status !== "OK") throw new Error(`sign-up of ${email}: ${result.status}`);
  return result.user.id;
}

const editEmail = (recipeUserId: string, email: string) =>
  dashboardApi("PUT", "/dashboard/api/user", { recipeUserId, recipeId: "emailpassword", firstName: "", lastName: "", email, phone: "" });

describe("the Dashboard recipe against a licensed local core", () => {
  let core: LocalCore;
  beforeAll(async () => {
    core = await startLocalCore({ apiKey: CORE_API_KEY });
    coreSwitch.target.url = core.url;
  });
  afterAll(async () => {
    await core?.stop();
  });

  it("user edit: a new email is saved; the user page and the user list show it", async () => {
    const id = await signUp("dash.before@example.com");
    const edit = await editEmail(id, "Dash.After@Example.com");
    expect(edit).toMatchObject({ status: 200, json: { status: "OK" } });

    const page = await dashboardApi("GET", `/dashboard/api/user?userId=${id}&recipeId=emailpassword`);
    expect(page.status).toBe(200);
    expect(page.json.status).toBe("OK");
    expect(page.json.user.emails).toEqual(["dash.after@example.com"]);
    const list = await dashboardApi("GET", "/public/dashboard/api/users?limit=10&timeJoinedOrder=DESC");
    expect(list.status).toBe(200);
    const listed = list.json.users.find((u: { id: string }) => u.id === id);
    expect(listed.emails).toEqual(["dash.after@example.com"]);
    expect((await EmailPassword.signIn("public", "dash.after@example.com", "Passw0rd-dash1")).status).toBe("OK");
    expect((await EmailPassword.signIn("public", "dash.before@example.com", "Passw0rd-dash1")).status).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("user edit: an email another user has is EMAIL_ALREADY_EXISTS_ERROR, nothing changes", async () => {
    await signUp("dash.taken@example.com");
    const id = await signUp("dash.keeps@example.com");
    const edit = await editEmail(id, "dash.taken@example.com");
    expect(edit).toMatchObject({ status: 200, json: { status: "EMAIL_ALREADY_EXISTS_ERROR" } });
    expect((await SuperTokens.getUser(id))?.emails).toEqual(["dash.keeps@example.com"]);
  });

  it("password change: sign-in works with the new password and not the old one", async () => {
    const id = await signUp("dash.password@example.com", "Old-passw0rd1");
    const change = await dashboardApi("PUT", "/dashboard/api/user/password", { recipeUserId: id, newPassword: "New-passw0rd1" });
    expect(change).toMatchObject({ status: 200, json: { status: "OK" } });
    expect((await EmailPassword.signIn("public", "dash.password@example.com", "New-passw0rd1")).status).toBe("OK");
    expect((await EmailPassword.signIn("public", "dash.password@example.com", "Old-passw0rd1")).status).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("password change: a password the SDK's policy refuses never reaches the core", async () => {
    const id = await signUp("dash.weak@example.com");
    const change = await dashboardApi("PUT", "/dashboard/api/user/password", { recipeUserId: id, newPassword: "short" });
    expect(change.json.status).toBe("INVALID_PASSWORD_ERROR");
  });

  it("tenant page: the tenant with its user count and the core's config list", async () => {
    const page = await dashboardApi("GET", "/public/dashboard/api/tenant");
    expect(page.status).toBe(200);
    expect(page.json.status).toBe("OK");
    expect(page.json.tenant.tenantId).toBe("public");
    expect(page.json.tenant.userCount).toBeGreaterThanOrEqual(5);
    const config = page.json.tenant.coreConfig as Array<Record<string, unknown>>;
    expect(config.map((c) => c.key)).toEqual([
      "passwordless_code_lifetime",
      "access_token_dynamic_signing_key_update_interval",
      "access_token_validity",
      "passwordless_max_code_input_attempts",
      "refresh_token_validity",
    ]);
    expect(config.find((c) => c.key === "access_token_validity")).toEqual({
      key: "access_token_validity",
      valueType: "number",
      value: 3600,
      description: "Time in seconds for how long an access token is valid for. [Default: 3600 (1 hour)]",
      isDifferentAcrossTenants: false,
      possibleValues: null,
      isNullable: false,
      defaultValue: 3600,
      isPluginProperty: false,
      isPluginPropertyEditable: false,
    });
  });

  it("tenant list: tenants made on a licensed core are listed", async () => {
    const created = await dashboardApi("POST", "/public/dashboard/api/tenant", { tenantId: "dash-acme", firstFactors: ["emailpassword"] });
    expect(created.json).toMatchObject({ status: "OK", createdNew: true });
    const tenants = await dashboardApi("GET", "/public/dashboard/api/tenants");
    expect(tenants.json.tenants.map((t: { tenantId: string }) => t.tenantId)).toEqual(["public", "dash-acme"]);
  });
});

describe("the Dashboard recipe against an unlicensed local core", () => {
  let core: LocalCore;
  beforeAll(async () => {
    core = await startLocalCore({ apiKey: CORE_API_KEY, unlicensed: true });
    coreSwitch.target.url = core.url;
  });
  afterAll(async () => {
    await core?.stop();
  });

  it("user edit, password change and the tenant page still work; the tenant list has only public", async () => {
    const id = await signUp("free.user@example.com");
    expect((await editEmail(id, "free.renamed@example.com")).json).toEqual({ status: "OK" });
    expect((await dashboardApi("PUT", "/dashboard/api/user/password", { recipeUserId: id, newPassword: "New-passw0rd2" })).json).toEqual({ status: "OK" });
    expect((await EmailPassword.signIn("public", "free.renamed@example.com", "New-passw0rd2")).status).toBe("OK");
    const page = await dashboardApi("GET", "/public/dashboard/api/tenant");
    expect(page.json.status).toBe("OK");
    expect(page.json.tenant.coreConfig).toHaveLength(5);
    const tenants = await dashboardApi("GET", "/public/dashboard/api/tenants");
    expect(tenants.json.tenants.map((t: { tenantId: string }) => t.tenantId)).toEqual(["public"]);
  });

  it("creating a tenant: the dashboard recognises the core's 402 (MULTITENANCY_NOT_ENABLED_IN_CORE_ERROR)", async () => {
    const created = await dashboardApi("POST", "/public/dashboard/api/tenant", { tenantId: "dash-paid", firstFactors: ["emailpassword"] });
    expect(created).toMatchObject({ status: 200, json: { status: "MULTITENANCY_NOT_ENABLED_IN_CORE_ERROR" } });
    const tenants = await dashboardApi("GET", "/public/dashboard/api/tenants");
    expect(tenants.json.tenants.map((t: { tenantId: string }) => t.tenantId)).toEqual(["public"]);
  });
});
