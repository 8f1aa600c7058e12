/**
 * OIDC settings: OIDC_ROLE_MAP's reading (highest mapped role wins), and the configuration that refuses to
 * start half set up (no client id, no role map, http issuer in production, password sign-in off without SSO).
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "~/config.server";
import { claimValues, parseRoleMap, roleFromClaim } from "~/staff/sso-roles";

const MAP = parseRoleMap("desk-admins=admin, desk-editors=editor,support=viewer");

describe("OIDC_ROLE_MAP", () => {
  it("maps claim values to roles; the highest mapped role wins whatever the order", () => {
    expect(roleFromClaim(["support"], MAP)).toBe("viewer");
    expect(roleFromClaim(["support", "desk-editors"], MAP)).toBe("editor");
    expect(roleFromClaim(["desk-admins", "support", "desk-editors"], MAP)).toBe("admin");
    expect(roleFromClaim(["desk-editors", "desk-admins"], parseRoleMap("desk-admins=admin,desk-editors=editor"))).toBe("admin");
  });

  it("gives no role for no mapped value, no claim, or a claim of another shape", () => {
    expect(roleFromClaim(["marketing"], MAP)).toBeNull();
    expect(roleFromClaim([], MAP)).toBeNull();
    expect(roleFromClaim(undefined, MAP)).toBeNull();
    expect(roleFromClaim({ "desk-admins": true }, MAP)).toBeNull();
    expect(roleFromClaim([42, null, "Desk-Admins"], MAP)).toBeNull();
  });

  it("takes a single string claim whole (a group name with spaces never matches a part of it)", () => {
    expect(claimValues("desk-admins")).toEqual(["desk-admins"]);
    expect(roleFromClaim("desk-admins", MAP)).toBe("admin");
    const spaced = parseRoleMap("Desk Admins=admin,Admins=viewer");
    expect(roleFromClaim("Desk Admins", spaced)).toBe("admin");
    expect(roleFromClaim("Support Admins", spaced)).toBeNull();
  });

  it("allows = inside a group name (LDAP-style) and refuses what it cannot read", () => {
    // Entries are split on commas first, so a value with a comma cannot be written; one with "=" can.
    expect(parseRoleMap("cn=desk-admins=admin")).toEqual([{ claimValue: "cn=desk-admins", role: "admin" }]);
    expect(roleFromClaim(["ou=groups"], parseRoleMap("ou=groups=admin"))).toBe("admin");
    expect(() => parseRoleMap("desk-admins")).toThrow(/not claim-value=role/);
    expect(() => parseRoleMap("desk-admins=owner")).toThrow(/viewer, editor or admin/);
    expect(() => parseRoleMap("a=admin,a=viewer")).toThrow(/mapped twice/);
    expect(() => parseRoleMap(" , ")).toThrow(/maps no claim value/);
  });
});

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig({ SESSION_DESK_BUNDLED_CORE: "true", ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
}

const COMPLETE = {
  OIDC_ISSUER: "https://login.example.com/realms/staff",
  OIDC_CLIENT_ID: "session-desk",
  OIDC_CLIENT_SECRET: "secret",
  OIDC_ROLE_MAP: "desk-admins=admin",
};

describe("OIDC configuration", () => {
  it("is off by default, with password sign-in on", () => {
    const config = parseConfig({ SESSION_DESK_BUNDLED_CORE: "true" });
    expect(config.OIDC_ISSUER).toBeUndefined();
    expect(config.PASSWORD_SIGN_IN).toBe(true);
    expect(config.OIDC_ROLE_CLAIM).toBe("groups");
    expect(config.OIDC_SCOPES).toBe("openid email profile");
  });

  it("a complete setup parses, with the role map read", () => {
    const config = parseConfig({ SESSION_DESK_BUNDLED_CORE: "true", ...COMPLETE, PASSWORD_SIGN_IN: "false", OIDC_DISPLAY_NAME: "Okta" });
    expect(config.OIDC_ROLE_MAP).toEqual([{ claimValue: "desk-admins", role: "admin" }]);
    expect(config.PASSWORD_SIGN_IN).toBe(false);
    expect(config.OIDC_DISPLAY_NAME).toBe("Okta");
  });

  it("refuses to start with password sign-in off and no SSO (nobody could sign in)", () => {
    expect(problems({ PASSWORD_SIGN_IN: "false" })).toEqual([expect.stringMatching(/PASSWORD_SIGN_IN: false needs OIDC sign-in configured/)]);
  });

  it("needs the client id, secret and role map with an issuer, one line each", () => {
    const lines = problems({ OIDC_ISSUER: COMPLETE.OIDC_ISSUER });
    expect(lines).toHaveLength(3);
    expect(lines.join("\n")).toMatch(/OIDC_CLIENT_ID: required/);
    expect(lines.join("\n")).toMatch(/OIDC_CLIENT_SECRET: required/);
    expect(lines.join("\n")).toMatch(/OIDC_ROLE_MAP: required/);
  });

  it("says what is wrong with a role map, and scopes without openid", () => {
    expect(problems({ ...COMPLETE, OIDC_ROLE_MAP: "desk-admins=superuser" })).toEqual([expect.stringMatching(/OIDC_ROLE_MAP: .*viewer, editor or admin/)]);
    expect(problems({ ...COMPLETE, OIDC_SCOPES: "email profile" })).toEqual([expect.stringMatching(/OIDC_SCOPES: must include openid/)]);
  });

  it("takes a plain-http issuer only on 127.0.0.1 or localhost outside production", () => {
    expect(problems({ ...COMPLETE, NODE_ENV: "test", OIDC_ISSUER: "http://127.0.0.1:9000" })).toEqual([]);
    expect(problems({ ...COMPLETE, NODE_ENV: "development", OIDC_ISSUER: "http://localhost:9000/realms/x" })).toEqual([]);
    expect(problems({ ...COMPLETE, NODE_ENV: "test", OIDC_ISSUER: "http://idp.internal" })).toEqual([expect.stringMatching(/OIDC_ISSUER: must be https/)]);
    expect(problems({ ...COMPLETE, NODE_ENV: "production", OIDC_ISSUER: "http://127.0.0.1:9000" })).toEqual([expect.stringMatching(/OIDC_ISSUER: must be https/)]);
  });
});
