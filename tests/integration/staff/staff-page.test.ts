/**
 * The admin's staff page over HTTP: create (generated password shown once and working), validation
 * with the typed values kept, set-role, disable/enable, the guard rails, and unknown intents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, postForm, signInAs, signInNew } from "../../helpers/http";
import { startTestStack, type TestStack, type TestStaff } from "../../helpers/stack";

let stack: TestStack;
let admin: { cookie: string; staff: TestStaff };

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signInNew(stack, "admin");
});
afterAll(async () => {
  await stack?.stop();
});

const staffPost = (fields: Record<string, string>) => postForm(`${stack.url}/staff`, fields, { cookie: admin.cookie });
const accounts = () => import("../../../app/staff/accounts.server");

describe("the staff page", () => {
  it("lists accounts with roles and states", async () => {
    const html = await (await getPage(`${stack.url}/staff`, { cookie: admin.cookie })).text();
    expect(html).toContain(admin.staff.email);
    expect(html).toContain("admin@demo.session-desk.local");
    expect(html).toContain("(you)");
  });

  it("creates an account with a generated password, shown once, that signs in", async () => {
    const response = await staffPost({ intent: "create", email: "New.Person@Staff.test", displayName: "New Person", role: "editor", password: "" });
    expect(response.status).toBe(200);
    const html = await response.text();
    const password = /data-testid="generated-password"[^>]*>([^<]+)</.exec(html)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    const cookie = await signInAs(stack, { email: "new.person@staff.test", password: password! }, { clientAddress: "10.9.9.1" });
    expect((await getPage(`${stack.url}/`, { cookie })).status).toBe(200);
    const later = await (await getPage(`${stack.url}/staff`, { cookie: admin.cookie })).text();
    expect(later).not.toContain(password!);
  });

  it("creates an account with a chosen password", async () => {
    expect((await staffPost({ intent: "create", email: "chosen@staff.test", role: "viewer", password: "a-chosen-password" })).status).toBe(200);
    await signInAs(stack, { email: "chosen@staff.test", password: "a-chosen-password" }, { clientAddress: "10.9.9.2" });
  });

  it.each([
    [{ intent: "create", email: "not-an-email", role: "viewer" }, "Enter a valid email address"],
    [{ intent: "create", email: "short@staff.test", role: "viewer", password: "tiny-pw9" }, "Use at least 12 characters"],
    [{ intent: "create", email: "role@staff.test", role: "superuser" }, "must be viewer, editor or admin"],
    [{ intent: "create", email: "x", role: "viewer" }, "already exists"],
    [{ intent: "launch-missiles" }, "Invalid discriminator value"],
    [{}, "Invalid discriminator value"],
  ])("answers 400 with a message: %j", async (fields, message) => {
    const body = { ...fields } as Record<string, string>;
    // "x" stands for the signed-in admin, whose email is known only once the stack runs.
    if (body.email === "x") body.email = admin.staff.email;
    const response = await staffPost(body);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain(message);
    if (body.intent === "create" && body.email) expect(html).toContain(`value="${body.email}"`);
    if (body.password) expect(html).not.toContain(body.password);
  });

  it("sets a role, disables and enables", async () => {
    const target = await stack.createStaff("viewer");
    expect((await staffPost({ intent: "set-role", email: target.email, role: "admin" })).status).toBe(302);
    expect((await (await accounts()).findStaffByEmail(target.email))!.role).toBe("admin");
    const disabled = await staffPost({ intent: "disable", email: target.email });
    expect(disabled.status).toBe(302);
    expect(disabled.headers.get("Location")).toBe("/staff");
    expect((await (await accounts()).findStaffByEmail(target.email))!.disabled).toBe(true);
    expect((await staffPost({ intent: "enable", email: target.email })).status).toBe(302);
    expect((await (await accounts()).findStaffByEmail(target.email))!.disabled).toBe(false);
  });

  it("does not let an admin disable or demote themselves here", async () => {
    const attempts: Record<string, string>[] = [{ intent: "disable", email: admin.staff.email }, { intent: "set-role", email: admin.staff.email, role: "viewer" }];
    for (const fields of attempts) {
      const response = await staffPost(fields);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("You cannot change your own account here");
    }
    expect((await (await accounts()).findStaffByEmail(admin.staff.email))!).toMatchObject({ role: "admin", disabled: false });
  });

  it("says so when the account does not exist", async () => {
    const response = await staffPost({ intent: "disable", email: "ghost@staff.test" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("There is no staff account for ghost@staff.test");
  });
});
