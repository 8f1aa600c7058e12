import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "~/config.server";

function errorsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("has working defaults for demo mode", () => {
    const config = parseConfig({ SESSION_DESK_BUNDLED_CORE: "true" });
    expect(config.PORT).toBe(3000);
    expect(config.SUPERTOKENS_CONNECTION_URI).toBeUndefined();
    expect(config.MAX_SESSION_DATA_BYTES).toBe(1024 * 1024);
    expect(config.SESSION_LOAD_CONCURRENCY).toBeGreaterThan(1);
    // A reason is required for every write by default (issue 13 §4); AUDIT_REASON_REQUIRED=false relaxes it.
    expect(config.AUDIT_REASON_REQUIRED).toBe(true);
    expect(parseConfig({ SESSION_DESK_BUNDLED_CORE: "true", AUDIT_REASON_REQUIRED: "false" }).AUDIT_REASON_REQUIRED).toBe(false);
  });

  it("treats empty strings as unset", () => {
    const config = parseConfig({ SESSION_DESK_BUNDLED_CORE: "true", SUPERTOKENS_CONNECTION_URI: "", SUPERTOKENS_API_KEY: "" });
    expect(config.SUPERTOKENS_CONNECTION_URI).toBeUndefined();
    expect(config.SUPERTOKENS_API_KEY).toBeUndefined();
  });

  it("reports one clear line per bad variable", () => {
    const lines = errorsOf({ PORT: "http", SUPERTOKENS_CONNECTION_URI: "localhost:3567", AUDIT_REASON_REQUIRED: "maybe", SESSION_LOAD_CONCURRENCY: "-2" });
    expect(lines).toHaveLength(4);
    expect(lines.find((line) => line.includes("PORT"))).toMatch(/PORT: must be a port number/);
    expect(lines.find((line) => line.includes("SUPERTOKENS_CONNECTION_URI"))).toMatch(/must be a URL|must start with http/);
    expect(lines.find((line) => line.includes("AUDIT_REASON_REQUIRED"))).toMatch(/true or false/);
    expect(lines.find((line) => line.includes("SESSION_LOAD_CONCURRENCY"))).toMatch(/above 0/);
  });

  it("requires a session secret with a real core in production", () => {
    const lines = errorsOf({ NODE_ENV: "production", SUPERTOKENS_CONNECTION_URI: "http://core.internal:3567" });
    expect(lines).toEqual([expect.stringContaining("SESSION_SECRET")]);
    expect(() => parseConfig({ NODE_ENV: "production", SUPERTOKENS_CONNECTION_URI: "http://core.internal:3567", SESSION_SECRET: "s".repeat(40) })).not.toThrow();
  });

  it("accepts PostgreSQL and SQLite database URLs only", () => {
    expect(parseConfig({ SESSION_DESK_BUNDLED_CORE: "true", DATABASE_URL: "postgres://u:p@db/sd" }).DATABASE_URL).toBe("postgres://u:p@db/sd");
    expect(errorsOf({ SESSION_DESK_BUNDLED_CORE: "true", DATABASE_URL: "mysql://x" })).toEqual([expect.stringContaining("DATABASE_URL")]);
  });
});
