/**
 * Bulk across users over HTTP, as the pages use it: admins only (viewers and editors get 403 on every
 * page, action and download), the form's errors, a CSV upload with an unknown email, four-eyes (the
 * requester cannot approve, a second admin can, and it is audited), apply, the per-user report, and
 * the CSV download (streamed, every cell quoted, formulas defused).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, signInNew } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";
import { postData } from "../sessions/helpers";

const RUN_ROUTE = "routes/bulk.across.$runId";
const NEW_ROUTE = "routes/bulk.new";

let stack: TestStack;
let adminCookie: string;
let secondAdminCookie: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false", BULK_APPROVAL_THRESHOLD: "2" } });
  adminCookie = await signIn(stack, "admin");
  secondAdminCookie = (await signInNew(stack, "admin")).cookie;
});
afterAll(async () => {
  await stack?.stop();
});

/** POSTs the new-run form as multipart (as the page does, for the file). */
async function postNewRun(fields: Record<string, string>, cookie = adminCookie, file?: { name: string; text: string }) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ keyPath: "featureFlags.beta", operation: "set", value: "true", reason: "", ...fields })) form.set(name, value);
  if (file) form.set("file", new Blob([file.text], { type: "text/csv" }), file.name);
  const response = await fetch(`${stack.url}/bulk/new?_data=${encodeURIComponent(NEW_ROUTE)}`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: stack.url } });
  const redirect = response.headers.get("X-Remix-Redirect");
  return { status: response.status, redirect, body: redirect ? undefined : ((await response.json()) as { errors: Record<string, string> }) };
}

async function loaderData(path: string, cookie = adminCookie) {
  const response = await fetch(`${stack.url}${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(RUN_ROUTE)}`, { headers: { Cookie: cookie } });
  expect(response.status, await response.clone().text()).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await response.json()) as any;
}

const runIdOf = (redirect: string | null) => /^\/bulk\/across\/([0-9a-f]+)$/.exec(redirect ?? "")?.[1] ?? "";

