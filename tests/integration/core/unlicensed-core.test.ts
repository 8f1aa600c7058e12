/**
 * Session Desk against a core without a licence key (the bundled core started `unlicensed`, seeded
 * with what such a core can hold): the find-user page lists the public tenant and says why there are
 * no others; a support link to a tenant the core does not have says so and searches what there is; the
 * user and session pages work as on any core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

const API_KEY = "unlicensed-core-test-key-0123456789";
let stack: TestStack;
let cookie: string;

beforeAll(async () => {
  stack = await startTestStack({ apiKey: API_KEY, unlicensed: true, seedDemo: true });
  cookie = await signIn(stack, "viewer");
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const visibleText = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function coreGet(path: string): Promise<any> {
  const response = await fetch(`${stack.coreUrl}${path}`, { headers: { "api-key": API_KEY, "cdi-version": "5.4" } });
  return response.json();
}

describe("Session Desk against an unlicensed core", () => {
  it("the find-user page lists the public tenant only and explains why", async () => {
    const response = await getPage(`${stack.url}/`, { cookie });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<option value="public"[^>]*>public<\/option>/);
    expect(html).not.toContain('<option value="acme"');
    const text = visibleText(html);
    expect(text).toContain("This core has only the public tenant: its licence does not include multi-tenancy");
    expect(text).toContain("Users, sessions and everything else in Session Desk work as usual.");
    // The newest seeded users, all in public.
    expect(text).toContain("megabyte@example.com");
    expect(text).toContain("Next page");
  });

  it("a link to a tenant the core does not have says so and searches every tenant it has", async () => {
    const response = await getPage(`${stack.url}/?q=demo%40example.com&tenant=acme`, { cookie });
    expect(response.status).toBe(200);
    const text = visibleText(await response.text());
    expect(text).toContain("There is no tenant acme on this core, so every tenant it has is searched instead.");
    expect(text).toContain("demo@example.com");
  });

  it("a user page and a session page work; the demo accounts are not linked (account linking is paid)", async () => {
    const found = await coreGet("/public/users/by-accountinfo?email=demo%40example.com&doUnionOfAccountInfo=false");
    const user = found.users[0];
    const userPage = await getPage(`${stack.url}/users/${user.id}`, { cookie });
    expect(userPage.status).toBe(200);
    expect(visibleText(await userPage.text())).toContain("demo@example.com");
    const handles = await coreGet(`/recipe/session/user?userId=${user.id}&fetchSessionsForAllLinkedAccounts=true&fetchAcrossAllTenants=true`);
    expect(handles.sessionHandles.length).toBeGreaterThanOrEqual(5);
    const sessionPage = await getPage(`${stack.url}/users/${user.id}/sessions/${encodeURIComponent(handles.sessionHandles[0])}`, { cookie });
    expect(sessionPage.status).toBe(200);
    const sam = await coreGet("/public/users/by-accountinfo?email=sam.linked%40example.com&doUnionOfAccountInfo=false");
    expect(sam.users.map((u: { isPrimaryUser: boolean }) => u.isPrimaryUser)).toEqual([false, false]);
  });
});

describe("describeTenantScope", () => {
  it("asks the core about its licence only when public is the one tenant; a missing tenant is named either way", async () => {
    const { describeTenantScope } = await import("../../../app/core/licence.server");
    expect(await describeTenantScope(["public", "acme"], "")).toBeUndefined();
    expect(await describeTenantScope(["public", "acme"], "acme")).toBeUndefined();
    expect(await describeTenantScope(["public", "acme"], "globex")).toEqual({ missingTenant: "globex", noMultiTenancy: false });
    expect(await describeTenantScope(["public"], "")).toEqual({ missingTenant: undefined, noMultiTenancy: true });
  });
});
