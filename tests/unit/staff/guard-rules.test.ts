/** The pure rules under the guard: role order, safe redirect targets, and where a request came from. */
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "../../../app/staff/guard.server";
import { hasRole, STAFF_ROLES } from "../../../app/staff/roles";
import { isReadMethod, isSameOrigin, originOfRequest } from "../../../app/staff/same-origin";

describe("roles", () => {
  it("order viewer < editor < admin", () => {
    expect(STAFF_ROLES).toEqual(["viewer", "editor", "admin"]);
    const table = STAFF_ROLES.map((role) => STAFF_ROLES.map((minimum) => hasRole(role, minimum)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });
});

describe("safeRedirectPath", () => {
  it.each([
    ["/", "/"],
    ["/audit?user=a&page=2", "/audit?user=a&page=2"],
    ["/users/abc#sessions", "/users/abc#sessions"],
    ["/users/a%2Fb", "/users/a%2Fb"],
  ])("keeps a path on this site: %s", (input, output) => expect(safeRedirectPath(input)).toBe(output));

  it.each([
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/ok\u0000",
    "/ok\nLocation: x",
    "/login",
    "/login?redirectTo=/",
    "/logout",
    "",
    "/" + "a".repeat(2001),
    undefined,
    null,
    42,
  ])("turns %j into /", (input) => expect(safeRedirectPath(input)).toBe("/"));
});

describe("origin of a request", () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name.toLowerCase()] ?? null;
  const self = "http://127.0.0.1:3000";

  it("uses Origin, else the Referer's origin", () => {
    expect(originOfRequest(headers({ origin: self, referer: "https://other.example/" }))).toBe(self);
    expect(originOfRequest(headers({ referer: `${self}/users/1?x=1` }))).toBe(self);
    expect(originOfRequest(headers({}))).toBeNull();
    expect(originOfRequest(headers({ origin: "null", referer: `${self}/` }))).toBeNull();
    expect(originOfRequest(headers({ referer: "not a url" }))).toBeNull();
  });

  it.each([
    [{ origin: self }, true],
    [{ referer: `${self}/staff` }, true],
    [{ origin: "http://127.0.0.1:3001" }, false],
    [{ origin: "https://127.0.0.1:3000" }, false],
    [{ origin: "http://127.0.0.1:3000.evil.example" }, false],
    [{ origin: "https://evil.example", referer: `${self}/` }, false],
    [{ origin: "null" }, false],
    [{}, false],
  ])("%j same-origin: %s", (values, expected) => expect(isSameOrigin(headers(values as Record<string, string>), self)).toBe(expected));

  it("needs no origin for GET and HEAD only", () => {
    expect(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map(isReadMethod)).toEqual([true, true, false, false, false, false, false]);
  });
});
