/** Changes to staff accounts are recorded, append-only, and shown on the staff page. */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, postForm, signInNew } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let cookie: string;
let adminEmail: string;

beforeAll(async () => {
  stack = await startTestStack();
  const signedIn = await signInNew(stack, "admin");
  cookie = signedIn.cookie;
  adminEmail = signedIn.staff.email;
});

afterAll(async () => {
  await stack?.stop();
});

describe("staff account changes", () => {
  it("records who created, re-roled (with the role replaced), disabled and enabled an account", async () => {
    const post = (fields: Record<string, string>) => postForm(`${stack.url}/staff`, fields, { cookie });
    expect((await post({ intent: "create", email: "traced@staff.test", role: "viewer", password: "" })).status).toBe(200);
    expect((await post({ intent: "set-role", email: "traced@staff.test", role: "admin" })).status).toBe(302);
    expect((await post({ intent: "disable", email: "traced@staff.test" })).status).toBe(302);
    expect((await post({ intent: "enable", email: "traced@staff.test" })).status).toBe(302);

    const { listStaffEvents } = await import("~/staff/events.server");
    const events = (await listStaffEvents()).filter((event) => event.targetEmail === "traced@staff.test");
    expect(events.map((event) => [event.action, event.actorEmail, event.detail])).toEqual([
      ["enable", adminEmail, null],
      ["disable", adminEmail, null],
      ["set-role", adminEmail, "from viewer to admin"],
      ["create", adminEmail, "as viewer"],
    ]);

    const html = await (await getPage(`${stack.url}/staff`, { cookie })).text();
    expect(html).toContain("Recent changes to staff accounts");
    expect(html).toContain("changed the role of");
    expect(html.replace(/<!-- -->/g, "")).toMatch(/changed the role of <span[^>]*>traced@staff\.test<\/span> from viewer to admin/);
  });

  it("refuses to change or delete a recorded event", async () => {
    const { getDb } = await import("~/db/db.server");
    await expect(sql`UPDATE staff_events SET action = 'create'`.execute(getDb())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM staff_events`.execute(getDb())).rejects.toThrow(/append-only/);
  });

  it("records nothing for a refused change", async () => {
    const { listStaffEvents } = await import("~/staff/events.server");
    const before = (await listStaffEvents(500)).length;
    const editor = (await signInNew(stack, "editor")).cookie;
    expect((await postForm(`${stack.url}/staff`, { intent: "disable", email: adminEmail }, { cookie: editor })).status).toBe(403);
    expect((await listStaffEvents(500)).length).toBe(before);
  });
});
