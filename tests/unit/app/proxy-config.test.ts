/**
 * Configuration for running behind a proxy (#16 §2, §3): TRUST_PROXY as Express takes it, APP_ORIGIN as an
 * origin only, and no plain-HTTP origin in production without the operator's opt-in.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, parseTrustProxy } from "~/config.server";

function errorsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  return [];
}

describe("TRUST_PROXY", () => {
  it("trusts no peer by default", () => {
    expect(parseConfig({ SESSION_DESK_BUNDLED_CORE: "true" }).TRUST_PROXY).toBe(false);
    expect(parseConfig({ SESSION_DESK_BUNDLED_CORE: "true", TRUST_PROXY: "" }).TRUST_PROXY).toBe(false);
  });

  it("takes a hop count, or a list of addresses, CIDR ranges and Express's named ranges", () => {
    expect(parseTrustProxy("1")).toBe(1);
    expect(parseTrustProxy("false")).toBe(false);
    expect(parseTrustProxy("10.0.0.1, 192.168.0.0/16,loopback, fd00::/8, ::1")).toEqual(["10.0.0.1", "192.168.0.0/16", "loopback", "fd00::/8", "::1"]);
  });

  it("refuses true (every peer) and anything it does not understand, naming it", () => {
    expect(errorsOf({ SESSION_DESK_BUNDLED_CORE: "true", TRUST_PROXY: "true" })).toEqual([expect.stringMatching(/TRUST_PROXY: must not be true/)]);
    expect(errorsOf({ SESSION_DESK_BUNDLED_CORE: "true", TRUST_PROXY: "10.0.0.1, proxy.internal, 10.0.0.0/40" })).toEqual([
      expect.stringMatching(/TRUST_PROXY: .*not understood: proxy\.internal, 10\.0\.0\.0\/40/),
    ]);
  });
});

describe("APP_ORIGIN and plain HTTP", () => {
  it("in production, an http:// APP_ORIGIN stops start-up with a clear line, unless ALLOW_INSECURE_HTTP=true", () => {
    const env = { NODE_ENV: "production", SESSION_DESK_BUNDLED_CORE: "true", APP_ORIGIN: "http://desk.internal" };
    expect(errorsOf(env)).toEqual([expect.stringMatching(/APP_ORIGIN: is http:\/\/ in production.*ALLOW_INSECURE_HTTP=true/)]);
    expect(parseConfig({ ...env, ALLOW_INSECURE_HTTP: "true" }).APP_ORIGIN).toBe("http://desk.internal");
    expect(() => parseConfig({ ...env, APP_ORIGIN: "https://desk.example.com" })).not.toThrow();
    // Outside production (development, tests) plain HTTP is normal.
    expect(() => parseConfig({ ...env, NODE_ENV: "development" })).not.toThrow();
  });

  it("must be an origin: a path prefix is refused (the app is served at the root of its host name)", () => {
    expect(errorsOf({ SESSION_DESK_BUNDLED_CORE: "true", APP_ORIGIN: "https://intranet.example.com/desk" })).toEqual([
      expect.stringMatching(/APP_ORIGIN: must be an origin without a path/),
    ]);
    expect(parseConfig({ SESSION_DESK_BUNDLED_CORE: "true", APP_ORIGIN: "https://desk.example.com:8443/" }).APP_ORIGIN).toBe("https://desk.example.com:8443/");
  });
});

describe("CORE_TIMEOUT_MS", () => {
  it("defaults to 10 seconds", () => {
    expect(parseConfig({ SESSION_DESK_BUNDLED_CORE: "true" }).CORE_TIMEOUT_MS).toBe(10_000);
    expect(errorsOf({ SESSION_DESK_BUNDLED_CORE: "true", CORE_TIMEOUT_MS: "0" })).toEqual([expect.stringContaining("CORE_TIMEOUT_MS")]);
  });
});
