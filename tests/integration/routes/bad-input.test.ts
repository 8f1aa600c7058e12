/**
 * Bad input gets a clear 400, 404 or 415 page and never a 500 or 502: a user id longer than any user can
 * have, a pagination cursor that was cut short or edited (also one the core itself refuses), and a
 * same-origin POST whose body is not a form, on every route with an action. Over HTTP against the built app
 * and a local core, as a browser or a script would send them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, writeSnapshot, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let admin: string;
let user: { userId: string; sessionHandle: string };

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signIn(stack, "admin");
  user = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
});
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string) => fetch(`${stack.url}${path}`, { headers: { Cookie: admin }, redirect: "manual" });

/** The visible text of an HTML page, roughly: tags and scripts removed. */
async function pageText(response: Response): Promise<string> {
  const html = await response.text();
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("a user id no user can have", () => {
  const long = "u".repeat(257);
  it.each([`/users/${long}`, `/users/${long}/export`, `/users/${long}/bulk`])("GET %s is a 404 that says why", async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(await pageText(response)).toContain("a user id is 1 to 256 characters long, and this one is 257");
  });

  it("a POST to it is a 404 too, and changes nothing", async () => {
    const before = await writeSnapshot(stack);
    const response = await fetch(`${stack.url}/users/${long}`, {
      method: "POST",
      headers: { Cookie: admin, Origin: stack.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "revoke-all" }).toString(),
      redirect: "manual",
    });
    expect(response.status).toBe(404);
    expect(await writeSnapshot(stack)).toBe(before);
  });

  it("a 256-character id is still looked up (and not found)", async () => {
    const response = await get(`/users/${"u".repeat(256)}`);
    expect(response.status).toBe(404);
    expect(await pageText(response)).toContain("exists on this core");
  });
});

describe("every route's other address parts", () => {
  it.each([
    // Answered in words beside the search field (tests/e2e/find-user-fast.test.ts), not as an error page.
    ["/?q=" + "q".repeat(321), 200],
    ["/?page=0", 400],
    ["/?tenant=Not%20A%20Tenant", 400],
    ["/audit?page=abc&from=2026-02-30", 200],
    [`/audit/${"z".repeat(300)}`, 404],
    [`/audit/${"z".repeat(300)}/revert`, 404],
    [`/bulk/runs/${"z".repeat(300)}`, 404],
    [`/bulk/runs/${"z".repeat(300)}/progress`, 404],
    [`/bulk/runs/${"a".repeat(32)}?page=-5&show=nonsense`, 404],
    ["SESSION_WITH_LONG_HANDLE", 404],
  ] as const)("GET %s is %i, not a 500", async (path, status) => {
    const target = path === "SESSION_WITH_LONG_HANDLE" ? `/users/${user.userId}/sessions/${"h".repeat(257)}` : path;
    const response = await get(target);
    expect(response.status).toBe(status);
    await response.body?.cancel();
  });
});

describe("a pagination cursor that is not one the app made", () => {
  it.each(["garbage", "abc", "%%%%", Buffer.from("no-separator").toString("base64"), Buffer.from("id;notanumber").toString("base64")])(
    "?cursor=%s is a 400 page that says to start from the first page",
    async (cursor) => {
      const response = await get(`/?cursor=${encodeURIComponent(cursor)}`);
      expect(response.status).toBe(400);
      const text = await pageText(response);
      expect(text).toContain("the link's cursor is not one Session Desk made");
      expect(text).toContain("Start again from the first page");
      expect(text).not.toContain("core answered");
    },
  );

  it("a well-formed cursor still pages", async () => {
    const first = await fetch(`${stack.url}/?_data=routes%2F_index`, { headers: { Cookie: admin } });
    expect(first.status).toBe(200);
    const cursor = Buffer.from(`${user.userId};${Date.now() + 60_000}`).toString("base64");
    const response = await get(`/?cursor=${encodeURIComponent(cursor)}&page=2`);
    expect(response.status).toBe(200);
  });
});

describe("a same-origin POST whose body is not a form", () => {
  const routes = () => [
    `/users/${user.userId}`,
    `/users/${user.userId}/sessions/${user.sessionHandle}`,
    `/users/${user.userId}/bulk`,
    "/staff",
    "/login",
    `/bulk/runs/${"a".repeat(32)}`,
    `/audit/${"a".repeat(32)}/revert`,
  ];

  it("text/plain, JSON or no content type is a 415 that says what to send, on every route with an action", async () => {
    const before = await writeSnapshot(stack);
    for (const path of routes()) {
      for (const [type, body] of [
        ["text/plain", "intent=revoke-all"],
        ["application/json", '{"intent":"revoke-all"}'],
        [null, "intent=revoke-all"],
      ] as const) {
        const headers: Record<string, string> = { Cookie: admin, Origin: stack.url };
        const response = await fetch(`${stack.url}${path}`, { method: "POST", headers, body: type === null ? new Blob([body]) : new Blob([body], { type }), redirect: "manual" });
        // A route whose guard or lookup refuses first (an unknown run or entry: 404) is also a clear answer.
        expect([404, 415], `${type} to ${path}`).toContain(response.status);
        if (response.status === 415) expect(await pageText(response), path).toContain("This page takes form data");
        else await response.body?.cancel();
      }
    }
    expect(await writeSnapshot(stack)).toBe(before);
  });

  it("the user page's action answers 415 with words a person understands", async () => {
    const response = await fetch(`${stack.url}/users/${user.userId}`, {
      method: "POST",
      headers: { Cookie: admin, Origin: stack.url, "Content-Type": "text/plain" },
      body: "intent=revoke-all",
      redirect: "manual",
    });
    expect(response.status).toBe(415);
    const text = await pageText(response);
    expect(text).toContain("That request did not send a form");
    expect(text).toContain("the request sent text/plain");
    expect(text).toContain("Nothing was changed");
  });

  it("a multipart body that cannot be read is a 400", async () => {
    const response = await fetch(`${stack.url}/users/${user.userId}`, {
      method: "POST",
      headers: { Cookie: admin, Origin: stack.url, "Content-Type": "multipart/form-data; boundary=xyz" },
      body: "not multipart at all",
      redirect: "manual",
    });
    expect(response.status).toBe(400);
    expect(await pageText(response)).toContain("The form data could not be read");
  });
});
