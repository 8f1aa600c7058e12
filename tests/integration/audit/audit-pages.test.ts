/**
 * The audit pages over HTTP: filters in the URL, newest first, pagination links, the entry detail with
 * before / after / patch, and an unfinished entry shown as "outcome unknown".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;
let viewer: string;
const ids: string[] = [];

beforeAll(async () => {
  // Written before a reason became required by default (AUDIT_REASON_REQUIRED=true): these cases are about
  // other rules, so the reason is optional here; tests/integration/audit/reason-required.test.ts covers it.
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false" } });
  viewer = await signIn(stack, "viewer");
  const { beginAudit, finishAudit } = await import("../../../app/audit/audit.server");
  const author = await stack.createStaff("editor", { email: "author@staff.test", displayName: "Audit Author" });
  for (let i = 0; i < 55; i++) {
    const id = await beginAudit({
      staff: author,
      action: i % 5 === 0 ? "revoke" : "edit",
      target: { userId: i < 50 ? "page-user" : "other-user", sessionHandle: `handle-${i}`, tenantId: "public" },
      reason: `reason number ${i}`,
      before: { counter: i, note: "<script>alert(1)</script>" },
      after: { counter: i + 1 },
      patch: [{ op: "replace", path: "/counter", value: i + 1 }],
    });
    if (i !== 54) await finishAudit(id, { status: "written" });
    ids.push(id);
  }
});
afterAll(async () => {
  await stack?.stop();
});

const audit = async (query: string) => {
  const response = await getPage(`${stack.url}/audit${query}`, { cookie: viewer });
  expect(response.status).toBe(200);
  return response.text();
};
const shown = (html: string) => [...html.matchAll(/href="\/audit\/([0-9a-f]+)"/g)].map((match) => match[1]);

describe("the audit trail page", () => {
  it("lists newest first, 50 to a page, with a link to the older page", async () => {
    const html = await audit("");
    expect(shown(html)).toEqual(ids.slice().reverse().slice(0, 50));
    expect(html).toContain("Entries 1–50 of 55");
    expect(html).toContain('href="/audit?page=2"');
    expect(html).toContain("Outcome unknown");
  });

  it("keeps every filter in the URL, and in its pagination links", async () => {
    const html = await audit("?user=page-user&action=edit&staff=author%40staff.test&from=2000-01-01&to=2100-12-31");
    const expected = ids.filter((_, i) => i < 50 && i % 5 !== 0).reverse();
    expect(shown(html)).toEqual(expected);
    expect(html).toContain(`Entries 1–40 of 40`);
    expect(html).toMatch(/<input[^>]*name="user"[^>]*value="page-user"/);
  });

  it("filters by session handle and pages through", async () => {
    expect(shown(await audit("?session=handle-7"))).toEqual([ids[7]]);
    const second = await audit("?page=2");
    expect(shown(second)).toEqual(ids.slice().reverse().slice(50));
    expect(second).toContain('href="/audit"');
  });

  it("drops a bad filter value and says so, instead of failing", async () => {
    const html = await audit("?action=explode&from=yesterday");
    expect(html).toContain("Ignored filters");
    expect(shown(html)).toHaveLength(50);
  });
});

describe("an audit entry", () => {
  it("shows who, what, why, before, after and the patch — as inert text", async () => {
    const response = await getPage(`${stack.url}/audit/${ids[3]}`, { cookie: viewer });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Audit Author");
    expect(html).toContain("reason number 3");
    expect(html).toContain("handle-3");
    expect(html).toContain("&quot;counter&quot;: 4");
    expect(html).toContain("&quot;op&quot;: &quot;replace&quot;");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
  });

  it("says plainly when its outcome is unknown", async () => {
    const html = await (await getPage(`${stack.url}/audit/${ids[54]}`, { cookie: viewer })).text();
    expect(html).toContain("Outcome unknown");
    expect(html).toContain("never recorded");
  });

  it("says a side was not recorded instead of showing null (a bulk item that changed since its dry run)", async () => {
    const { beginAudit, finishAudit } = await import("../../../app/audit/audit.server");
    const author = { id: "bulk-author", email: "bulk-author@staff.test", displayName: "Bulk Author", role: "admin" as const };
    const id = await beginAudit({ staff: author, action: "bulk-apply-item", target: { userId: "other-user", sessionHandle: "handle-conflict" }, before: { plan: "pro" } });
    await finishAudit(id, { status: "conflict", error: "The data changed since it was loaded; nothing was written." });
    const html = await (await getPage(`${stack.url}/audit/${id}`, { cookie: viewer })).text();
    expect(html).toContain("Not recorded for this entry.");
    expect(html).not.toMatch(/<pre[^>]*aria-label="After"/);
    expect(html).toMatch(/<pre[^>]*aria-label="Before"[^>]*>\{\s*&quot;plan&quot;: &quot;pro&quot;\s*\}<\/pre>/);
  });

  it("is a 404 for an unknown or malformed id", async () => {
    expect((await getPage(`${stack.url}/audit/${"0".repeat(28)}`, { cookie: viewer })).status).toBe(404);
    expect((await getPage(`${stack.url}/audit/not-an-id`, { cookie: viewer })).status).toBe(404);
  });
});
