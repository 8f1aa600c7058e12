/**
 * One rule for the app's origin (decideAppOrigin): APP_ORIGIN when set, else the request's as the server
 * normalised it. The cookie's Secure flag follows its scheme.
 */
import { describe, expect, it } from "vitest";

process.env.APP_ORIGIN = "https://desk.example.com";
process.env.SESSION_DESK_BUNDLED_CORE = "true";
const { decideAppOrigin } = await import("~/staff/same-origin");
const { expectedOrigin, isServedOverHttps } = await import("~/staff/origin.server");

describe("decideAppOrigin", () => {
  it("prefers APP_ORIGIN, else the request's origin (default ports dropped)", () => {
    expect(decideAppOrigin("https://desk.example.com/", "http://127.0.0.1:3000/login")).toBe("https://desk.example.com");
    expect(decideAppOrigin(undefined, "https://desk.example:443/login?x=1")).toBe("https://desk.example");
    expect(decideAppOrigin(undefined, "http://desk.example:8080/")).toBe("http://desk.example:8080");
  });
});

describe("with APP_ORIGIN=https://desk.example.com", () => {
  it("expects that origin and a Secure cookie whatever address the request reached", () => {
    const request = new Request("http://127.0.0.1:3000/login", { method: "POST" });
    expect(expectedOrigin(request)).toBe("https://desk.example.com");
    expect(isServedOverHttps(request)).toBe(true);
  });
});
