/**
 * The bulk form's value follows the editor's rules (app/json/parse.ts), so a run can never leave a session
 * that the editor would refuse to save: duplicate keys, nesting over 256 levels (also once the value sits
 * at its key path), and the size limit, for the value alone and for each session's data as the change
 * would leave it. A value nested 10,000 levels deep is a clear 400, not a 500. Over HTTP against the built
 * app and a local core, read back through the core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";
import { postData } from "../sessions/helpers";

const FORM_ROUTE = "routes/users.$userId.bulk";
const RUN_ROUTE = "routes/bulk.runs.$runId";
const LIMIT = 16 * 1024;

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { MAX_SESSION_DATA_BYTES: String(LIMIT), AUDIT_REASON_REQUIRED: "false", BULK_APPLY_MAX_RETRIES: "0" } });
  admin = await signIn(stack, "admin");
});
afterAll(async () => {
  await stack?.stop();
});

async function sessionData(handle: string): Promise<unknown> {
  const response = await fetch(`${stack.coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { headers: { "cdi-version": "5.4", rid: "session" } });
  return ((await response.json()) as { userDataInDatabase: unknown }).userDataInDatabase;
}

async function runsOf(userId: string): Promise<unknown[]> {
  const response = await fetch(`${stack.url}/users/${userId}?_data=${encodeURIComponent("routes/users.$userId._index")}`, { headers: { Cookie: admin } });
  const text = await response.text();
  return (JSON.parse(text.slice(0, text.includes("\n\n") ? text.indexOf("\n\n") : undefined)) as { bulkRuns: unknown[] }).bulkRuns;
}

const dryRun = (userId: string, keyPath: string, value: string) =>
  postData(`${stack.url}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", scope: "all", reason: "", keyPath, value }, admin);

const nested = (levels: number, inner = "1") => "[".repeat(levels) + inner + "]".repeat(levels);

describe("the bulk form's value is refused where the editor would refuse it", () => {
  it.each([
    ["a duplicate key", '{"tier": "gold", "tier": "silver"}', /Not valid JSON: Line 1, column 18: the name "tier" appears twice in the same object/],
    ["a duplicate key deep inside", '{"a": [{"x": 1, "y": 2, "x": 3}]}', /the name "x" appears twice/],
    ["nesting of 257 levels", nested(257), /Line 1, column 257: the data is nested more than 256 levels deep/],
    ["nesting of 10,000 levels", nested(10_000), /Line 1, column 257: the data is nested more than 256 levels deep/],
    ["an object nested 10,000 levels", '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000), /nested more than 256 levels deep/],
    ["a value over the size limit", JSON.stringify("x".repeat(LIMIT)), /^The value is 16386 bytes; the limit is 16384 bytes$/],
    ["a word without quotes", "beta", /found beta; text values must be in double quotes, like "beta"/],
  ])("%s: a 400 with the reason beside the value, what was typed kept, no run made", async (_, value, message) => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
    const answer = await dryRun(userId, "settings", value);
    expect(answer.status).toBe(400);
    const body = answer.body as { errors: Record<string, string>; values: Record<string, string> };
    expect(body.errors.value).toMatch(message);
    expect(body.values.value).toBe(value);
    expect(await runsOf(userId)).toEqual([]);
    expect(await sessionData(sessionHandle)).toEqual({ plan: "free" });
  });

  it("counts the levels of the key path: 253 levels at a.b.c make 256 and are accepted, 254 are refused", async () => {
    const { userId } = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
    const refused = await dryRun(userId, "a.b.c", nested(254));
    expect(refused.status).toBe(400);
    expect((refused.body as { errors: Record<string, string> }).errors.value).toBe("At a.b.c this value would nest the data 257 levels deep; the limit is 256");
    const accepted = await dryRun(userId, "a.b.c", nested(253));
    expect(accepted.status).toBe(204);
    expect(accepted.redirect).toMatch(/^\/bulk\/runs\/[0-9a-f]+$/);
  });

  it("a key path deeper than 256 levels with a plain value is refused too", async () => {
    const { userId } = await createCoreUserWithSession(stack, { sessionData: {} });
    const answer = await dryRun(userId, Array.from({ length: 257 }, (_, i) => `k${i}`).join("."), "true");
    expect(answer.status).toBe(400);
    expect((answer.body as { errors: Record<string, string> }).errors.value).toMatch(/would nest the data 257 levels deep; the limit is 256/);
  });

  it("measures the value's stored (compact) size, not the text typed: indentation does not count", async () => {
    const { userId } = await createCoreUserWithSession(stack, { sessionData: {} });
    const items = Array.from({ length: 1500 }, (_, i) => i);
    const typed = JSON.stringify(items, null, 12);
    expect(typed.length).toBeGreaterThan(LIMIT);
    const answer = await dryRun(userId, "items", typed);
    expect(answer.status, JSON.stringify(answer.body)).toBe(204);
  });
});

describe("the data as the change would leave it stays within the size limit", () => {
  it("a session the value would take past the limit is 'Cannot apply' in the dry run, and is left alone by the run", async () => {
    const big = { notes: "n".repeat(15_000) };
    const small = { plan: "free" };
    const first = await createCoreUserWithSession(stack, { sessionData: big });
    const second = await fetch(`${stack.coreUrl}/recipe/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "cdi-version": "5.4", rid: "session" },
      body: JSON.stringify({ userId: first.userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: small }),
    });
    const secondHandle = ((await second.json()) as { session: { handle: string } }).session.handle;
    const value = JSON.stringify("v".repeat(2000));

    const planned = await dryRun(first.userId, "extra", value);
    expect(planned.status).toBe(204);
    const runId = /^\/bulk\/runs\/([0-9a-f]+)$/.exec(planned.redirect ?? "")![1]!;
    const page = await fetch(`${stack.url}/bulk/runs/${runId}?show=error&_data=${encodeURIComponent(RUN_ROUTE)}`, { headers: { Cookie: admin } });
    // A dry run reads as groups of identical change; the one group of errors opens into its session.
    const plan = (await page.json()) as { run: { progress: { plan: Record<string, number> } }; groups: { firstSeq: number; count: number; note: string }[] };
    expect(plan.run.progress.plan).toMatchObject({ "will-change": 1, error: 1 });
    expect(plan.groups).toHaveLength(1);
    expect(plan.groups[0]!.note).toMatch(/^With this change the data would be 16\.6 KiB; the limit is 16 KiB\. It is left alone\.$/);
    const group = await fetch(`${stack.url}/bulk/runs/${runId}?show=error&group=${plan.groups[0]!.firstSeq}&_data=${encodeURIComponent(RUN_ROUTE)}`, { headers: { Cookie: admin } });
    const items = ((await group.json()) as { items: { sessionHandle: string; planError: string }[] }).items;
    expect(items.map((item) => item.sessionHandle)).toEqual([first.sessionHandle]);
    expect(items[0]!.planError).toBe(plan.groups[0]!.note);

    expect((await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, admin)).status).toBe(204);
    for (let i = 0; i < 400; i++) {
      const progress = (await (await fetch(`${stack.url}/bulk/runs/${runId}/progress`, { headers: { Cookie: admin } })).json()) as { status: string };
      if (progress.status === "completed") break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await sessionData(first.sessionHandle)).toEqual(big);
    expect(await sessionData(secondHandle)).toEqual({ ...small, extra: "v".repeat(2000) });
  });
});
