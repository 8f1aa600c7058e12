/**
 * Staff sign-in through an OpenID Connect provider, over real HTTP: a real provider (oidc-provider on
 * 127.0.0.1, tests/helpers/oidc-provider.ts) and the whole dashboard, as a browser would go between them.
 * Account creation with the mapped role, a role change at the next sign-in, refusals (no mapped role,
 * disabled here, email of a password account), a bad or missing state, a replayed answer, a code used
 * twice, sign-out at the provider, and what the sign-in and staff pages show.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_REQUEST_MESSAGE } from "../../../app/staff/oidc.server";
import { getPage, postForm, signIn } from "../../helpers/http";
import { CookieJar, signInAtProvider, startTestIdentityProvider, TEST_PROVIDER_NAME, type TestIdentityProvider, type TestPerson } from "../../helpers/oidc-provider";
import { startTestStack, type TestStack } from "../../helpers/stack";

let idp: TestIdentityProvider;
let stack: TestStack;

beforeAll(async () => {
  idp = await startTestIdentityProvider();
  stack = await startTestStack({ env: idp.appEnv() });
  idp.registerApp(stack.url);
});
afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
});

let counter = 0;
function newPerson(groups: string[], overrides: Partial<TestPerson> = {}): TestPerson {
  counter += 1;
  const login = `person-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const person = { login, password: `pw-${login}`, email: `${login}@company.test`, name: `Person ${counter}`, groups, ...overrides };
  idp.setPerson(person);
  return person;
}

const staffCookieOf = (response: Response) => response.headers.getSetCookie().find((line) => line.startsWith("sd_staff=") && !/Max-Age=0/i.test(line))?.split(";")[0];

/** The whole round trip; returns the app's answer to the provider's redirect. */
async function ssoSignIn(person: TestPerson, redirectTo = "/") {
  const { callbackUrl, jar } = await signInAtProvider(stack.url, person, { redirectTo });
  const response = await getPage(callbackUrl, { cookie: jar.header(stack.url) });
  return { response, cookie: staffCookieOf(response), callbackUrl, jar };
}

async function account(email: string) {
  const { findStaffByEmail } = await import("../../../app/staff/accounts.server");
  return findStaffByEmail(email);
}

async function sessionCount(staffId: string): Promise<number> {
  const { getDb } = await import("../../../app/db/db.server");
  const rows = await getDb().selectFrom("staff_sessions").select("id").where("staff_id", "=", staffId).execute();
  return rows.length;
}

async function eventsAbout(email: string) {
  const { listStaffEvents } = await import("../../../app/staff/events.server");
  return (await listStaffEvents(200)).filter((event) => event.targetEmail === email);
}

describe("the sign-in page", () => {
  it("offers the provider's button (a POST form) next to the password form", async () => {
    const html = await (await getPage(`${stack.url}/login?redirectTo=%2Faudit`)).text();
    expect(html).toContain(`Sign in with ${TEST_PROVIDER_NAME}`);
    expect(html).toMatch(/<form method="post" action="\/sso\/start"/);
    expect(html).toContain('name="redirectTo" value="/audit"');
    expect(html).toContain('name="password"');
  });

  it("GET /sso/start starts nothing; a POST from another site is refused", async () => {
    const get = await getPage(`${stack.url}/sso/start`);
    expect(get.status).toBe(302);
    expect(get.headers.get("Location")).toBe("/login");
    expect(get.headers.getSetCookie().some((line) => line.startsWith("sd_sso="))).toBe(false);
    const foreign = await postForm(`${stack.url}/sso/start`, {}, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
  });

  it("sends the browser to the provider with PKCE (S256), a state and a nonce, and keeps the state in a signed httpOnly cookie", async () => {
    const response = await postForm(`${stack.url}/sso/start`, { redirectTo: "/" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("Location")!);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get("client_id")).toBe(idp.clientId);
    expect(location.searchParams.get("redirect_uri")).toBe(`${stack.url}/sso/callback`);
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get("state")!.length).toBeGreaterThanOrEqual(32);
    expect(location.searchParams.get("nonce")!.length).toBeGreaterThanOrEqual(32);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("sd_sso="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/sso/i);
    // The cookie holds the state and nothing else (Remix's signed cookie: base64 JSON, a dot, the signature);
    // the PKCE verifier and the nonce stay on the server.
    const value = decodeURIComponent(cookie.split(";")[0]!.slice("sd_sso=".length));
    expect(JSON.parse(Buffer.from(value.slice(0, value.lastIndexOf(".")), "base64").toString("utf8"))).toBe(location.searchParams.get("state"));
  });
});

