import { describe, expect, it } from "vitest";
import { nameFromMetadata } from "~/core/users.server";
import { interpretQuery, normalisePhone } from "~/users/search.server";
import { formatCount, loginMethodLabel } from "~/utils/format";

describe("interpretQuery", () => {
  it("reads a phone number typed without its + (or with 00) as E.164", () => {
    expect(interpretQuery("4915112345678")).toEqual({ kind: "phone", value: "+4915112345678", typed: "4915112345678" });
    expect(normalisePhone("0049 151 12345678")).toBe("+4915112345678");
    expect(normalisePhone("+44 (0)20 7183 8750")).toBe("+442071838750");
    // A partial number stays a prefix.
    expect(normalisePhone("+4915112")).toBe("+4915112");
  });

  it("treats the start of an id, in any case, as an id prefix as well as text", () => {
    expect(interpretQuery("3f2a")).toEqual({ kind: "text", value: "3f2a", idPrefix: "3f2a" });
    expect(interpretQuery("3F2A-9b")).toEqual({ kind: "text", value: "3F2A-9b", idPrefix: "3f2a-9b" });
    expect(interpretQuery("jane")).toEqual({ kind: "text", value: "jane" });
  });

  it("hints at provider: for a plain provider name", () => {
    expect(interpretQuery("google")).toEqual({ kind: "text", value: "google", providerHint: "provider:google" });
    expect(interpretQuery("GitHub")).toMatchObject({ providerHint: "provider:github" });
  });

  it("refuses a query longer than an email address can be", () => {
    expect(interpretQuery("a".repeat(321))).toEqual({ kind: "too-long", length: 321 });
    expect(interpretQuery("a".repeat(320)).kind).toBe("text");
  });
});

describe("names and labels", () => {
  it("takes a name from first_name/last_name, else name", () => {
    expect(nameFromMetadata({ first_name: "Ada", last_name: "Lovelace" })).toBe("Ada Lovelace");
    expect(nameFromMetadata({ first_name: " Ada " })).toBe("Ada");
    expect(nameFromMetadata({ name: "Grace Hopper" })).toBe("Grace Hopper");
    expect(nameFromMetadata({ first_name: 3, plan: "pro" })).toBeUndefined();
    expect(nameFromMetadata({})).toBeUndefined();
  });

  it("writes every count one way, toasts included", () => {
    expect(formatCount(1000)).toBe("1,000");
    expect(formatCount(10000)).toBe("10,000");
    expect(formatCount(0)).toBe("0");
  });

  it("labels every login method in one style", () => {
    expect(loginMethodLabel({ recipeId: "emailpassword" })).toBe("Email & password");
    expect(loginMethodLabel({ recipeId: "thirdparty", thirdParty: { id: "github" } })).toBe("GitHub");
    expect(loginMethodLabel({ recipeId: "thirdparty", thirdParty: { id: "acme-sso" } })).toBe("Acme-sso");
    expect(loginMethodLabel({ recipeId: "passwordless" })).toBe("Passwordless");
  });
});
