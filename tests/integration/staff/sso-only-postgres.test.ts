/**
 * SSO as the only way in (PASSWORD_SIGN_IN=false), with Session Desk's store in PostgreSQL (migration
 * 0007 on that dialect): no password form and no demo passwords on the sign-in page, a password posted
 * anyway is refused without being looked at, and the SSO sign-in (account, role change, one use) works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../../app/staff/demo.server";
import { createPostgresDatabase } from "../../helpers/databases";
import { getPage, postForm } from "../../helpers/http";
import { signInAtProvider, startTestIdentityProvider, TEST_PROVIDER_NAME, type TestIdentityProvider } from "../../helpers/oidc-provider";
import { startTestStack, type TestStack } from "../../helpers/stack";

let idp: TestIdentityProvider;
let stack: TestStack;
let database: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  idp = await startTestIdentityProvider();
  database = await createPostgresDatabase();
  stack = await startTestStack({ env: idp.appEnv({ PASSWORD_SIGN_IN: "false", DATABASE_URL: database.url }) });
  idp.registerApp(stack.url);
});
afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
  await database?.drop();
});

describe("PASSWORD_SIGN_IN=false", () => {
  it("the sign-in page offers only the provider: no password field, no demo passwords", async () => {
    const html = await (await getPage(`${stack.url}/login`)).text();
    expect(html).toContain(`Sign in with ${TEST_PROVIDER_NAME}`);
    expect(html).not.toContain('name="password"');
    expect(html).not.toContain(DEMO_ACCOUNTS[0]!.password);
    expect(html).toContain(`Your access and role come from your groups at ${TEST_PROVIDER_NAME}`);
  });

  it("a password posted anyway is refused, even a right one", async () => {
    const account = DEMO_ACCOUNTS.find((demo) => demo.role === "admin")!;
    const response = await postForm(`${stack.url}/login`, { email: account.email, password: account.password });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Password sign-in is turned off");
    expect(response.headers.getSetCookie().some((line) => line.startsWith("sd_staff="))).toBe(false);
  });
});

describe("on PostgreSQL", () => {
  it("signs in, follows a role change at the next sign-in, and takes each answer once", async () => {
    const person = { login: "pg-person", password: "pg-password", email: "pg-person@company.test", name: "PG Person", groups: ["support"] };
    idp.setPerson(person);
    const first = await signInAtProvider(stack.url, person, { redirectTo: "/audit" });
    const answer = await getPage(first.callbackUrl, { cookie: first.jar.header(stack.url) });
    expect(answer.status).toBe(302);
    expect(answer.headers.get("Location")).toBe("/audit");
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith("sd_staff="))!.split(";")[0]!;
    expect(await (await getPage(`${stack.url}/`, { cookie })).text()).toContain(">viewer<");
    expect((await getPage(first.callbackUrl, { cookie: first.jar.header(stack.url) })).status).toBe(400);

    idp.setPerson({ ...person, groups: ["desk-admins"] });
    const second = await signInAtProvider(stack.url, person);
    const again = await getPage(second.callbackUrl, { cookie: second.jar.header(stack.url) });
    expect(again.status).toBe(302);
    const adminCookie = again.headers.getSetCookie().find((line) => line.startsWith("sd_staff="))!.split(";")[0]!;
    const staffPage = await getPage(`${stack.url}/staff`, { cookie: adminCookie });
    expect(staffPage.status).toBe(200);
    expect(await staffPage.text()).toContain(`SSO · ${TEST_PROVIDER_NAME}`);
    const { findStaffByEmail } = await import("../../../app/staff/accounts.server");
    expect(await findStaffByEmail(person.email)).toMatchObject({ role: "admin", signInMethod: "oidc" });
  });
});
