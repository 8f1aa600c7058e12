/**
 * Sign-in, sign-out and the staff session over real HTTP against a whole dashboard (demo mode):
 * demo credentials, cookie attributes, messages that never reveal whether an email exists, throttling
 * per (account, address) with growing waits and per address (never a lock), idle and absolute expiry (clock moved, not slept), sign-out, and an
 * account disabled or demoted while signed in.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { advanceClock, freezeClock, resetClock } from "../../../app/staff/clock.server";
import { DEMO_ACCOUNTS } from "../../../app/staff/demo.server";
import { SIGN_IN_FAILED_MESSAGE, signInThrottledMessage } from "../../../app/staff/sign-in.server";
import { getPage, postForm, signInAs, signInNew } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let address = 0;
/** A fresh client address per test, so the per-address throttle of one test does not leak into another. */
const nextAddress = () => `10.0.0.${++address}`;
const MINUTE = 60_000;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  resetClock();
});

const login = (fields: Record<string, string>, clientAddress = nextAddress()) => postForm(`${stack.url}/login`, fields, { clientAddress });
const home = (cookie: string) => getPage(`${stack.url}/`, { cookie });

describe("demo mode", () => {
  it("shows a demo-mode notice with one account per role and its password", async () => {
    const html = await (await getPage(`${stack.url}/login`)).text();
    expect(html).toContain("Demo mode");
    for (const account of DEMO_ACCOUNTS) {
      expect(html).toContain(account.email);
      expect(html).toContain(account.password);
    }
    expect(DEMO_ACCOUNTS.map((account) => account.role)).toEqual(["viewer", "editor", "admin"]);
  });

  it.each(DEMO_ACCOUNTS.map((account) => [account.role, account] as const))("signs in as the demo %s", async (role, account) => {
    const cookie = await signInAs(stack, account, { clientAddress: nextAddress() });
    const page = await home(cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(account.displayName);
    expect(html).toContain(`>${role}<`);
    expect(html.includes('href="/staff"')).toBe(role === "admin");
  });
});

describe("the staff session cookie", () => {
  it("is httpOnly, SameSite=Lax, signed, lives at most the absolute lifetime, and not Secure outside production", async () => {
    const { staff } = await signInNew(stack, "viewer");
    const response = await login({ email: staff.email, password: staff.password });
    expect(response.status).toBe(302);
    const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith("sd_staff="))!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).toMatch(/; Path=\//i);
    expect(line).toMatch(/; Max-Age=43200/i);
    expect(line).not.toMatch(/; Secure/i);
    // Signed: value.signature
    expect(decodeURIComponent(line.split(";")[0]!.split("=").slice(1).join("="))).toMatch(/\.[A-Za-z0-9+/=]+$/);
  });

  it("a tampered cookie is no session", async () => {
    const { cookie } = await signInNew(stack, "viewer");
    const tampered = cookie.replace(/.(;|$)/, (match) => (match[0] === "A" ? "B" : "A") + match.slice(1));
    const response = await home(tampered);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2F");
  });
});

