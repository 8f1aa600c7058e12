/**
 * "Apply to N selected" at full size, over HTTP against the built app and a local core: 10,000 ticked
 * sessions go in one POST body (they made the old GET answer HTTP 431), are kept under an id, and the
 * change form's address carries only that id. The dry run of "set only where missing" over them reads
 * as three groups (will add, left alone because the key is there, cannot apply) that open into their
 * sessions; a selection is only for the staff member and user it was made for. Also "merge an object
 * into a key", read back through the core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";
import { postData } from "../sessions/helpers";

const FORM_ROUTE = "routes/users.$userId.bulk";
const RUN_ROUTE = "routes/bulk.runs.$runId";
const SESSIONS = 10_000;

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false", BULK_APPLY_MAX_RETRIES: "0" } });
  admin = await signIn(stack, "admin");
});
afterAll(async () => {
  await stack?.stop();
});

/** A user with `count` sessions made over the core's HTTP API, 16 at a time. */
async function userWithSessions(count: number, data: (i: number) => Record<string, unknown>) {
  const first = await createCoreUserWithSession(stack, { sessionData: data(0) });
  const handles: string[] = new Array(count);
  handles[0] = first.sessionHandle;
  let next = 1;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${stack.coreUrl}/recipe/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "cdi-version": "5.4", rid: "session" },
        body: JSON.stringify({ userId: first.userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: data(i) }),
      });
      handles[i] = ((await response.json()) as { session: { handle: string } }).session.handle;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { userId: first.userId, handles };
}

async function sessionData(handle: string): Promise<unknown> {
  const response = await fetch(`${stack.coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { headers: { "cdi-version": "5.4", rid: "session" } });
  return ((await response.json()) as { userDataInDatabase: unknown }).userDataInDatabase;
}

async function loaderData(path: string, routeId: string, cookie = admin) {
  const response = await fetch(`${stack.url}${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`, { headers: { Cookie: cookie } });
  expect(response.status, await response.clone().text()).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await response.json()) as any;
}

/** The form as the sessions table posts it: one `handle` field per ticked row. */
async function postSelection(userId: string, handles: string[], cookie = admin) {
  const body = new URLSearchParams([["intent", "select"], ...handles.map((handle) => ["handle", handle])]);
  const response = await fetch(`${stack.url}/users/${encodeURIComponent(userId)}/bulk?_data=${encodeURIComponent(FORM_ROUTE)}`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: stack.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: body.toString(),
    redirect: "manual",
  });
  return { status: response.status, redirect: response.headers.get("X-Remix-Redirect"), body: response.status === 400 ? await response.json() : undefined, bytes: body.toString().length };
}

const runIdOf = (redirect: string | undefined) => /^\/bulk\/runs\/([0-9a-f]+)$/.exec(redirect ?? "")?.[1] ?? "";

/** i % 10 === 0: the key is there already (false); i % 250 === 7: featureFlags is a string; else it is missing. */
const dataFor = (i: number): Record<string, unknown> =>
  i % 250 === 7 ? { featureFlags: "off", n: i } : i % 10 === 0 ? { featureFlags: { alpha: true, newCheckout: false }, n: i } : { featureFlags: { alpha: true }, n: i };

describe("10,000 selected sessions", () => {
  it("go in a POST body, are kept under an id, and the dry run of 'set only where missing' groups them by change", async () => {
    const { userId, handles } = await userWithSessions(SESSIONS, dataFor);
    const selected = await postSelection(userId, handles);
    expect(selected.bytes).toBeGreaterThan(300_000); // what the address used to carry
    expect(selected.status).toBe(204);
    const match = new RegExp(`^/users/${userId}/bulk\\?selection=([0-9a-f]{32})$`).exec(selected.redirect ?? "");
    expect(match, selected.redirect ?? "no redirect").not.toBeNull();
    const selection = match![1]!;

    // The page behind the redirect: an ordinary GET with a short address.
    const formUrl = `/users/${userId}/bulk?selection=${selection}`;
    expect((await fetch(`${stack.url}${formUrl}`, { headers: { Cookie: admin } })).status).toBe(200);
    const form = await loaderData(formUrl, FORM_ROUTE);
    expect(form.selection).toEqual({ id: selection, count: SESSIONS });
    expect(form.selectionGone).toBeNull();

    // Another admin, or the same id under another user's address, gets nothing of it.
    const otherAdmin = await signIn(stack, "admin");
    const asOther = await loaderData(formUrl, FORM_ROUTE, otherAdmin);
    expect(asOther.selection).toBeNull();
    expect(asOther.selectionGone).toMatch(/no longer available/);
    const other = await createCoreUserWithSession(stack, { sessionData: {} });
    const stolen = await postData(`${stack.url}/users/${other.userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", keyPath: "x", value: "1", scope: "selected", selection, reason: "" }, admin);
    expect(stolen.status).toBe(400);
    expect((stolen.body as { errors: { scope: string } }).errors.scope).toMatch(/no longer available/);

    // The dry run, posted with the selection's id.
    const started = Date.now();
    const planned = await postData(
      `${stack.url}/users/${userId}/bulk`,
      FORM_ROUTE,
      { intent: "dry-run", operation: "set-if-missing", keyPath: "featureFlags.newCheckout", value: "true", scope: "selected", selection, reason: "Roll out the new checkout" },
      admin,
    );
    expect(planned.status, JSON.stringify(planned.body)).toBe(204);
    expect(planned.toast?.title).toBe("Dry run of 10,000 sessions");
    const runId = runIdOf(planned.redirect);
    console.info(`dry run of ${SESSIONS} selected sessions: ${Date.now() - started} ms`);

    const plan = await loaderData(`/bulk/runs/${runId}?show=all`, RUN_ROUTE);
    expect(plan.run.scope).toBe("selected");
    expect(plan.run.operation).toBe("set-if-missing");
    expect(plan.run.progress.total).toBe(SESSIONS);
    expect(plan.run.progress.plan).toEqual({ "will-change": 8_960, "already-so": 1_000, ended: 0, error: 40, "schema-violation": 0 });
    expect(plan.view).toBe("groups");
    expect(plan.total).toBe(3);
    const [add, leftAlone, refused] = plan.groups;
    expect(add).toMatchObject({ plan: "will-change", count: 8_960, note: null });
    expect(add.summary.items).toEqual([{ symbol: "+", path: "featureFlags.newCheckout", detail: "true" }]);
    expect(leftAlone).toMatchObject({ plan: "already-so", count: 1_000, note: "featureFlags.newCheckout is already there; the existing value wins" });
    expect(refused).toMatchObject({ plan: "error", count: 40, note: "featureFlags is a string, not an object, so newCheckout cannot be set inside it" });

    // A group opens into its sessions (paged), and the verdict filter narrows the groups.
    const opened = await loaderData(`/bulk/runs/${runId}?show=all&group=${leftAlone.firstSeq}`, RUN_ROUTE);
    expect(opened.view).toBe("items");
    expect(opened.total).toBe(1_000);
    expect(opened.pageCount).toBe(20);
    expect(opened.items.every((item: { plan: string; planError: string }) => item.plan === "already-so" && /already there/.test(item.planError))).toBe(true);
    const lastPage = await loaderData(`/bulk/runs/${runId}?show=all&group=${leftAlone.firstSeq}&page=20`, RUN_ROUTE);
    expect(lastPage.items).toHaveLength(50);
    const onlyErrors = await loaderData(`/bulk/runs/${runId}?show=error`, RUN_ROUTE);
    expect(onlyErrors.groups.map((g: { plan: string; count: number }) => [g.plan, g.count])).toEqual([["error", 40]]);

    // Nothing was written by the dry run.
    expect(await sessionData(handles[1]!)).toEqual(dataFor(1));
  }, 600_000);

  it("more than 20,000 handles, or none, are refused with words", async () => {
    const { userId } = await userWithSessions(1, () => ({}));
    const tooMany = await postSelection(userId, Array.from({ length: 20_001 }, (_, i) => `h-${i}`));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.scope).toBe("At most 20,000 sessions can be selected at once");
    const none = await postSelection(userId, []);
    expect(none.status).toBe(400);
    expect(none.body.errors.scope).toMatch(/No sessions are selected/);
  });
});

