// GET /<tenant>/recipe/dashboard/tenant/core-config: the list SuperTokens' own dashboard shows on a
// tenant's page (supertokens-node Dashboard recipe, getTenantInfo), in core 11.4's shape
// (GetTenantCoreConfigForDashboardAPI: ConfigFieldInfo entries serialised with nulls), listing the
// properties the local core honours with its values. The order is that of the core's HashSet of all
// config field names (checked against java.util.HashSet with jshell when this was written).
import { describe, expect, it } from "vitest";
import { JSON_CT, TEXT_CT, raw, useSdkCore } from "./helpers";
import { javaDoubleToString } from "../../local-core/recipes/dashboard";

const h = useSdkCore();

const entry = (key: string, value: string, description: string, isDifferentAcrossTenants: boolean) =>
  `{"key":"${key}","valueType":"number","value":${value},"description":"${description}","isDifferentAcrossTenants":${isDifferentAcrossTenants},` +
  `"possibleValues":null,"isNullable":false,"defaultValue":${value},"isPluginProperty":false,"isPluginPropertyEditable":false}`;

const EXPECTED =
  `{"status":"OK","config":[` +
  [
    entry("passwordless_code_lifetime", "900000", "Time in milliseconds for how long a passwordless code is valid for. [Default: 900000 (15 mins)]", true),
    entry("access_token_dynamic_signing_key_update_interval", "168.0", "Time in hours for how frequently the dynamic signing key will change. [Default: 168 (1 week)]", false),
    entry("access_token_validity", "3600", "Time in seconds for how long an access token is valid for. [Default: 3600 (1 hour)]", false),
    entry("passwordless_max_code_input_attempts", "5", "The maximum number of code input attempts per login before the user needs to restart. (Default: 5)", true),
    entry("refresh_token_validity", "144000.0", "Time in mins for how long a refresh token is valid for. [Default: 60 * 2400 (100 days)]", false),
  ].join(",") +
  `]}\n`;

describe("GET /<tenant>/recipe/dashboard/tenant/core-config", () => {
  it("public: the honoured properties, exact text (Gson: nulls kept, doubles with .0)", async () => {
    const r = await raw(h.core.url, "GET", "/public/recipe/dashboard/tenant/core-config");
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(JSON_CT);
    expect(r.text).toBe(EXPECTED);
  });

  it("without a tenant prefix it is the public tenant; another existing tenant gets the same list", async () => {
    expect((await raw(h.core.url, "GET", "/recipe/dashboard/tenant/core-config")).text).toBe(EXPECTED);
    await raw(h.core.url, "PUT", "/recipe/multitenancy/tenant/v2", { body: { tenantId: "cc-tenant" } });
    expect((await raw(h.core.url, "GET", "/cc-tenant/recipe/dashboard/tenant/core-config")).text).toBe(EXPECTED);
  });

  it("an unknown tenant: 400 AppId or tenantId not found; no API key: 401; wrong method: 405", async () => {
    const unknown = await raw(h.core.url, "GET", "/nope/recipe/dashboard/tenant/core-config");
    expect(unknown.status).toBe(400);
    expect(unknown.contentType).toBe(TEXT_CT);
    expect(unknown.text).toBe(
      "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, nope)\n",
    );
    expect((await raw(h.core.url, "GET", "/public/recipe/dashboard/tenant/core-config", { apiKey: null })).status).toBe(401);
    const post = await raw(h.core.url, "POST", "/public/recipe/dashboard/tenant/core-config", { body: {} });
    expect(post.status).toBe(405);
    expect(post.text).toBe("Method not supported\n");
  });

  it("javaDoubleToString writes numbers as Java's Double.toString does", () => {
    expect(javaDoubleToString(144000)).toBe("144000.0");
    expect(javaDoubleToString(168)).toBe("168.0");
    expect(javaDoubleToString(0.5)).toBe("0.5");
    expect(javaDoubleToString(1e7)).toBe("1.0E7");
    expect(javaDoubleToString(12345678.5)).toBe("1.23456785E7");
    expect(javaDoubleToString(0.0001)).toBe("1.0E-4");
  });
});
