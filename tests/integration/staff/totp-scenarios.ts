/**
 * Two-step sign-in (TOTP) over real HTTP against a whole dashboard, shared by the SQLite and the
 * PostgreSQL test files: set-up on the profile page, sign-in with a code, a wrong code, a replayed code,
 * a recovery code used once, an expired second step, wrong codes counting for the throttle, an admin
 * requiring two-step sign-in (set-up forced right after the password) and an admin's reset.
 *
 * Codes are computed the way an authenticator app does (otpauth) from the key the page shows. Time stands
 * still (freezeClock) and moves only when a test moves it, so "the same code" and "the next code" are exact.
 */
import * as OTPAuth from "otpauth";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { advanceClock, freezeClock, now, resetClock } from "../../../app/staff/clock.server";
import { SIGN_IN_STEP_EXPIRED_MESSAGE } from "../../../app/staff/two-step-text";
import { cookiesFrom, getPage, postForm, signInAs } from "../../helpers/http";
import type { TestStack, TestStaff } from "../../helpers/stack";

const WRONG_CODE = "That code is not right, or it was already used.";
const EXPIRED = SIGN_IN_STEP_EXPIRED_MESSAGE;

/** What an authenticator app shows for `secretText` now (or `steps` 30-second steps from now). */
export function codeFor(secretText: string, steps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretText.replace(/\s/g, "")), digits: 6, period: 30, algorithm: "SHA1" });
  return totp.generate({ timestamp: now().getTime() + steps * 30_000 });
}

/** The key shown for typing in by hand. */
export function secretOnPage(html: string): string {
  const secret = /data-testid="totp-secret">([A-Z2-7 ]+)</.exec(html)?.[1];
  if (!secret) throw new Error(`no TOTP key on the page:\n${html.slice(0, 2000)}`);
  return secret;
}

export function recoveryCodesOnPage(html: string): string[] {
  const list = /aria-label="Recovery codes">(.*?)<\/ul>/s.exec(html)?.[1] ?? "";
  return [...list.matchAll(/<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/li>/g)].map((match) => match[1]!);
}

