/**
 * The staff store against both databases (SQLite and PostgreSQL): accounts, passwords, roles, the
 * last-admin rule, server-side sessions (idle, absolute, sign-out, disabled, demo accounts) and the
 * sign-in throttle. PostgreSQL needs TEST_POSTGRES_URL (see tests/helpers/databases.ts); without it
 * these tests fail with instructions rather than skip.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";

process.env.NODE_ENV = "test";
process.env.SESSION_DESK_BUNDLED_CORE = "true";
process.env.SESSION_SECRET = "store-test-secret-0123456789abcdefghijklmnop";

const accounts = await import("../../../app/staff/accounts.server");
const session = await import("../../../app/staff/session.server");
const signIn = await import("../../../app/staff/sign-in.server");
const demo = await import("../../../app/staff/demo.server");
const clock = await import("../../../app/staff/clock.server");
const { getDb } = await import("../../../app/db/db.server");

const MINUTE = 60_000;
let counter = 0;
const email = (tag: string) => `${tag}-${++counter}@store.test`;
const requestWith = (setCookie: string) => new Request("http://desk.test/", { headers: { Cookie: setCookie.split(";")[0]! } });
const noDetails = { userAgent: "vitest", clientAddress: "192.0.2.1" };

describe.each(DATABASE_KINDS)("staff store on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });
  afterEach(() => clock.resetClock());

  describe("accounts", () => {
    it("creates an account with a lower-cased email, a default name and a salted scrypt hash", async () => {
      const address = email("Mixed.Case").replace("mixed", "Mixed");
      const { account, generatedPassword } = await accounts.createStaffAccount({ email: address, role: "editor" });
      expect(account.email).toBe(address.toLowerCase());
      expect(account.displayName).toBe(address.toLowerCase().split("@")[0]);
      expect(generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);
      const row = await accounts.findStaffRowByEmail(address);
      expect(row!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(row!.password_hash).not.toContain(generatedPassword!);
    });

    it("gives two accounts with the same password different hashes (per-user salt)", async () => {
      const a = await accounts.createStaffAccount({ email: email("salt"), role: "viewer", password: "the-same-password" });
      const b = await accounts.createStaffAccount({ email: email("salt"), role: "viewer", password: "the-same-password" });
      const rowA = await accounts.findStaffRowByEmail(a.account.email);
      const rowB = await accounts.findStaffRowByEmail(b.account.email);
      expect(rowA!.password_hash).not.toBe(rowB!.password_hash);
    });

    it("refuses a duplicate email, whatever its case", async () => {
      const address = email("dup");
      await accounts.createStaffAccount({ email: address, role: "viewer" });
      await expect(accounts.createStaffAccount({ email: address.toUpperCase(), role: "admin" })).rejects.toThrow(/already exists/);
    });

    it("refuses a short password and an unknown role", async () => {
      await expect(accounts.createStaffAccount({ email: email("short"), role: "viewer", password: "short" })).rejects.toThrow(/at least 12/);
      await expect(accounts.createStaffAccount({ email: email("role"), role: "root" as "admin" })).rejects.toThrow();
    });

    it("changes roles, disables and enables, and lists everyone", async () => {
      const address = email("life");
      await accounts.createStaffAccount({ email: address, role: "viewer" });
      expect((await accounts.setStaffRole(address, "editor")).role).toBe("editor");
      expect((await accounts.disableStaffAccount(address)).disabled).toBe(true);
      expect((await accounts.enableStaffAccount(address)).disabled).toBe(false);
      const listed = (await accounts.listStaffAccounts()).find((account) => account.email === address);
      expect(listed).toMatchObject({ role: "editor", disabled: false, demo: false });
    });

    it("never leaves no active admin", async () => {
      // Make this admin the only active one: disable every other admin first.
      const only = email("only-admin");
      await accounts.createStaffAccount({ email: only, role: "admin" });
      const spare = email("spare-admin");
      await accounts.createStaffAccount({ email: spare, role: "admin" });
      for (const account of await accounts.listStaffAccounts()) {
        if (account.role === "admin" && account.email !== only && !account.disabled) await accounts.disableStaffAccount(account.email);
      }
      await expect(accounts.setStaffRole(only, "editor")).rejects.toThrow(/At least one active admin/);
      await expect(accounts.disableStaffAccount(only)).rejects.toThrow(/At least one active admin/);
      await accounts.enableStaffAccount(spare);
      expect((await accounts.setStaffRole(only, "editor")).role).toBe("editor");
    });

    it("returns the role an account had before each change, even when two changes race", async () => {
      const address = email("previous");
      await accounts.createStaffAccount({ email: address, role: "viewer" });
      expect(await accounts.setStaffRole(address, "editor")).toMatchObject({ role: "editor", previousRole: "viewer" });
      expect(await accounts.setStaffRole(address, "admin")).toMatchObject({ role: "admin", previousRole: "editor" });
      // Two changes at once: whichever lands second replaced the first one's role, not the one both read.
      const [toViewer, toEditor] = await Promise.all([accounts.setStaffRole(address, "viewer"), accounts.setStaffRole(address, "editor")]);
      const previous = [toViewer.previousRole, toEditor.previousRole].sort();
      const final = (await accounts.findStaffByEmail(address))!.role;
      expect(previous).toEqual(final === "viewer" ? ["admin", "editor"] : ["admin", "viewer"]);
    });

    it("reports unknown accounts clearly", async () => {
      await expect(accounts.setStaffRole("nobody@store.test", "viewer")).rejects.toThrow(/no staff account for nobody@store.test/);
    });
  });

  describe("sessions", () => {
    async function signedIn(role: "viewer" | "editor" | "admin" = "viewer") {
      const password = "a-good-long-password";
      const { account } = await accounts.createStaffAccount({ email: email(role), role, password });
      const result = await signIn.signInStaff({ email: account.email, password, ...noDetails });
      if (!result.ok) throw new Error(result.message);
      return { account, request: requestWith(result.setCookie) };
    }

    it("finds the staff member of a fresh session and records the sign-in time", async () => {
      const { account, request } = await signedIn("editor");
      const found = await session.lookUpStaffSession(request);
      expect(found).toMatchObject({ status: "signed-in", staff: { id: account.id, email: account.email, role: "editor" } });
      expect((await accounts.findStaffByEmail(account.email))!.lastSignInAt).not.toBeNull();
    });

    it("stores only a hash of the token", async () => {
      const { request } = await signedIn();
      const token = decodeURIComponent(request.headers.get("Cookie")!.split("=").slice(1).join("="));
      const rows = await getDb().selectFrom("staff_sessions").select("id").execute();
      expect(rows.some((row) => token.includes(row.id))).toBe(false);
      expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.id))).toBe(true);
    });

    it("slides the idle timeout with activity and ends after 30 idle minutes", async () => {
      const { request } = await signedIn();
      clock.advanceClock(20 * MINUTE);
      expect((await session.lookUpStaffSession(request)).status).toBe("signed-in");
      clock.advanceClock(20 * MINUTE);
      expect((await session.lookUpStaffSession(request)).status).toBe("signed-in");
      clock.advanceClock(30 * MINUTE);
      expect((await session.lookUpStaffSession(request)).status).toBe("expired");
      expect((await session.lookUpStaffSession(request)).status).toBe("none");
    });

    it("ends at the absolute lifetime however active", async () => {
      const { request } = await signedIn();
      for (let i = 0; i < 28; i++) {
        clock.advanceClock(25 * MINUTE);
        expect((await session.lookUpStaffSession(request)).status).toBe("signed-in");
      }
      clock.advanceClock(25 * MINUTE);
      expect((await session.lookUpStaffSession(request)).status).toBe("expired");
    });

    it("ends on sign-out", async () => {
      const { request } = await signedIn();
      const cleared = await session.endStaffSession(request);
      expect(cleared).toMatch(/^sd_staff=;/);
      expect((await session.lookUpStaffSession(request)).status).toBe("none");
    });

    it("ends at once when the account is disabled, and sees a role change at once", async () => {
      const { account, request } = await signedIn("editor");
      await accounts.setStaffRole(account.email, "viewer");
      expect(await session.lookUpStaffSession(request)).toMatchObject({ status: "signed-in", staff: { role: "viewer" } });
      await accounts.disableStaffAccount(account.email);
      expect((await session.lookUpStaffSession(request)).status).toBe("none");
      const rows = await getDb().selectFrom("staff_sessions").select("id").where("staff_id", "=", account.id).execute();
      expect(rows).toEqual([]);
    });
  });

  describe("sign-in", () => {
    it("answers a wrong password, an unknown email and a disabled account with the same message", async () => {
      const password = "a-good-long-password";
      const { account } = await accounts.createStaffAccount({ email: email("same"), role: "viewer", password });
      const { account: off } = await accounts.createStaffAccount({ email: email("off"), role: "viewer", password });
      await accounts.disableStaffAccount(off.email);
      const results = [
        await signIn.signInStaff({ email: account.email, password: "wrong-password", ...noDetails, clientAddress: "192.0.2.10" }),
        await signIn.signInStaff({ email: "ghost@store.test", password, ...noDetails, clientAddress: "192.0.2.11" }),
        await signIn.signInStaff({ email: off.email, password, ...noDetails, clientAddress: "192.0.2.12" }),
      ];
      expect(results).toEqual(Array(3).fill({ ok: false, reason: "invalid", message: signIn.SIGN_IN_FAILED_MESSAGE }));
    });

    // Waits are checked to the millisecond: time stands still except when a test moves it.
    beforeEach(() => clock.freezeClock());
    const attempt = (accountEmail: string, password: string, clientAddress: string) =>
      signIn.signInStaff({ email: accountEmail, password, userAgent: null, clientAddress });

    it("slows one (account, address) with growing waits after 3 failures in a row: 1 s, 2 s, 4 s; a success starts afresh", async () => {
      const password = "a-good-long-password";
      const { account } = await accounts.createStaffAccount({ email: email("growing"), role: "viewer", password });
      const from = "198.51.100.1";
      for (let i = 0; i < 3; i++) expect(await attempt(account.email, "nope", from)).toMatchObject({ reason: "invalid" });
      const waits: number[] = [];
      for (let round = 0; round < 3; round++) {
        // Even the right password is not checked during the wait.
        const refused = await attempt(account.email, password, from);
        expect(refused).toMatchObject({ ok: false, reason: "throttled" });
        waits.push((refused as { waitMs: number }).waitMs);
        clock.advanceClock((refused as { waitMs: number }).waitMs);
        expect(await attempt(account.email, "nope", from)).toMatchObject({ reason: "invalid" });
      }
      expect(waits).toEqual([1000, 2000, 4000]);
      const fourth = await attempt(account.email, password, from);
      expect(fourth).toMatchObject({ reason: "throttled", waitMs: 8000 });
      expect((fourth as { message: string }).message).toContain("Try again in 8 seconds");
      clock.advanceClock(8000);
      expect((await attempt(account.email, password, from)).ok).toBe(true);
      // The run ended with the success: three free failures again.
      for (let i = 0; i < 3; i++) expect(await attempt(account.email, "nope", from)).toMatchObject({ reason: "invalid" });
      expect(await attempt(account.email, password, from)).toMatchObject({ reason: "throttled", waitMs: 1000 });
    });

    it("caps the wait at SIGN_IN_MAX_DELAY_SECONDS (15 minutes)", async () => {
      const { account } = await accounts.createStaffAccount({ email: email("capped"), role: "viewer", password: "a-good-long-password" });
      // 14 failures: the 11th wait would be 2^11 s, more than the cap.
      for (let failures = 0; failures < 14; ) {
        const result = await attempt(account.email, "nope", "198.51.100.2");
        if (result.ok === false && result.reason === "throttled") clock.advanceClock(result.waitMs);
        else failures += 1;
      }
      const refused = await attempt(account.email, "nope", "198.51.100.2");
      expect(refused).toMatchObject({ reason: "throttled", waitMs: 900_000 });
      expect((refused as { message: string }).message).toContain("Try again in 15 minutes");
    });

    it("cannot be used to lock an admin out: 40 failures from an attacker's address, the admin signs in at once from theirs", async () => {
      const password = "the-admins-own-password";
      const { account } = await accounts.createStaffAccount({ email: email("admin"), role: "admin", password });
      const attacker = "203.0.113.66";
      let failures = 0;
      while (failures < 40) {
        const result = await attempt(account.email, `guess-${failures}`, attacker);
        if (result.ok === false && result.reason === "throttled") clock.advanceClock(result.waitMs);
        else failures += 1;
      }
      expect((await attempt(account.email, password, "192.0.2.200")).ok).toBe(true);
      // The attacker's own pair stays slowed, right password or not.
      expect(await attempt(account.email, password, attacker)).toMatchObject({ ok: false, reason: "throttled" });
    });

    it("an office behind one address: spraying from it slows unknown accounts, never a colleague who signed in from there before", async () => {
      const password = "a-good-long-password";
      const office = "203.0.113.10";
      const { account: colleague } = await accounts.createStaffAccount({ email: email("colleague"), role: "editor", password });
      const { account: newcomer } = await accounts.createStaffAccount({ email: email("newcomer"), role: "viewer", password });
      expect((await attempt(colleague.email, password, office)).ok).toBe(true);
      for (let i = 0; i < 20; i++) expect(await attempt(`spray-${kind}-${i}@store.test`, "Winter2026!", office)).toMatchObject({ reason: "invalid" });
      // The 21st guess, for any account not known at this address, waits.
      expect(await attempt(`spray-${kind}-x@store.test`, "Winter2026!", office)).toMatchObject({ reason: "throttled", waitMs: 1000 });
      expect(await attempt(newcomer.email, password, office)).toMatchObject({ reason: "throttled" });
      // The colleague is not slowed at all.
      expect((await attempt(colleague.email, password, office)).ok).toBe(true);
      // The newcomer is only delayed, never refused for good: after the wait the right password works.
      clock.advanceClock(1000);
      expect((await attempt(newcomer.email, password, office)).ok).toBe(true);
      // And elsewhere nobody is affected.
      expect((await attempt(newcomer.email, password, "192.0.2.201")).ok).toBe(true);
    });
  });

  describe("demo accounts", () => {
    it("are created once per role and only work while the bundled core is in use", async () => {
      await demo.ensureDemoStaff();
      await demo.ensureDemoStaff();
      const listed = (await accounts.listStaffAccounts()).filter((account) => account.demo);
      expect(listed.map((account) => account.role).sort()).toEqual(["admin", "editor", "viewer"]);
      const viewer = demo.DEMO_ACCOUNTS[0]!;
      const result = await signIn.signInStaff({ email: viewer.email, password: viewer.password, userAgent: null, clientAddress: "192.0.2.50" });
      expect(result.ok).toBe(true);
      const request = requestWith((result as { setCookie: string }).setCookie);
      process.env.SESSION_DESK_BUNDLED_CORE = "false";
      try {
        const { getConfig } = await import("../../../app/config.server");
        // The configuration is parsed once per process; this test flips the cached value on purpose.
        (getConfig() as { SESSION_DESK_BUNDLED_CORE: boolean }).SESSION_DESK_BUNDLED_CORE = false;
        expect((await session.lookUpStaffSession(request)).status).toBe("none");
        const again = await signIn.signInStaff({ email: viewer.email, password: viewer.password, userAgent: null, clientAddress: "192.0.2.51" });
        expect(again).toMatchObject({ ok: false, message: signIn.SIGN_IN_FAILED_MESSAGE });
        expect(await demo.disableDemoStaff()).toBe(3);
        expect((await accounts.listStaffAccounts()).filter((account) => account.demo).every((account) => account.disabled)).toBe(true);
      } finally {
        const { getConfig } = await import("../../../app/config.server");
        (getConfig() as { SESSION_DESK_BUNDLED_CORE: boolean }).SESSION_DESK_BUNDLED_CORE = true;
        process.env.SESSION_DESK_BUNDLED_CORE = "true";
      }
    });
  });
});
