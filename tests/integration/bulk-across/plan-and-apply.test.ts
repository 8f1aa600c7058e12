/**
 * Bulk apply across users against the bundled core with the real SDK, on SQLite and PostgreSQL:
 * resolving a list (unknown, ambiguous, duplicate, invalid entries reported and left out), planning
 * every matched user's sessions across tenants and linked accounts, a search and an earlier run as
 * sources, applying with the one-user run's guarantees (fingerprint conflict, retries, one grouped
 * audit row, every session reported once), the per-user report, the CSV, and four-eyes approval.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";
import { AccountLinking, createSession, createTenant, EmailPassword, Session, startCoreWithSdk, SuperTokens } from "../helpers/core-with-sdk";
import { admin, expectReportedExactlyOnce, otherAdmin } from "../bulk/helpers";
import type { LocalCore } from "../../../local-core/index";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";
process.env.BULK_APPLY_MAX_RETRIES = "8";
process.env.BULK_APPLY_RETRY_BASE_MS = "5";
process.env.BULK_APPROVAL_THRESHOLD = "6";

const { planCrossUserRun } = await import("../../../app/bulk/cross-user/plan.server");
const { parseUserList } = await import("../../../app/bulk/cross-user/entries");
const crossStore = await import("../../../app/bulk/cross-user/store.server");
const { csvCell, forEachCsvCell } = await import("../../../app/bulk/cross-user/csv");
const engine = await import("../../../app/bulk/engine.server");
const store = await import("../../../app/bulk/store.server");
const { queryAudit } = await import("../../../app/audit/audit.server");

let core: LocalCore;
beforeAll(async () => {
  core = await startCoreWithSdk();
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => core.faults.clear());

const setBeta = { kind: "set" as const, path: ["featureFlags", "beta"], value: true };
let counter = 0;
const unique = (name: string) => `${name}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

async function userWith(email: string, sessions: number, tenantId = "public", data: (i: number) => Record<string, unknown> = (i) => ({ i, featureFlags: {} })) {
  const result = await EmailPassword.signUp(tenantId, email, "Passw0rd-test");
  if (result.status !== "OK") throw new Error(result.status);
  const handles: string[] = [];
  for (let i = 0; i < sessions; i++) handles.push(await createSession(result.user.id, data(i), tenantId));
  return { userId: result.user.id, handles };
}

function listOf(...lines: string[]) {
  const parsed = parseUserList(lines.join("\n"));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.entries;
}

async function items(runId: string) {
  return (await crossStore.listCrossUserItems(runId, { by: "all" }, 1, 100_000)).items;
}

describe("parsing a pasted list or CSV (pure)", () => {
  it("reads one per line or CSV cells, skips a header and repeats, tells emails, phones and ids apart", () => {
    const parsed = parseUserList('email,phone\r\n"ada@acme.com",+44 20 7183 8750\nADA@acme.com;user-1\n"with ""quote""@x",not valid id!\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.entries.map((e) => [e.input, e.kind])).toEqual([
      ["ada@acme.com", "email"],
      ["+44 20 7183 8750", "phone"],
      ["user-1", "id"],
      ['with "quote"@x', "invalid"],
      ["not valid id!", "invalid"],
    ]);
    expect(parseUserList("  \n ,, \n")).toEqual({ ok: false, error: expect.stringContaining("The list is empty") });
    expect(parseUserList("x".repeat(1024 * 1024 + 1))).toEqual({ ok: false, error: expect.stringContaining("larger than 1 MiB") });
    expect(parseUserList(Array.from({ length: 20_001 }, (_, i) => `u${i}`).join("\n"))).toEqual({ ok: false, error: expect.stringContaining("more than 20,000 entries") });
  });

  it("matches a search the way the core does, for a search the core cut short at 1,000 users", async () => {
    const { matchesSearch } = await import("../../../app/bulk/cross-user/plan.server");
    const user = (methods: Record<string, unknown>[]) => ({ id: "u", isPrimaryUser: false, emails: [], phoneNumbers: [], thirdParty: [], tenantIds: ["public"], timeJoined: 0, loginMethods: methods }) as never;
    expect(matchesSearch(user([{ email: "Ann@Globex.com" }]), { email: "globex.com" })).toBe(true);
    expect(matchesSearch(user([{ email: "ann@globex.com" }]), { email: "ann" })).toBe(true);
    expect(matchesSearch(user([{ email: "ann@notglobex.com" }]), { email: "globex.com" })).toBe(false);
    expect(matchesSearch(user([{ phoneNumber: "+4915550123" }]), { phone: "+49155" })).toBe(true);
    expect(matchesSearch(user([{ email: "a@b.c", thirdParty: { id: "github", userId: "1" } }]), { provider: "github" })).toBe(true);
    expect(matchesSearch(user([{ email: "a@b.c" }]), { provider: "github" })).toBe(false);
  });

  it("writes CSV cells quoted and defuses formulas", () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("+441234")).toBe(`"'+441234"`);
    expect(csvCell("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvCell("-1")).toBe(`"'-1"`);
    expect(csvCell("a,b\nc")).toBe('"a,b\nc"');
    expect(csvCell(3)).toBe("3");
    const cells: string[] = [];
    forEachCsvCell('"a,b\nc",d\r\ne', (cell) => cells.push(cell));
    expect(cells).toEqual(["a,b\nc", "d", "e"]);
  });
});

describe.each(DATABASE_KINDS)("bulk across users on %s", (kind) => {
  let database: TestDatabase;
  const tenantId = `across-${kind}`;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await createTenant(tenantId);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("resolves every entry first: unknown, ambiguous, duplicate and invalid entries are reported and left out; linked accounts and tenants are planned", async () => {
    const domain = `${unique("globex")}.test`;
    const ada = await userWith(`ada@${domain}`, 2);
    // Bob has a second login method (another email, in another tenant) linked to him, with its own session.
    const bob = await userWith(`bob@${domain}`, 1);
    const bobWork = await userWith(`bob.work@${domain}`, 1, tenantId);
    expect((await AccountLinking.createPrimaryUser(SuperTokens.convertToRecipeUserId(bob.userId))).status).toBe("OK");
    expect((await AccountLinking.linkAccounts(SuperTokens.convertToRecipeUserId(bobWork.userId), bob.userId)).status).toBe("OK");
    // The same email signed up in two tenants, unlinked: two users, so the entry is ambiguous.
    const twinA = await userWith(`twin@${domain}`, 1);
    const twinB = await userWith(`twin@${domain}`, 1, tenantId);
    const before = core.stats();

    const plan = await planCrossUserRun({
      staff: admin,
      users: { by: "list", entries: listOf(`ada@${domain}`, `nobody@${domain}`, `twin@${domain}`, bob.userId, `BOB@${domain}`, "a b c", bobWork.userId) },
      operation: setBeta,
    });
    // The dry run wrote nothing to the core.
    expect(Object.keys(core.stats()).filter((key) => !key.startsWith("GET ") && (core.stats()[key] ?? 0) !== (before[key] ?? 0))).toEqual([]);
    expect(plan).toMatchObject({ users: 2, unresolved: 3, total: 4, needsApproval: false });
    const counts = await crossStore.entryCounts(plan.runId);
    expect(counts).toEqual({ matched: 2, unknown: 1, ambiguous: 1, duplicate: 2, invalid: 1 });
    const unresolved = await crossStore.listEntries(plan.runId, ["unknown", "ambiguous", "invalid"], 1);
    expect(unresolved.map((e) => [e.input, e.status])).toEqual([
      [`nobody@${domain}`, "unknown"],
      [`twin@${domain}`, "ambiguous"],
      ["a b c", "invalid"],
    ]);
    expect(unresolved[1]!.candidates.sort()).toEqual([twinA.userId, twinB.userId].sort());
    // Bob's linked login method's session (in the other tenant) is his too, and is in the run.
    const planned = await items(plan.runId);
    expect(planned.map((item) => item.sessionHandle).sort()).toEqual([...ada.handles, ...bob.handles, ...bobWork.handles].sort());
    expect(planned.find((item) => item.sessionHandle === bobWork.handles[0])).toMatchObject({ userId: bob.userId, tenantId });
    expect(planned.every((item) => item.plan === "will-change")).toBe(true);
    const report = await crossStore.userReport(plan.runId, { page: 1 });
    expect(report.map((row) => [row.userId, row.sessions, row.verdict])).toEqual([
      [ada.userId, 2, "will-change"],
      [bob.userId, 2, "will-change"],
    ]);
  });

  it("applies with the one-user guarantees: fingerprint conflict, retries, every session once, one grouped audit row; the per-user report and CSV", async () => {
    const domain = `${unique("initech")}.test`;
    const users = await Promise.all([0, 1, 2].map((i) => userWith(`u${i}@${domain}`, 2, "public", (k) => ({ k, featureFlags: k === 1 && i === 2 ? { beta: true } : {} }))));
    const plan = await planCrossUserRun({ staff: admin, users: { by: "search", q: `@${domain}`, tenant: "" }, operation: setBeta, reason: "ticket #18" });
    expect(plan).toMatchObject({ users: 3, total: 6 });
    const changed = users[1]!.handles[0]!;
    // Changed after the dry run: never overwritten.
    await Session.updateSessionDataInDatabase(changed, { someoneElse: true });
    core.faults.set({ endpoints: { "PUT /recipe/session/data": { failureRate: 0.3, kinds: ["500"] } } });
    const started = await engine.applyRun(plan.runId, admin, { concurrency: 4 });
    await (started as { runner: { done: Promise<void> } }).runner.done;
    core.faults.clear();
    const row = await store.getRunRow(plan.runId);
    const progress = await store.getProgress(row!);
    expect(progress.status).toBe("completed");
    const all = await items(plan.runId);
    const outcomes = expectReportedExactlyOnce(all, users.flatMap((u) => u.handles));
    expect(outcomes.get(changed)).toBe("changed");
    expect(outcomes.get(users[2]!.handles[1]!)).toBe("already-so");
    expect([...outcomes.values()].filter((o) => o === "written")).toHaveLength(4);
    expect((await Session.getSessionInformation(changed))!.sessionDataInDatabase).toEqual({ someoneElse: true });
    for (const handle of [users[0]!.handles[0]!, users[2]!.handles[0]!]) expect((await Session.getSessionInformation(handle))!.sessionDataInDatabase).toMatchObject({ featureFlags: { beta: true } });
    // One grouped row for the run (finished with its counts), and each write's own entry names its real user.
    const runEntries = (await queryAudit({ runId: plan.runId, action: "bulk-apply-run", pageSize: 10 })).entries;
    expect(runEntries).toHaveLength(1);
    expect(runEntries[0]!.target.userId).toBe("*");
    expect(runEntries[0]!.after).toMatchObject({ users: 3, sessions: 6, selection: { by: "search", q: `@${domain}` } });
    expect(runEntries[0]!.outcome?.status).toBe("completed");
    const itemEntries = (await queryAudit({ runId: plan.runId, action: "bulk-apply-item", pageSize: 100 })).entries;
    const written = all.filter((item) => item.outcome === "written");
    for (const item of written) expect(itemEntries.find((entry) => entry.id === item.auditEntryId)?.target.userId).toBe(item.userId);

    const report = await crossStore.userReport(plan.runId, { page: 1 });
    expect(report.map((r) => [r.userId, r.verdict, r.outcomes.written, r.outcomes["already-so"], r.outcomes.changed])).toEqual(
      expect.arrayContaining([
        [users[0]!.userId, "written", 2, 0, 0],
        [users[1]!.userId, "changed", 1, 0, 1],
        [users[2]!.userId, "written", 1, 1, 0],
      ]),
    );

    // An earlier run's users as the source: the same three users, their sessions as they are now.
    const again = await planCrossUserRun({ staff: admin, users: { by: "run", runId: plan.runId }, operation: setBeta });
    expect(again).toMatchObject({ users: 3, total: 6, unresolved: 0 });
    expect((await store.getProgress((await store.getRunRow(again.runId))!)).plan).toMatchObject({ "will-change": 1, "already-so": 5 });
  });

  it("four-eyes: above the threshold a run cannot start until a second admin approves; the requester cannot approve", async () => {
    const domain = `${unique("umbrella")}.test`;
    await userWith(`a@${domain}`, 4);
    await userWith(`b@${domain}`, 3);
    const plan = await planCrossUserRun({ staff: admin, users: { by: "search", q: domain, tenant: "" }, operation: setBeta });
    expect(plan).toMatchObject({ total: 7, needsApproval: true });
    expect(await engine.applyRun(plan.runId, otherAdmin)).toEqual({ status: "not-planned" });
    expect(await engine.applyRun(plan.runId, admin)).toEqual({ status: "not-planned" });
    expect(await crossStore.approveRun(plan.runId, admin)).toBe("own-run");
    expect((await store.getRunRow(plan.runId))!.approval_status).toBe("pending");
    expect(await crossStore.approveRun(plan.runId, otherAdmin)).toBe("approved");
    expect(await crossStore.approveRun(plan.runId, otherAdmin)).toBe("not-pending");
    const row = (await store.getRunRow(plan.runId))!;
    expect(row).toMatchObject({ approval_status: "approved", approved_by_id: otherAdmin.id });
    const started = await engine.applyRun(plan.runId, admin);
    expect(started.status).toBe("started");
    await (started as { runner: { done: Promise<void> } }).runner.done;
    const progress = await store.getProgress((await store.getRunRow(plan.runId))!);
    expect(progress).toMatchObject({ status: "completed", outcomes: { written: 7 } });
  });

  it("a search for nothing, and a tenant that does not exist, are clear errors with no run kept", async () => {
    const none = await planCrossUserRun({ staff: admin, users: { by: "search", q: `@${unique("nobody")}.test`, tenant: "" }, operation: setBeta });
    expect(none).toMatchObject({ users: 0, total: 0, needsApproval: false });
    await expect(planCrossUserRun({ staff: admin, users: { by: "search", q: "x", tenant: "no-such-tenant" }, operation: setBeta })).rejects.toThrow("There is no tenant “no-such-tenant”.");
    await expect(planCrossUserRun({ staff: admin, users: { by: "search", q: "", tenant: "" }, operation: setBeta })).rejects.toThrow(/Type a search/);
  });
});
