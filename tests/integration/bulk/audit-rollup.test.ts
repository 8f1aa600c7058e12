/**
 * The audit list shows a bulk run as one row: its per-session entries are left out of the list and the
 * run's entry carries their counts by outcome and how many entries it stands for; `?run=` (one click
 * from that row), `?session=` and the per-session action filter list them as before. Over HTTP against
 * the built app and a local core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";
import { postData } from "../sessions/helpers";

const FORM_ROUTE = "routes/users.$userId.bulk";
const RUN_ROUTE = "routes/bulk.runs.$runId";
const AUDIT_ROUTE = "routes/audit._index";

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false", BULK_APPLY_MAX_RETRIES: "0" } });
  admin = await signIn(stack, "admin");
});
afterAll(async () => {
  await stack?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function loaderData(path: string, routeId: string): Promise<any> {
  const response = await fetch(`${stack.url}${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`, { headers: { Cookie: admin } });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

async function userWithSessions(data: Record<string, unknown>[]) {
  const first = await createCoreUserWithSession(stack, { sessionData: data[0]! });
  const handles = [first.sessionHandle];
  for (const sessionData of data.slice(1)) {
    const response = await fetch(`${stack.coreUrl}/recipe/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "cdi-version": "5.4", rid: "session" },
      body: JSON.stringify({ userId: first.userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: sessionData }),
    });
    handles.push(((await response.json()) as { session: { handle: string } }).session.handle);
  }
  return { userId: first.userId, handles };
}

describe("a bulk run in the audit list", () => {
  it("is one row with its counts by outcome; its per-session entries are one click away", async () => {
    const { userId, handles } = await userWithSessions([{ f: {} }, { f: {} }, { f: "off" }, { f: { beta: true } }, { f: {} }]);
    const planned = await postData(`${stack.url}/users/${userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", keyPath: "f.beta", value: "true", scope: "all", reason: "Ticket 13" }, admin);
    const runId = /([0-9a-f]+)$/.exec(planned.redirect ?? "")![1]!;
    await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, admin);
    for (let i = 0; i < 400; i++) {
      if ((await loaderData(`/bulk/runs/${runId}/progress`, "routes/bulk.runs.$runId_.progress")).status === "completed") break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const list = await loaderData(`/audit?user=${encodeURIComponent(userId)}`, AUDIT_ROUTE);
    expect(list.collapseRuns).toBe(true);
    expect(list.page.entries.map((entry: { action: string }) => entry.action)).toEqual(["bulk-apply-run"]);
    expect(list.page.total).toBe(1);
    expect(list.runs[runId]).toMatchObject({ runId, entries: 4, progress: { status: "completed", total: 5, outcomes: { written: 3, "already-so": 1, failed: 1, "not-attempted": 0 } } });

    // One click: the run's entries (the run's own and one per session it wrote or checked).
    const ofRun = await loaderData(`/audit?run=${runId}`, AUDIT_ROUTE);
    expect(ofRun.collapseRuns).toBe(false);
    expect(ofRun.page.entries.filter((entry: { action: string }) => entry.action === "bulk-apply-item")).toHaveLength(4);
    expect(ofRun.page.total).toBe(5);
    // The run's own entry comes first, though it is the oldest (a big run's would be on its last page).
    expect(ofRun.page.entries[0].action).toBe("bulk-apply-run");
    const ofRunPaged = await loaderData(`/audit?run=${runId}&page=2`, AUDIT_ROUTE);
    expect(ofRunPaged.page.entries).toEqual([]);
    // A session's entries, and the per-session action, are listed as they are.
    const ofSession = await loaderData(`/audit?session=${encodeURIComponent(handles[0]!)}`, AUDIT_ROUTE);
    expect(ofSession.page.entries.map((entry: { action: string; outcome: { status: string } }) => [entry.action, entry.outcome.status])).toEqual([["bulk-apply-item", "written"]]);
    const items = await loaderData(`/audit?user=${encodeURIComponent(userId)}&action=bulk-apply-item`, AUDIT_ROUTE);
    expect(items.page.total).toBe(4);
  });
});