describe("accounts", () => {
  it("the first sign-in creates the account with the highest mapped role and lands where the person was going", async () => {
    const person = newPerson(["support", "desk-editors", "unrelated"]);
    const { response, cookie } = await ssoSignIn(person, "/audit?action=edit");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/audit?action=edit");
    expect(cookie).toBeDefined();
    // The flow cookie is used up.
    expect(response.headers.getSetCookie().find((line) => line.startsWith("sd_sso="))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const home = await getPage(`${stack.url}/`, { cookie });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain(person.name);
    expect(html).toContain(">editor<");
    const made = await account(person.email!);
    expect(made).toMatchObject({ role: "editor", signInMethod: "oidc", oidcIssuer: idp.issuer, displayName: person.name, disabled: false });
    const events = await eventsAbout(person.email!);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "create", actorEmail: `${TEST_PROVIDER_NAME} sign-in`, detail: "as editor, at their first sign-in" });
  });

  it("a role change at the provider takes effect at the next sign-in, in both directions", async () => {
    const person = newPerson(["support"]);
    const first = await ssoSignIn(person);
    expect(first.response.status).toBe(302);
    const { id } = (await account(person.email!))!;
    expect((await account(person.email!))!.role).toBe("viewer");

    idp.setPerson({ ...person, groups: ["desk-admins"] });
    // Not before: the session already open keeps the role it had (as the issue asks: at the next sign-in).
    expect((await account(person.email!))!.role).toBe("viewer");
    const second = await ssoSignIn({ ...person, groups: ["desk-admins"] });
    expect(second.response.status).toBe(302);
    expect(await account(person.email!)).toMatchObject({ id, role: "admin" });
    expect((await getPage(`${stack.url}/staff`, { cookie: second.cookie })).status).toBe(200);

    idp.setPerson({ ...person, groups: ["support"] });
    const third = await ssoSignIn(person);
    expect(third.response.status).toBe(302);
    expect(await account(person.email!)).toMatchObject({ id, role: "viewer" });
    expect((await getPage(`${stack.url}/staff`, { cookie: third.cookie })).status).toBe(403);
    const changes = (await eventsAbout(person.email!)).filter((event) => event.action === "set-role").map((event) => event.detail);
    expect(changes).toEqual(["from admin to viewer, from their groups at sign-in", "from viewer to admin, from their groups at sign-in"]);
  });

  it("is known by issuer and subject: a new email at the provider follows onto the same account", async () => {
    const person = newPerson(["support"]);
    await ssoSignIn(person);
    const { id } = (await account(person.email!))!;
    const renamed = { ...person, email: `renamed-${person.email}`, name: "Renamed Person" };
    idp.setPerson(renamed);
    expect((await ssoSignIn(renamed)).response.status).toBe(302);
    expect(await account(renamed.email)).toMatchObject({ id, displayName: "Renamed Person" });
    expect(await account(person.email!)).toBeUndefined();
  });
});

async function signInCount(result: string): Promise<number> {
  const { metricsText } = await import("../../../app/observability/metrics.server");
  const series = `session_desk_sign_ins_total{method="oidc",result="${result}"} `;
  const line = (await metricsText()).body.split("\n").find((candidate) => candidate.startsWith(series));
  return line ? Number(line.slice(series.length)) : 0;
}