export function totpScenarios(getStack: () => TestStack) {
  let address = 0;
  const tag = Math.random().toString(36).slice(2, 6);
  /** A fresh client address per sign-in, so one test's throttle never reaches another's. */
  const nextAddress = () => `10.${Number.parseInt(tag, 36) % 200}.${Math.floor(++address / 200)}.${address % 200}`;
  const url = (path: string) => `${getStack().url}${path}`;

  beforeEach(() => freezeClock());
  afterEach(() => resetClock());

  /** A new account with two-step sign-in set up through its profile page. */
  async function enrolledStaff(role: "viewer" | "editor" | "admin" = "viewer") {
    const staff = await getStack().createStaff(role);
    const cookie = await signInAs(getStack(), staff, { clientAddress: nextAddress() });
    const started = await postForm(url("/profile/security"), { intent: "start" }, { cookie });
    expect(started.status).toBe(302);
    const secret = secretOnPage(await (await getPage(url("/profile/security"), { cookie })).text());
    const confirmed = await postForm(url("/profile/security"), { intent: "confirm", code: codeFor(secret) }, { cookie });
    expect(confirmed.status).toBe(200);
    const recoveryCodes = recoveryCodesOnPage(await confirmed.text());
    expect(recoveryCodes).toHaveLength(10);
    // The code used to confirm is spent: the next sign-in needs the next one.
    advanceClock(30_000);
    return { staff, cookie, secret, recoveryCodes };
  }

  /** The password step: returns the challenge cookie and where it leads. */
  async function passwordStep(staff: TestStaff, clientAddress: string, redirectTo = "/") {
    const response = await postForm(url("/login"), { email: staff.email, password: staff.password, redirectTo }, { clientAddress });
    return { response, challenge: cookiesFrom(response), location: response.headers.get("Location") };
  }

  const secondStep = (challenge: string, code: string, clientAddress: string) => postForm(url("/login/verify"), { code }, { cookie: challenge, clientAddress });
  const staffCookieOf = (response: Response) => response.headers.getSetCookie().find((line) => line.startsWith("sd_staff=") && !line.startsWith("sd_staff=;"))?.split(";")[0];

  async function staffDb() {
    const { getDb } = await import("../../../app/db/db.server");
    return getDb();
  }

  async function signInCount(method: string, result: string): Promise<number> {
    const { metricsText } = await import("../../../app/observability/metrics.server");
    const series = `session_desk_sign_ins_total{method="${method}",result="${result}"} `;
    const line = (await metricsText()).body.split("\n").find((candidate) => candidate.startsWith(series));
    return line ? Number(line.slice(series.length)) : 0;
  }

  describe("set-up on the profile page", () => {
    it("shows a QR code and the key, confirms with a current code, shows 10 recovery codes once, and keeps the secret and codes protected", async () => {
      const staff = await getStack().createStaff("editor");
      const cookie = await signInAs(getStack(), staff, { clientAddress: nextAddress() });
      const off = await (await getPage(url("/profile/security"), { cookie })).text();
      expect(off).toContain("Set up two-step sign-in");
      // No GET changes anything: the set-up starts with a POST.
      expect(await (await staffDb()).selectFrom("staff_totp").selectAll().where("staff_id", "=", staff.id).executeTakeFirst()).toBeUndefined();

      const started = await postForm(url("/profile/security"), { intent: "start" }, { cookie });
      expect(started.status).toBe(302);
      expect(started.headers.get("Location")).toBe("/profile/security");
      const pending = await (await getPage(url("/profile/security"), { cookie })).text();
      expect(pending).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code to add Session Desk to your authenticator app"/);
      const abandoned = secretOnPage(pending);
      // Starting over makes a new key; the abandoned one no longer confirms anything.
      expect((await postForm(url("/profile/security"), { intent: "start" }, { cookie })).status).toBe(302);
      const restarted = await (await getPage(url("/profile/security"), { cookie })).text();
      const secret = secretOnPage(restarted);
      expect(secret).not.toBe(abandoned);
      expect(secret.replace(/ /g, "")).toMatch(/^[A-Z2-7]{32}$/);
      expect((await postForm(url("/profile/security"), { intent: "confirm", code: codeFor(abandoned) }, { cookie })).status).toBe(400);
      // The QR code holds the otpauth URI of this very key.
      const svg = Buffer.from(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(pending)![1]!, "base64").toString("utf8");
      expect(svg).toMatch(/^<svg/);

      const wrong = await postForm(url("/profile/security"), { intent: "confirm", code: codeFor(secret, 5) }, { cookie });
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain(WRONG_CODE);
      await expect((await staffDb()).selectFrom("staff_totp").select("confirmed_at").where("staff_id", "=", staff.id).executeTakeFirstOrThrow()).resolves.toEqual({ confirmed_at: null });

      const confirmed = await postForm(url("/profile/security"), { intent: "confirm", code: codeFor(secret) }, { cookie });
      expect(confirmed.status).toBe(200);
      const html = await confirmed.text();
      expect(html).toContain("Two-step sign-in is on");
      const codes = recoveryCodesOnPage(html);
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);

      const db = await staffDb();
      const row = await db.selectFrom("staff_totp").selectAll().where("staff_id", "=", staff.id).executeTakeFirstOrThrow();
      expect(row.confirmed_at).not.toBeNull();
      expect(row.secret).not.toContain(secret.replace(/ /g, ""));
      expect(row.secret).toMatch(/^v1\./);
      const hashes = await db.selectFrom("staff_recovery_codes").select("code_hash").where("staff_id", "=", staff.id).execute();
      expect(hashes).toHaveLength(10);
      const stored = hashes.map((hash) => hash.code_hash).join(" ");
      for (const code of codes) {
        expect(stored).not.toContain(code);
        expect(stored).not.toContain(code.replace(/-/g, ""));
      }

      const later = await (await getPage(url("/profile/security"), { cookie })).text();
      expect(later).toContain("10 of 10");
      for (const code of codes) expect(later).not.toContain(code);
      const events = await db.selectFrom("staff_events").selectAll().where("target_email", "=", staff.email).where("action", "=", "totp-enrol").execute();
      expect(events).toHaveLength(1);
    });

    it("a signed-out request to the page or its actions changes nothing", async () => {
      expect((await getPage(url("/profile/security"))).status).toBe(302);
      expect((await postForm(url("/profile/security"), { intent: "start" })).status).toBe(401);
    });
  });

  describe("signing in", () => {
    it("asks for a code after the right password, and makes the session only after it", async () => {
      const { staff, secret } = await enrolledStaff();
      const from = nextAddress();
      const before = await signInCount("totp", "ok");
      const step = await passwordStep(staff, from, "/audit");
      expect(step.response.status).toBe(302);
      expect(step.location).toBe("/login/verify");
      expect(staffCookieOf(step.response)).toBeUndefined();
      const line = step.response.headers.getSetCookie().find((cookie) => cookie.startsWith("sd_sign_in_step="))!;
      expect(line).toMatch(/; HttpOnly/i);
      expect(line).toMatch(/; Path=\/login/i);
      // The challenge cookie opens no page.
      expect((await getPage(url("/"), { cookie: step.challenge })).status).toBe(302);

      const page = await (await getPage(url("/login/verify"), { cookie: step.challenge })).text();
      expect(page).toContain(staff.email);

      const done = await secondStep(step.challenge, codeFor(secret), from);
      expect(done.status).toBe(302);
      expect(done.headers.get("Location")).toBe("/audit");
      const cookie = staffCookieOf(done)!;
      expect(cookie).toBeDefined();
      expect((await getPage(url("/"), { cookie })).status).toBe(200);
      expect(await signInCount("totp", "ok")).toBe(before + 1);
      // The challenge is used up (and its cookie cleared): the same cookie again gets "sign in again", nothing more.
      expect(done.headers.getSetCookie().some((line) => line.startsWith("sd_sign_in_step=;"))).toBe(true);
      const reused = await secondStep(step.challenge, codeFor(secret, 1), from);
      expect(reused.status).toBe(401);
      expect(await reused.text()).toContain(EXPIRED);
      expect(staffCookieOf(reused)).toBeUndefined();
    });

    it("refuses a wrong code with a clear message and how many tries are left; no session", async () => {
      const { staff, secret } = await enrolledStaff();
      const from = nextAddress();
      const { challenge } = await passwordStep(staff, from);
      const wrong = await secondStep(challenge, codeFor(secret, 3), from);
      expect(wrong.status).toBe(401);
      const text = await wrong.text();
      expect(text).toContain(WRONG_CODE);
      expect(text).toContain("4 tries left");
      expect(staffCookieOf(wrong)).toBeUndefined();
      const notACode = await secondStep(challenge, "", from);
      expect(notACode.status).toBe(400);
      expect(await notACode.text()).toContain("Enter the code");
      // Still fine with the right one.
      expect(staffCookieOf(await secondStep(challenge, codeFor(secret), from))).toBeDefined();
    });

    it("does not take the same code twice (a replay), even within its 30 seconds; the next code works", async () => {
      const { staff, secret } = await enrolledStaff();
      const from = nextAddress();
      const code = codeFor(secret);
      const first = await passwordStep(staff, from);
      expect(staffCookieOf(await secondStep(first.challenge, code, from))).toBeDefined();

      const second = await passwordStep(staff, from);
      expect(second.location).toBe("/login/verify");
      const replayed = await secondStep(second.challenge, code, from);
      expect(replayed.status).toBe(401);
      expect(await replayed.text()).toContain(WRONG_CODE);
      // An older code (the step before) is refused as well: only steps after the last accepted one count.
      expect((await secondStep(second.challenge, codeFor(secret, -1), from)).status).toBe(401);
      advanceClock(30_000);
      expect(staffCookieOf(await secondStep(second.challenge, codeFor(secret), from))).toBeDefined();
    });

    it("takes a recovery code once, and says how many are left", async () => {
      const { staff, recoveryCodes } = await enrolledStaff();
      const from = nextAddress();
      const before = await signInCount("totp", "recovery_code");
      const first = await passwordStep(staff, from);
      // Typed in capitals and without dashes: still the same code.
      const used = await secondStep(first.challenge, recoveryCodes[3]!.toUpperCase().replace(/-/g, " "), from);
      expect(used.status).toBe(302);
      expect(staffCookieOf(used)).toBeDefined();
      const toastPage = await (await getPage(url("/"), { cookie: cookiesFrom(used) })).text();
      expect(toastPage).toContain("Signed in with a recovery code");
      expect(toastPage).toContain("9 left");
      expect(await signInCount("totp", "recovery_code")).toBe(before + 1);

      const second = await passwordStep(staff, from);
      const again = await secondStep(second.challenge, recoveryCodes[3]!, from);
      expect(again.status).toBe(401);
      expect(await again.text()).toContain(WRONG_CODE);
      expect(staffCookieOf(await secondStep(second.challenge, recoveryCodes[4]!, from))).toBeDefined();
    });

    it("an expired second step is refused with a way back to the password", async () => {
      const { staff, secret } = await enrolledStaff();
      const from = nextAddress();
      const before = await signInCount("totp", "expired");
      const { challenge } = await passwordStep(staff, from);
      advanceClock(11 * 60_000);
      const late = await secondStep(challenge, codeFor(secret), from);
      expect(late.status).toBe(401);
      expect(await late.text()).toContain(EXPIRED);
      expect(staffCookieOf(late)).toBeUndefined();
      expect(await signInCount("totp", "expired")).toBe(before + 1);
      const page = await getPage(url("/login/verify"), { cookie: challenge });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Sign in again");
      // A challenge never made (a forged cookie) is the same as none.
      expect((await getPage(url("/login/verify"), { cookie: "sd_sign_in_step=forged" })).headers.get("Location")).toBe("/login");
    });

    it("wrong codes count like wrong passwords for the throttle, and the password step does not wipe them; five end the step", async () => {
      const { staff, secret } = await enrolledStaff();
      const from = nextAddress();
      const { challenge } = await passwordStep(staff, from);
      for (let i = 1; i <= 3; i++) expect((await secondStep(challenge, codeFor(secret, 3 + i), from)).status).toBe(401);
      // Three failures in a row: the next try (even with the right code) waits, as after three wrong passwords.
      const slowed = await secondStep(challenge, codeFor(secret), from);
      expect(slowed.status).toBe(429);
      expect(slowed.headers.get("Retry-After")).toBe("1");
      expect(await slowed.text()).toContain("Try again in 1 second");
      advanceClock(1_000);
      expect((await secondStep(challenge, "000000", from)).status).toBe(401);
      advanceClock(2_000);
      const last = await secondStep(challenge, "000001", from);
      expect(last.status).toBe(302);
      expect(last.headers.get("Location")).toBe("/login");
      expect(await (await getPage(url("/login"), { cookie: cookiesFrom(last) })).text()).toContain("Too many wrong codes");
      expect(await (await getPage(url("/login/verify"), { cookie: challenge })).text()).toContain(EXPIRED);
      // The right password again does not buy fresh guesses: the run of five failures still makes it wait.
      const again = await passwordStep(staff, from);
      expect(again.response.status).toBe(429);
      // From the owner's own (other) address, nothing is held up.
      expect((await passwordStep(staff, nextAddress())).location).toBe("/login/verify");
    });
  });

  describe("the profile page once it is on", () => {
    it("makes new recovery codes and turns it off only with a current code or the password", async () => {
      const { staff, cookie, secret, recoveryCodes } = await enrolledStaff();
      const from = nextAddress();
      const refused = await postForm(url("/profile/security"), { intent: "regenerate", proof: "not-my-password-at-all" }, { cookie, clientAddress: from });
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain("That code or password is not right");
      const renewed = await postForm(url("/profile/security"), { intent: "regenerate", proof: staff.password }, { cookie, clientAddress: from });
      expect(renewed.status).toBe(200);
      const fresh = recoveryCodesOnPage(await renewed.text());
      expect(fresh).toHaveLength(10);
      const { challenge } = await passwordStep(staff, from);
      expect((await secondStep(challenge, recoveryCodes[0]!, from)).status).toBe(401);

      const off = await postForm(url("/profile/security"), { intent: "disable", proof: codeFor(secret) }, { cookie, clientAddress: from });
      expect(off.status).toBe(302);
      const db = await staffDb();
      expect(await db.selectFrom("staff_totp").selectAll().where("staff_id", "=", staff.id).executeTakeFirst()).toBeUndefined();
      expect(await db.selectFrom("staff_recovery_codes").selectAll().where("staff_id", "=", staff.id).execute()).toEqual([]);
      const actions = (await db.selectFrom("staff_events").select("action").where("target_email", "=", staff.email).orderBy("id").execute()).map((row) => row.action);
      expect(actions).toEqual(["totp-enrol", "totp-recovery-codes", "totp-disable"]);
      // Back to one step.
      advanceClock(5_000);
      expect(staffCookieOf((await passwordStep(staff, nextAddress())).response)).toBeDefined();
    });
  });

  describe("an admin", () => {
    it("requires two-step sign-in: a password account without it sets it up right after its password, before any session", async () => {
      const admin = await enrolledStaff("admin");
      const adminCookie = admin.cookie;
      const newcomer = await getStack().createStaff("editor");
      const turnedOn = await postForm(url("/staff"), { intent: "require-totp", required: "true" }, { cookie: adminCookie });
      expect(turnedOn.status).toBe(302);
      try {
        const staffPage = await (await getPage(url("/staff"), { cookie: adminCookie })).text();
        expect(staffPage).toContain("Required");
        expect(staffPage).toContain("required two-step sign-in for everyone who signs in with a password");

        const from = nextAddress();
        const before = await signInCount("totp", "enrolled");
        const step = await passwordStep(newcomer, from, "/schemas");
        expect(step.location).toBe("/login/enrol");
        expect(staffCookieOf(step.response)).toBeUndefined();
        // The code page sends it to the set-up; no page opens with the challenge alone.
        expect((await getPage(url("/login/verify"), { cookie: step.challenge })).headers.get("Location")).toBe("/login/enrol");
        expect((await getPage(url("/"), { cookie: step.challenge })).status).toBe(302);

        const page = await (await getPage(url("/login/enrol"), { cookie: step.challenge })).text();
        expect(page).toContain("Your Session Desk admin requires a second step");
        const secret = secretOnPage(page);
        const wrong = await postForm(url("/login/enrol"), { intent: "confirm", code: codeFor(secret, 4) }, { cookie: step.challenge, clientAddress: from });
        expect(wrong.status).toBe(400);
        expect(await wrong.text()).toContain(WRONG_CODE);
        const done = await postForm(url("/login/enrol"), { intent: "confirm", code: codeFor(secret) }, { cookie: step.challenge, clientAddress: from });
        expect(done.status).toBe(200);
        const html = await done.text();
        expect(recoveryCodesOnPage(html)).toHaveLength(10);
        expect(html).toContain('href="/schemas"');
        const cookie = staffCookieOf(done)!;
        expect((await getPage(url("/"), { cookie })).status).toBe(200);
        expect(await signInCount("totp", "enrolled")).toBe(before + 1);

        // From now on it asks for a code.
        advanceClock(30_000);
        expect((await passwordStep(newcomer, from)).location).toBe("/login/verify");

        // Every password account without it, whatever its role.
        const viewer = await getStack().createStaff("viewer");
        expect((await passwordStep(viewer, nextAddress())).location).toBe("/login/enrol");
      } finally {
        expect((await postForm(url("/staff"), { intent: "require-totp", required: "false" }, { cookie: adminCookie })).status).toBe(302);
      }
      const events = await (await staffDb()).selectFrom("staff_events").select(["action", "detail", "actor_email"]).where("action", "=", "require-totp").where("actor_email", "=", admin.staff.email).orderBy("id").execute();
      expect(events.map((event) => event.detail)).toEqual(["on", "off"]);
    });

    it("resets a staff member's two-step sign-in, with a reason, audited; without a reason nothing happens", async () => {
      const admin = await enrolledStaff("admin");
      const { staff } = await enrolledStaff("viewer");
      const noReason = await postForm(url("/staff"), { intent: "reset-totp", email: staff.email, reason: " " }, { cookie: admin.cookie });
      expect(noReason.status).toBe(400);
      expect(await noReason.text()).toContain("Say why the two-step sign-in is reset");
      const listed = await (await getPage(url("/staff"), { cookie: admin.cookie })).text();
      expect(listed).toContain("+ authenticator");

      const reset = await postForm(url("/staff"), { intent: "reset-totp", email: staff.email, reason: "Lost phone, ticket 4711" }, { cookie: admin.cookie });
      expect(reset.status).toBe(302);
      const db = await staffDb();
      expect(await db.selectFrom("staff_totp").selectAll().where("staff_id", "=", staff.id).executeTakeFirst()).toBeUndefined();
      const event = await db.selectFrom("staff_events").selectAll().where("action", "=", "totp-reset").where("target_email", "=", staff.email).executeTakeFirstOrThrow();
      expect(event.actor_email).toBe(admin.staff.email);
      expect(event.detail).toBe("because: Lost phone, ticket 4711");
      expect(await (await getPage(url("/staff"), { cookie: admin.cookie })).text()).toContain("Lost phone, ticket 4711");
      // The password alone signs in again.
      expect(staffCookieOf((await passwordStep(staff, nextAddress())).response)).toBeDefined();
      // A second reset has nothing to reset; an admin cannot reset their own from the staff page.
      const again = await postForm(url("/staff"), { intent: "reset-totp", email: staff.email, reason: "again" }, { cookie: admin.cookie });
      expect(await again.text()).toContain("has no two-step sign-in to reset");
      const own = await postForm(url("/staff"), { intent: "reset-totp", email: admin.staff.email, reason: "mine" }, { cookie: admin.cookie });
      expect(own.status).toBe(400);
      expect(await db.selectFrom("staff_totp").select("confirmed_at").where("staff_id", "=", admin.staff.id).executeTakeFirst()).toBeDefined();
    });

    it("a non-admin cannot reset or require it", async () => {
      const { cookie } = await enrolledStaff("editor");
      const { staff } = await enrolledStaff("viewer");
      expect((await postForm(url("/staff"), { intent: "reset-totp", email: staff.email, reason: "x" }, { cookie })).status).toBe(403);
      expect((await postForm(url("/staff"), { intent: "require-totp", required: "true" }, { cookie })).status).toBe(403);
      const { isTotpRequired } = await import("../../../app/staff/app-settings.server");
      expect(await isTotpRequired()).toBe(false);
    });
  });
}