describe("merge an object into a key, over HTTP", () => {
  it("merges where the key holds an object or nothing, and leaves a session whose key is not an object alone", async () => {
    const { userId, handles } = await userWithSessions(4, (i) =>
      [{ featureFlags: { alpha: true, beta: false } }, { featureFlags: "off" }, { other: 1 }, { featureFlags: { beta: true, gamma: 1 } }][i]!,
    );
    const planned = await postData(
      `${stack.url}/users/${userId}/bulk`,
      FORM_ROUTE,
      { intent: "dry-run", operation: "merge", keyPath: "featureFlags", value: '{"beta": true, "gamma": 1}', scope: "all", reason: "" },
      admin,
    );
    const runId = runIdOf(planned.redirect);
    const plan = await loaderData(`/bulk/runs/${runId}?show=all`, RUN_ROUTE);
    expect(plan.run.progress.plan).toEqual({ "will-change": 2, "already-so": 1, ended: 0, error: 1, "schema-violation": 0 });
    expect(plan.groups.find((g: { plan: string }) => g.plan === "error").note).toBe("featureFlags is a string, not an object, so nothing can be merged into it; this session is left alone");

    await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, admin);
    for (let i = 0; i < 200; i++) {
      if ((await loaderData(`/bulk/runs/${runId}/progress`, "routes/bulk.runs.$runId_.progress")).status === "completed") break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await sessionData(handles[0]!)).toEqual({ featureFlags: { alpha: true, beta: true, gamma: 1 } });
    expect(await sessionData(handles[1]!)).toEqual({ featureFlags: "off" });
    expect(await sessionData(handles[2]!)).toEqual({ other: 1, featureFlags: { beta: true, gamma: 1 } });
    expect(await sessionData(handles[3]!)).toEqual({ featureFlags: { beta: true, gamma: 1 } });
  });

  it("refuses a merge value that is not an object, or an empty one, beside the field", async () => {
    const { userId } = await userWithSessions(1, () => ({}));
    for (const [value, message] of [["[1]", /To merge, type an object/], ["{}", /no keys/], ["true", /To merge, type an object/]] as const) {
      const answer = await postData(`${stack.url}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "merge", keyPath: "f", value, scope: "all", reason: "" }, admin);
      expect(answer.status).toBe(400);
      expect((answer.body as { errors: { value: string } }).errors.value).toMatch(message);
    }
  });
});