describe("metrics and two-step sign-in", () => {
  it("counts SSO sign-ins by result: ok, and a refusal by its reason", async () => {
    const [ok, noRole] = [await signInCount("ok"), await signInCount("no_role")];
    expect((await ssoSignIn(newPerson(["support"]))).response.status).toBe(302);
    expect((await ssoSignIn(newPerson(["marketing"]))).response.status).toBe(403);
    expect(await signInCount("ok")).toBe(ok + 1);
    expect(await signInCount("no_role")).toBe(noRole + 1);
  });

  it("an admin requiring two-step sign-in for password accounts does not affect SSO accounts (their provider handles it)", async () => {
    const { setTotpRequired } = await import("../../../app/staff/app-settings.server");
    await setTotpRequired(true, "sso-test@staff.test");
    try {
      const { response, cookie } = await ssoSignIn(newPerson(["support"]), "/audit");
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe("/audit");
      expect((await getPage(`${stack.url}/audit`, { cookie })).status).toBe(200);
    } finally {
      await setTotpRequired(false, "sso-test@staff.test");
    }
  });

  it("an SSO account's own two-step page points to the provider and changes nothing", async () => {
    const { cookie } = await ssoSignIn(newPerson(["support"]));
    const page = await getPage(`${stack.url}/profile/security`, { cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`You sign in with <strong>${TEST_PROVIDER_NAME}</strong>`);
    const start = await postForm(`${stack.url}/profile/security`, { intent: "start" }, { cookie });
    expect(start.status).toBe(400);
    expect(await start.text()).toContain("You sign in through your identity provider");
    const { getDb } = await import("../../../app/db/db.server");
    expect(await getDb().selectFrom("staff_totp").selectAll().execute()).toEqual([]);
  });
});

describe("refusals", () => {
  it("a person with no mapped group gets a clear page, and no account and no session", async () => {
    const person = newPerson(["marketing", "everyone"]);
    const { response, cookie } = await ssoSignIn(person);
    expect(response.status).toBe(403);
    expect(cookie).toBeUndefined();
    const html = await response.text();
    expect(html).toContain("No access to Session Desk");
    expect(html).toContain("none of your groups");
    expect(html).toContain('href="/login"');
    expect(await account(person.email!)).toBeUndefined();
  });

  it("an account disabled in Session Desk stays out, whatever groups the provider sends", async () => {
    const person = newPerson(["support"]);
    await ssoSignIn(person);
    const admin = await signIn(stack, "admin");
    expect((await postForm(`${stack.url}/staff`, { intent: "disable", email: person.email! }, { cookie: admin })).status).toBe(302);
    idp.setPerson({ ...person, groups: ["desk-admins"] });
    const { response, cookie } = await ssoSignIn(person);
    expect(response.status).toBe(403);
    expect(cookie).toBeUndefined();
    expect(await response.text()).toContain("Your Session Desk account is disabled");
    const disabled = (await account(person.email!))!;
    expect(disabled).toMatchObject({ disabled: true, role: "viewer" });
    expect(await sessionCount(disabled.id)).toBe(0);
  });

  it("the email of a password account is not taken over by an SSO sign-in", async () => {
    const existing = await stack.createStaff("admin");
    const person = newPerson(["desk-admins"], { email: existing.email });
    const { response, cookie } = await ssoSignIn(person);
    expect(response.status).toBe(409);
    expect(cookie).toBeUndefined();
    expect(await response.text()).toContain("already belongs to a Session Desk account that signs in with a password");
    expect(await account(existing.email)).toMatchObject({ signInMethod: "password", id: existing.id });
    expect(await sessionCount(existing.id)).toBe(0);
  });

  it("an SSO account cannot be opened with a password", async () => {
    const person = newPerson(["desk-editors"]);
    await ssoSignIn(person);
    for (const password of [person.password, "", "x".repeat(20)]) {
      const response = await postForm(`${stack.url}/login`, { email: person.email!, password: password || "anything" }, { clientAddress: `10.9.0.${++counter % 250}` });
      expect(response.status).toBe(401);
      expect(staffCookieOf(response)).toBeUndefined();
    }
  });
});

describe("the provider's answer", () => {
  it("a changed state is refused, and nothing is signed in", async () => {
    const person = newPerson(["support"]);
    const { callbackUrl, jar } = await signInAtProvider(stack.url, person);
    const tampered = new URL(callbackUrl);
    tampered.searchParams.set("state", `${tampered.searchParams.get("state")}x`);
    const response = await getPage(tampered.href, { cookie: jar.header(stack.url) });
    expect(response.status).toBe(400);
    expect(staffCookieOf(response)).toBeUndefined();
    expect(await response.text()).toContain(INVALID_REQUEST_MESSAGE.slice(0, 40));
    expect(await account(person.email!)).toBeUndefined();
  });

  it("a missing state is refused", async () => {
    const person = newPerson(["support"]);
    const { callbackUrl, jar } = await signInAtProvider(stack.url, person);
    const stripped = new URL(callbackUrl);
    stripped.searchParams.delete("state");
    const response = await getPage(stripped.href, { cookie: jar.header(stack.url) });
    expect(response.status).toBe(400);
    expect(staffCookieOf(response)).toBeUndefined();
  });

  it("the answer opened in another browser (no state cookie: login CSRF) is refused", async () => {
    const person = newPerson(["support"]);
    const { callbackUrl } = await signInAtProvider(stack.url, person);
    const response = await getPage(callbackUrl);
    expect(response.status).toBe(400);
    expect(staffCookieOf(response)).toBeUndefined();
    expect(await account(person.email!)).toBeUndefined();
  });

  it("a replayed answer is refused: the first one signs in, the same one again does not", async () => {
    const person = newPerson(["support"]);
    const { callbackUrl, jar } = await signInAtProvider(stack.url, person);
    const flowCookie = jar.header(stack.url);
    const first = await getPage(callbackUrl, { cookie: flowCookie });
    expect(first.status).toBe(302);
    const { id } = (await account(person.email!))!;
    expect(await sessionCount(id)).toBe(1);
    const replay = await getPage(callbackUrl, { cookie: flowCookie });
    expect(replay.status).toBe(400);
    expect(staffCookieOf(replay)).toBeUndefined();
    expect(await replay.text()).toContain("was used already");
    expect(await sessionCount(id)).toBe(1);
  });

  it("a code used once is refused by the provider when brought back with a fresh state", async () => {
    const person = newPerson(["support"]);
    const { callbackUrl, jar } = await signInAtProvider(stack.url, person);
    expect((await getPage(callbackUrl, { cookie: jar.header(stack.url) })).status).toBe(302);
    const { id } = (await account(person.email!))!;
    // A new sign-in started in the same browser: its state is valid, the old code is not.
    const fresh = await postForm(`${stack.url}/sso/start`, { redirectTo: "/" });
    const freshJar = new CookieJar();
    freshJar.take(stack.url, fresh);
    const state = new URL(fresh.headers.get("Location")!).searchParams.get("state")!;
    const reused = new URL(callbackUrl);
    reused.searchParams.set("state", state);
    const response = await getPage(reused.href, { cookie: freshJar.header(stack.url) });
    expect(response.status).toBe(400);
    expect(staffCookieOf(response)).toBeUndefined();
    expect(await response.text()).toContain("sign-in failed");
    expect(await sessionCount(id)).toBe(1);
  });

  it("an error from the provider (access denied) is shown, and nothing is signed in", async () => {
    const response = await postForm(`${stack.url}/sso/start`, { redirectTo: "/" });
    const jar = new CookieJar();
    jar.take(stack.url, response);
    const state = new URL(response.headers.get("Location")!).searchParams.get("state")!;
    const answer = await getPage(`${stack.url}/sso/callback?error=access_denied&error_description=${encodeURIComponent("End-User aborted interaction")}&state=${state}&iss=${encodeURIComponent(idp.issuer)}`, {
      cookie: jar.header(stack.url),
    });
    expect(answer.status).toBe(403);
    const html = await answer.text();
    expect(html).toContain(`${TEST_PROVIDER_NAME} did not sign you in`);
    expect(html).toContain("access_denied");
  });
});

describe("sign-out", () => {
  it("ends the Session Desk session and signs out at the provider, which sends the browser back to /login", async () => {
    const person = newPerson(["desk-editors"]);
    const { cookie, jar } = await ssoSignIn(person);
    const response = await postForm(`${stack.url}/logout`, {}, { cookie });
    expect(response.status).toBe(302);
    expect(response.headers.getSetCookie().find((line) => line.startsWith("sd_staff="))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const endSession = new URL(response.headers.get("Location")!);
    expect(endSession.origin).toBe(idp.issuer);
    expect(endSession.searchParams.get("id_token_hint")).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${stack.url}/login`);
    expect(endSession.searchParams.get("client_id")).toBe(idp.clientId);
    // Session Desk's side is over at once, whatever the provider does next.
    expect((await getPage(`${stack.url}/`, { cookie })).status).toBe(302);

    // The provider asks to confirm (its own page), then sends the browser back to Session Desk's sign-in page.
    const prompt = await fetch(endSession, { headers: { Cookie: jar.header(endSession.href) }, redirect: "manual" });
    jar.take(endSession.href, prompt);
    const html = await prompt.text();
    expect(prompt.status).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const confirmUrl = new URL(action, endSession).href;
    const confirmed = await fetch(confirmUrl, {
      method: "POST",
      headers: { Cookie: jar.header(confirmUrl), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf, logout: "yes" }).toString(),
      redirect: "manual",
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("Location")).toBe(`${stack.url}/login`);
  });

  it("a password account still signs out to /login", async () => {
    const cookie = await signIn(stack, "viewer");
    const response = await postForm(`${stack.url}/logout`, {}, { cookie });
    expect(response.headers.get("Location")).toBe("/login");
  });
});

describe("the staff page", () => {
  it("shows how each person signs in, and leaves an SSO account's role to the provider", async () => {
    const person = newPerson(["desk-editors"]);
    await ssoSignIn(person);
    const admin = await signIn(stack, "admin");
    const html = await (await getPage(`${stack.url}/staff`, { cookie: admin })).text();
    const row = html.slice(html.indexOf(person.email!) - 400, html.indexOf(person.email!) + 1500);
    expect(row).toContain(`SSO · ${TEST_PROVIDER_NAME}`);
    expect(row).toContain("(from groups)");
    expect(html).toContain(">Password<");
    const refused = await postForm(`${stack.url}/staff`, { intent: "set-role", email: person.email!, role: "admin" }, { cookie: admin });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("comes from the identity provider");
    expect((await account(person.email!))!.role).toBe("editor");
  });

  it("the page allows forms to lead to the provider (CSP form-action), and nowhere else", async () => {
    const response = await getPage(`${stack.url}/login`);
    expect(response.headers.get("Content-Security-Policy")).toContain(`form-action 'self' ${idp.issuer};`);
  });
});
