import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "../../../app/staff/password.server";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash and keeps its cost parameters with it", async () => {
    const [a, b] = [await hashPassword("same"), await hashPassword("same")];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
  });

  it("treats Unicode forms of the same password alike (NFKC)", async () => {
    const hash = await hashPassword("caf\u00e9-password");
    expect(await verifyPassword("cafe\u0301-password", hash)).toBe(true);
  });

  it("refuses malformed or foreign hashes instead of throwing", async () => {
    for (const stored of ["", "plain", "bcrypt$2b$10$abc", "scrypt$1$2$3"]) expect(await verifyPassword("x", stored)).toBe(false);
  });

  it("verifies hashes made with other cost parameters (they can be raised later)", async () => {
    const { scryptSync, randomBytes } = await import("node:crypto");
    const salt = randomBytes(16);
    const key = scryptSync("old-password", salt, 64, { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword("old-password", `scrypt$1024$8$1$${salt.toString("base64")}$${key.toString("base64")}`)).toBe(true);
  });
});

describe("generated passwords", () => {
  it("are 20 characters without look-alikes, and different every time", () => {
    const passwords = Array.from({ length: 200 }, generatePassword);
    for (const password of passwords) expect(password).toMatch(/^[a-km-np-zA-HJ-NP-Z2-9]{20}$/);
    expect(new Set(passwords).size).toBe(200);
  });
});
