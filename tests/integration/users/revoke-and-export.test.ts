/**
 * Revoking and exporting through the user page: an editor revokes one session, an admin revokes all; each is audited
 * (entry begun before the core call, finished after), and a viewer or an editor asking for "all" changes
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, postForm, signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let listAuditForUser: typeof import("~/audit/audit.server").listAuditForUser;

async function liveHandles(userId: string): Promise<string[]> {
  const response = await fetch(`${stack.coreUrl}/recipe/session/user?userId=${userId}`, { headers: { "cdi-version": "5.4" } });
  return ((await response.json()) as { sessionHandles: string[] }).sessionHandles;
}

async function addSession(userId: string, data: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${stack.coreUrl}/public/recipe/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "cdi-version": "5.4" },
    body: JSON.stringify({ userId, userDataInJWT: {}, userDataInDatabase: data, enableAntiCsrf: false }),
  });
  return ((await response.json()) as { session: { handle: string } }).session.handle;
}

beforeAll(async () => {
  stack = await startTestStack();
  ({ listAuditForUser } = await import("~/audit/audit.server"));
});

afterAll(async () => {
  await stack?.stop();
});

describe("revoking sessions from the user page", () => {
  it("lets an editor revoke one session, with an audit entry holding its data", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "pro", cartId: "c-1" } });
    const other = await addSession(userId, { plan: "free" });
    const cookie = await signIn(stack, "editor");
    const response = await postForm(`${stack.url}/users/${userId}`, { intent: "revoke", sessionHandle, reason: "ticket 42" }, { cookie });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/users/${userId}`);
    expect(await liveHandles(userId)).toEqual([other]);
    const [entry] = await listAuditForUser(userId);
    expect(entry).toMatchObject({ action: "revoke", target: { userId, sessionHandle, tenantId: "public" }, reason: "ticket 42", before: { plan: "pro", cartId: "c-1" } });
    expect(entry!.outcome?.status).toBe("written");
  });

  it("reports a session that had already ended, audited as gone", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack);
    await fetch(`${stack.coreUrl}/recipe/session/remove`, { method: "POST", headers: { "content-type": "application/json", "cdi-version": "5.4" }, body: JSON.stringify({ sessionHandles: [sessionHandle] }) });
    const cookie = await signIn(stack, "editor");
    const response = await postForm(`${stack.url}/users/${userId}`, { intent: "revoke", sessionHandle, reason: "ticket 43" }, { cookie });
    expect(response.status).toBe(302);
    const [entry] = await listAuditForUser(userId);
    expect(entry!.outcome?.status).toBe("session-gone");
  });

  it("refuses a viewer, and an editor asking to revoke all, with nothing revoked", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack);
    const viewer = await signIn(stack, "viewer");
    expect((await postForm(`${stack.url}/users/${userId}`, { intent: "revoke", sessionHandle }, { cookie: viewer })).status).toBe(403);
    const editor = await signIn(stack, "editor");
    expect((await postForm(`${stack.url}/users/${userId}`, { intent: "revoke-all" }, { cookie: editor })).status).toBe(403);
    expect(await liveHandles(userId)).toEqual([sessionHandle]);
    expect(await listAuditForUser(userId)).toEqual([]);
  });

  it("revokes nothing without a reason (required by default), or when the typed-back count is missing or out of date", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack);
    const second = await addSession(userId, { n: 2 });
    const cookie = await signIn(stack, "admin");
    const url = `${stack.url}/users/${userId}`;
    const forms: Record<string, string>[] = [
      { intent: "revoke", sessionHandle },
      { intent: "revoke", sessionHandle, reason: "   " },
      { intent: "revoke-all", confirmCount: "2" },
      { intent: "revoke-all", reason: "account compromised" },
      { intent: "revoke-all", reason: "account compromised", confirmCount: "1" },
    ];
    for (const form of forms) {
      expect((await postForm(url, form, { cookie })).status, JSON.stringify(form)).toBe(302);
    }
    expect((await liveHandles(userId)).sort()).toEqual([sessionHandle, second].sort());
    expect(await listAuditForUser(userId)).toEqual([]);
  });

  it("lets an admin revoke every session of the user, audited once with the revoked handles", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack);
    const second = await addSession(userId, { n: 2 });
    const cookie = await signIn(stack, "admin");
    const response = await postForm(`${stack.url}/users/${userId}`, { intent: "revoke-all", reason: "account compromised", confirmCount: "2" }, { cookie });
    expect(response.status).toBe(302);
    expect(await liveHandles(userId)).toEqual([]);
    const entries = await listAuditForUser(userId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: "revoke-all", reason: "account compromised" });
    expect(entries[0]!.outcome?.status).toBe("written");
    expect((entries[0]!.outcome?.after as { revokedSessionHandles: string[] }).revokedSessionHandles.sort()).toEqual([sessionHandle, second].sort());
  });

  it("records every revoked session's data in the revoke-all entry, and shows it on the entry's page", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "pro", cartId: "cart-first" } });
    const second = await addSession(userId, { plan: "free", note: "second-session-data" });
    const cookie = await signIn(stack, "admin");
    expect((await postForm(`${stack.url}/users/${userId}`, { intent: "revoke-all", reason: "account compromised", confirmCount: "2" }, { cookie })).status).toBe(302);
    expect(await liveHandles(userId)).toEqual([]);
    const [entry] = await listAuditForUser(userId);
    const recorded = (entry!.before as { sessions: { sessionHandle: string; tenantId: string; sessionDataInDatabase: unknown }[] }).sessions;
    expect(recorded.sort((a, b) => a.sessionHandle.localeCompare(b.sessionHandle))).toEqual(
      [
        { sessionHandle, tenantId: "public", sessionDataInDatabase: { plan: "pro", cartId: "cart-first" } },
        { sessionHandle: second, tenantId: "public", sessionDataInDatabase: { plan: "free", note: "second-session-data" } },
      ].sort((a, b) => a.sessionHandle.localeCompare(b.sessionHandle)),
    );
    expect(entry!.outcome).toMatchObject({ status: "written", error: null });
    const page = await getPage(`${stack.url}/audit/${entry!.id}`, { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const text of [sessionHandle, second, "cart-first", "second-session-data"]) expect(html).toContain(text);
  });

  it("answers an unknown intent with 400 and does nothing", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack);
    const cookie = await signIn(stack, "admin");
    expect((await postForm(`${stack.url}/users/${userId}`, { intent: "delete-user" }, { cookie })).status).toBe(400);
    expect(await liveHandles(userId)).toEqual([sessionHandle]);
  });
});

describe("exporting a user's sessions", () => {
  it("downloads every session with its data as a JSON attachment", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "pro", note: "<b>inert</b>" } });
    const second = await addSession(userId, { plan: "free" });
    const cookie = await signIn(stack, "viewer");
    const response = await fetch(`${stack.url}/users/${userId}/export`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="sessions-${userId}.json"`);
    const body = (await response.json()) as { user: { id: string }; sessions: { sessionHandle: string; sessionDataInDatabase: unknown }[]; endedWhileLoading: number };
    expect(body.user.id).toBe(userId);
    expect(body.endedWhileLoading).toBe(0);
    const byHandle = Object.fromEntries(body.sessions.map((s) => [s.sessionHandle, s.sessionDataInDatabase]));
    expect(byHandle).toEqual({ [sessionHandle]: { plan: "pro", note: "<b>inert</b>" }, [second]: { plan: "free" } });
  });

  it("answers 404 for an unknown user and sends anonymous visitors to sign in", async () => {
    const cookie = await signIn(stack, "viewer");
    expect((await fetch(`${stack.url}/users/nobody-at-all/export`, { headers: { cookie } })).status).toBe(404);
    const anonymous = await fetch(`${stack.url}/users/nobody-at-all/export`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});