describe("bulk across users over HTTP", () => {
  it("the form refuses bad input with a message and writes nothing", async () => {
    expect((await postNewRun({ source: "list", list: " \n , " })).body?.errors.users).toMatch(/The list is empty/);
    expect((await postNewRun({ source: "nowhere" })).body?.errors.users).toMatch(/Choose how to find the users/);
    expect((await postNewRun({ source: "run", runId: "not-an-id" })).body?.errors.users).toMatch(/not a bulk run id/);
    expect((await postNewRun({ source: "run", runId: "0123456789abcdef0123" })).body?.errors.users).toMatch(/There is no bulk run with that id/);
    expect((await postNewRun({ source: "search", q: "", tenant: "" })).body?.errors.users).toMatch(/Type a search/);
    expect((await postNewRun({ source: "list", list: "" }, adminCookie, { name: "big.csv", text: "a".repeat(1024 * 1024 + 10) })).body?.errors.users).toMatch(/larger than 1 MiB/);
    const badValue = await postNewRun({ source: "list", list: "x@y.test", value: "tru" });
    expect(badValue.status).toBe(400);
    expect(badValue.body?.errors.value).toMatch(/Not valid JSON/);
  });

  it("a CSV with an unknown email: reported first; four-eyes; apply; per-user report; CSV download", async () => {
    const user = async (email: string, sessionData: Record<string, unknown>) => ({ email, ...(await createCoreUserWithSession(stack, { email, sessionData })) });
    const a = await user(`ann-${Date.now()}@initech.test`, { plan: "free" });
    const b = await user(`ben-${Date.now()}@initech.test`, { plan: "pro" });
    const c = await user(`cy-${Date.now()}@initech.test`, { plan: "pro", featureFlags: { beta: true } });
    const csv = `email\r\n${a.email}\r\n${b.email}\r\n"=HYPERLINK(""http://evil"")@x.test"\r\n${c.userId}\r\n`;
    const made = await postNewRun({ source: "list", list: "" }, adminCookie, { name: "ticket.csv", text: csv });
    expect(made.status).toBe(204);
    const runId = runIdOf(made.redirect);
    expect(runId).not.toBe("");

    const page = await loaderData(`/bulk/across/${runId}`);
    expect(page.unresolvedTotal).toBe(1);
    expect(page.unresolved[0]).toMatchObject({ input: '=HYPERLINK("http://evil")@x.test', status: "unknown" });
    expect(page.source).toEqual({ by: "list", entries: 4, fileName: "ticket.csv" });
    expect(page.run.progress.plan).toMatchObject({ "will-change": 2, "already-so": 1 });
    expect(page.approval.status).toBe("pending");
    expect(page.canApprove).toBe(false);

    // The requester can neither apply nor approve; nothing is written.
    const refused = await postData(`${stack.url}/bulk/across/${runId}`, RUN_ROUTE, { intent: "apply" }, adminCookie);
    expect(refused.toast).toMatchObject({ kind: "error", title: "This run waits for a second admin's approval" });
    const own = await postData(`${stack.url}/bulk/across/${runId}`, RUN_ROUTE, { intent: "approve" }, adminCookie);
    expect(own.toast).toMatchObject({ kind: "error", title: "You cannot approve your own run" });
    expect((await loaderData(`/bulk/across/${runId}`)).run.progress.status).toBe("planned");

    // The admins' list shows it waiting.
    const list = await fetch(`${stack.url}/bulk?_data=routes%2Fbulk._index`, { headers: { Cookie: secondAdminCookie } });
    expect(((await list.json()) as { runs: { summary: { id: string }; awaitingApproval: boolean }[] }).runs.find((r) => r.summary.id === runId)?.awaitingApproval).toBe(true);

    const approved = await postData(`${stack.url}/bulk/across/${runId}`, RUN_ROUTE, { intent: "approve", note: "Checked the ticket" }, secondAdminCookie);
    expect(approved.toast).toMatchObject({ kind: "success", title: "Run approved" });
    const audit = await fetch(`${stack.url}/audit?run=${runId}&_data=routes%2Faudit._index`, { headers: { Cookie: adminCookie } });
    const entries = ((await audit.json()) as { page: { entries: { action: string; reason: string; staff: { email: string } }[] } }).page.entries;
    expect(entries.find((entry) => entry.action === "bulk-run-approval")).toMatchObject({ reason: "Checked the ticket" });

    const applied = await postData(`${stack.url}/bulk/across/${runId}`, RUN_ROUTE, { intent: "apply" }, adminCookie);
    expect(applied.toast).toMatchObject({ kind: "success" });
    let report = await loaderData(`/bulk/across/${runId}?view=users`);
    for (let i = 0; i < 200 && report.run.progress.status !== "completed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      report = await loaderData(`/bulk/across/${runId}?view=users`);
    }
    expect(report.run.progress.status).toBe("completed");
    expect(report.users.map((u: { userId: string; verdict: string }) => [u.userId, u.verdict])).toEqual([
      [a.userId, "written"],
      [b.userId, "written"],
      [c.userId, "already-so"],
    ]);

    const download = await fetch(`${stack.url}/bulk/across/${runId}/report.csv?level=users`, { headers: { Cookie: adminCookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="bulk-run-${runId}-users.csv"`);
    const lines = (await download.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^"entry","found by","resolution","user id","user","sessions","result","written"/);
    expect(lines[1]).toContain(`"${a.email}","email","Matched","${a.userId}"`);
    expect(lines[1]).toContain(`,1,"Written",1,`);
    // A cell a spreadsheet would run as a formula starts with an apostrophe.
    expect(lines[3]!.startsWith(`"'=HYPERLINK(""http://evil"")@x.test","email","No user",`)).toBe(true);
    const sessions = await fetch(`${stack.url}/bulk/across/${runId}/report.csv?level=sessions`, { headers: { Cookie: adminCookie } });
    const sessionLines = (await sessions.text()).trimEnd().split("\r\n");
    expect(sessionLines).toHaveLength(4);
    expect(sessionLines.filter((line) => line.includes('"written"'))).toHaveLength(2);
  });

  it("is for admins only: viewers and editors get 403 on every page, action and download", async () => {
    const user = await createCoreUserWithSession(stack, { sessionData: {} });
    const made = await postNewRun({ source: "list", list: user.userId });
    const runId = runIdOf(made.redirect);
    expect(runId).not.toBe("");
    for (const role of ["viewer", "editor"] as const) {
      const cookie = await signIn(stack, role);
      for (const path of ["/bulk", "/bulk/new", `/bulk/across/${runId}`, `/bulk/across/${runId}/report.csv`]) {
        expect((await fetch(`${stack.url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" })).status, `${role} GET ${path}`).toBe(403);
      }
      expect((await postData(`${stack.url}/bulk/across/${runId}`, RUN_ROUTE, { intent: "apply" }, cookie)).status).toBe(403);
      expect((await postNewRun({ source: "list", list: user.userId }, cookie)).status).toBe(403);
    }
    // A one-user run's page is not a cross-user run, and vice versa the one-user page sends a cross-user run here.
    const oneUser = await fetch(`${stack.url}/bulk/runs/${runId}`, { headers: { Cookie: adminCookie }, redirect: "manual" });
    expect(oneUser.headers.get("location")).toBe(`/bulk/across/${runId}`);
  });
});
