import { beforeAll, describe, expect, it } from "vitest";

let describeCoreError: typeof import("~/core/problems.server").describeCoreError;
let isOutage: typeof import("~/core/problems.server").isOutage;

beforeAll(async () => {
  process.env.SUPERTOKENS_CONNECTION_URI = "http://core.example:3567";
  process.env.SESSION_DESK_BUNDLED_CORE = "false";
  process.env.NODE_ENV = "test";
  ({ describeCoreError, isOutage } = await import("~/core/problems.server"));
});

// The SDK's own error texts (contract §1.6 and §2), verbatim.
const sdkError = (method: string, path: string, status: number, body: string) =>
  new Error(`SuperTokens core threw an error for a ${method} request to path: '${path}' with status code: ${status} and message: ${body}`);

describe("what the SDK throws, as a person reads it", () => {
  it("an unreachable core", () => {
    const problem = describeCoreError(new Error("No SuperTokens core available to query"));
    expect(problem.kind).toBe("unreachable");
    expect(problem.cause).toContain("http://core.example:3567");
    expect(problem.advice).toMatch(/SUPERTOKENS_CONNECTION_URI/);
    expect(isOutage(problem)).toBe(true);
  });

  it("a refused API key", () => {
    const problem = describeCoreError(sdkError("GET", "/apiversion", 401, "Invalid API key\n"));
    expect(problem).toMatchObject({ kind: "unauthorised", status: 401 });
    expect(problem.advice).toMatch(/SUPERTOKENS_API_KEY/);
    expect(isOutage(problem)).toBe(true);
  });

  it("an incompatible core", () => {
    const problem = describeCoreError(new Error("The running SuperTokens core version is not compatible with this NodeJS SDK. Please visit https://supertokens.io/docs/community/compatibility to find the right versions"));
    expect(problem.kind).toBe("incompatible");
    expect(problem.cause).toMatch(/CDI 5\.4/);
  });

  it("an unknown app in the connection URI", () => {
    const problem = describeCoreError(sdkError("GET", "/recipe/session", 400, "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, nope, public)\n"));
    expect(problem.kind).toBe("unknown-app");
    expect(isOutage(problem)).toBe(true);
  });

  it("a transient 500 or 429 is not an outage", () => {
    for (const status of [500, 429]) {
      const problem = describeCoreError(sdkError("PUT", "/recipe/session/data", status, "java.lang.RuntimeException: busy\n"));
      expect(problem.kind).toBe("transient");
      expect(problem.status).toBe(status);
      expect(problem.cause).toContain("busy");
      expect(isOutage(problem)).toBe(false);
    }
  });

  it("anything else keeps its status and text", () => {
    const problem = describeCoreError(sdkError("POST", "/recipe/session/remove", 400, "Invalid JSON input - use one of userId or sessionHandles array\n"));
    expect(problem).toMatchObject({ kind: "error", status: 400 });
    expect(problem.cause).toContain("use one of userId");
  });
});