describe("failed sign-ins", () => {
  it("answer the same for a wrong password, an unknown email and a disabled account", async () => {
    const { staff } = await signInNew(stack, "editor");
    const disabled = await stack.createStaff("editor");
    const { disableStaffAccount } = await import("../../../app/staff/accounts.server");
    await disableStaffAccount(disabled.email);
    const answers = [
      await login({ email: staff.email, password: "wrong-password-1" }),
      await login({ email: "nobody-at-all@staff.test", password: "wrong-password-1" }),
      await login({ email: disabled.email, password: disabled.password }),
    ];
    const texts = await Promise.all(answers.map((response) => response.text()));
    expect(answers.map((response) => response.status)).toEqual([401, 401, 401]);
    for (const text of texts) expect(text).toContain(SIGN_IN_FAILED_MESSAGE);
    expect(answers.every((response) => !response.headers.getSetCookie().some((cookie) => cookie.startsWith("sd_staff=")))).toBe(true);
  });

  it("keeps what was typed in the email field, never the password", async () => {
    const text = await (await login({ email: "typed@staff.test", password: "secret-typed-password" })).text();
    expect(text).toContain('value="typed@staff.test"');
    expect(text).not.toContain("secret-typed-password");
  });

  it("a missing field is a 400 with a message", async () => {
    const response = await login({ email: "", password: "" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Enter your email address");
  });
});

describe("throttling: growing waits per (account, address), never a lock", () => {
  // Waits are compared exactly: time stands still except when a test moves it.
  beforeEach(() => freezeClock());

  it("an attacker failing for an admin from one address slows only that address; the admin signs in at once from theirs", async () => {
    const admin = await stack.createStaff("admin");
    const attacker = nextAddress();
    for (let failures = 0; failures < 12; ) {
      const response = await login({ email: admin.email, password: `guess-${failures}` }, attacker);
      if (response.status === 429) advanceClock(Number(response.headers.get("Retry-After") ?? Number.NaN) * 1000);
      else {
        expect(response.status).toBe(401);
        failures += 1;
      }
    }
    const refused = await login({ email: admin.email, password: admin.password }, attacker);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("512");
    expect(await refused.text()).toContain("Try again in 9 minutes");
    expect((await login({ email: admin.email, password: admin.password }, nextAddress())).status).toBe(302);
  });

  it("the waits grow 1 s, 2 s, 4 s after 3 failures, and the page says how long", async () => {
    const staff = await stack.createStaff("viewer");
    const from = nextAddress();
    for (let i = 0; i < 3; i++) expect((await login({ email: staff.email, password: `wrong-${i}` }, from)).status).toBe(401);
    const seen: string[] = [];
    for (let round = 0; round < 3; round++) {
      const refused = await login({ email: staff.email, password: staff.password }, from);
      expect(refused.status).toBe(429);
      seen.push(refused.headers.get("Retry-After")!);
      expect(await refused.text()).toContain(signInThrottledMessage(Number(refused.headers.get("Retry-After")) * 1000, "pair"));
      advanceClock(Number(refused.headers.get("Retry-After")) * 1000);
      expect((await login({ email: staff.email, password: "wrong-again" }, from)).status).toBe(401);
    }
    expect(seen).toEqual(["1", "2", "4"]);
  });

  it("throttles an unknown email exactly like a known one (the answer does not reveal which exists)", async () => {
    const known = await stack.createStaff("viewer");
    const answers: Record<string, number[]> = { known: [], unknown: [] };
    const from = nextAddress();
    for (const [label, email] of [["known", known.email], ["unknown", "ghost@staff.test"]] as const) {
      for (let i = 0; i < 5; i++) answers[label]!.push((await login({ email, password: `wrong-${i}` }, from)).status);
    }
    expect(answers.known).toEqual([401, 401, 401, 429, 429]);
    expect(answers.unknown).toEqual(answers.known);
  });

  it("an office behind one address: 20 failures from it slow guessing there, not a colleague who signs in from there", async () => {
    const colleague = await stack.createStaff("editor");
    const office = nextAddress();
    expect((await login({ email: colleague.email, password: colleague.password }, office)).status).toBe(302);
    for (let i = 0; i < 20; i++) expect((await login({ email: `guess-${i}@staff.test`, password: "guess" }, office)).status).toBe(401);
    const slowed = await login({ email: "guess-more@staff.test", password: "guess" }, office);
    expect(slowed.status).toBe(429);
    expect(await slowed.text()).toContain("Many sign-ins failed from your network");
    expect((await login({ email: colleague.email, password: colleague.password }, office)).status).toBe(302);
  });
});

describe("session lifetime", () => {
  it("ends after 30 idle minutes; activity keeps it alive", async () => {
    const { cookie } = await signInNew(stack, "viewer");
    advanceClock(29 * MINUTE);
    expect((await home(cookie)).status).toBe(200);
    advanceClock(29 * MINUTE);
    expect((await home(cookie)).status).toBe(200);
    advanceClock(31 * MINUTE);
    const expired = await getPage(`${stack.url}/audit?action=edit`, { cookie });
    expect(expired.status).toBe(302);
    expect(expired.headers.get("Location")).toBe("/login?redirectTo=%2Faudit%3Faction%3Dedit&expired=1");
    // Gone for good, not just for that request.
    resetClock();
    expect((await home(cookie)).status).toBe(302);
  });

  it("an idle-expired session cannot POST either (401, nothing done)", async () => {
    const { cookie } = await signInNew(stack, "admin");
    advanceClock(31 * MINUTE);
    const response = await postForm(`${stack.url}/staff`, { intent: "create", email: "late@staff.test", role: "viewer" }, { cookie });
    expect(response.status).toBe(401);
    const { findStaffByEmail } = await import("../../../app/staff/accounts.server");
    expect(await findStaffByEmail("late@staff.test")).toBeUndefined();
  });

  it("ends after 12 hours however active", async () => {
    const { cookie } = await signInNew(stack, "viewer");
    for (let elapsed = 0; elapsed < 11.5 * 60; elapsed += 25) {
      advanceClock(25 * MINUTE);
      expect((await home(cookie)).status).toBe(200);
    }
    advanceClock(35 * MINUTE);
    const response = await home(cookie);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("expired=1");
  });
});

describe("sign-out", () => {
  it("ends the session on the server: the old cookie no longer works", async () => {
    const { cookie } = await signInNew(stack, "editor");
    const response = await postForm(`${stack.url}/logout`, {}, { cookie });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login");
    expect(response.headers.getSetCookie().find((line) => line.startsWith("sd_staff="))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect((await home(cookie)).status).toBe(302);
  });

  it("a GET to /logout changes nothing", async () => {
    const { cookie } = await signInNew(stack, "editor");
    expect((await getPage(`${stack.url}/logout`, { cookie })).status).toBe(302);
    expect((await home(cookie)).status).toBe(200);
  });
});

describe("changes to an account take effect at once", () => {
  it("a disabled account is out on its very next request", async () => {
    const admin = await signInNew(stack, "admin");
    const editor = await signInNew(stack, "editor");
    expect((await home(editor.cookie)).status).toBe(200);
    const disabled = await postForm(`${stack.url}/staff`, { intent: "disable", email: editor.staff.email }, { cookie: admin.cookie });
    expect(disabled.status).toBe(302);
    expect((await home(editor.cookie)).status).toBe(302);
    const { userId } = await createCoreUserWithSession(stack);
    expect((await postForm(`${stack.url}/users/${userId}`, { intent: "revoke-all" }, { cookie: editor.cookie })).status).toBe(401);
  });

  it("a demoted editor can no longer write", async () => {
    const admin = await signInNew(stack, "admin");
    const editor = await signInNew(stack, "editor");
    const { userId, sessionHandle } = await createCoreUserWithSession(stack);
    await postForm(`${stack.url}/staff`, { intent: "set-role", email: editor.staff.email, role: "viewer" }, { cookie: admin.cookie });
    const response = await postForm(`${stack.url}/users/${userId}`, { intent: "revoke", sessionHandle }, { cookie: editor.cookie });
    expect(response.status).toBe(403);
    expect((await home(editor.cookie)).status).toBe(200);
  });
});

describe("redirectTo", () => {
  it("an anonymous page request goes to the sign-in page and comes back after it", async () => {
    const first = await getPage(`${stack.url}/audit?user=u1`);
    expect(first.headers.get("Location")).toBe("/login?redirectTo=%2Faudit%3Fuser%3Du1");
    const staff = await stack.createStaff("viewer");
    const response = await login({ email: staff.email, password: staff.password, redirectTo: "/audit?user=u1" });
    expect(response.headers.get("Location")).toBe("/audit?user=u1");
  });

  it.each(["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/login"])("never leaves the site: %s → /", async (target) => {
    const staff = await stack.createStaff("viewer");
    const response = await login({ email: staff.email, password: staff.password, redirectTo: target });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/");
  });

  it("the sign-in page sends a signed-in person on", async () => {
    const { cookie } = await signInNew(stack, "viewer");
    const response = await getPage(`${stack.url}/login?redirectTo=%2Faudit`, { cookie });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/audit");
  });
});
