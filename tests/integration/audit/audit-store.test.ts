/**
 * The audit trail against both databases: pending-then-finished entries, "outcome unknown" for an
 * entry never finished, exactly one outcome per entry, append-only (no update/delete in the module,
 * and the database refuses them too), and the page's queries: filters, newest first, pagination.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "false";

const audit = await import("../../../app/audit/audit.server");
const clock = await import("../../../app/staff/clock.server");
const { getDb } = await import("../../../app/db/db.server");

const ada = { id: "staff-ada", email: "ada@desk.test", displayName: "Ada", role: "admin" as const };
const eddie = { id: "staff-eddie", email: "eddie@desk.test", displayName: "Eddie", role: "editor" as const };

describe("the audit module's surface", () => {
  it("exposes no way to change or delete an entry", () => {
    const names = Object.keys(audit);
    expect(names.filter((name) => /update|delete|remove|edit|erase|purge|clear|set/i.test(name))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(["beginAudit", "finishAudit", "queryAudit", "getAuditEntry", "listAuditForUser"]));
  });
});

describe("with no database open", () => {
  it("refuses to begin an entry (and says why) instead of waiting forever", async () => {
    const { installDatabase } = await import("../../../app/db/db.server");
    const previous = installDatabase(undefined);
    try {
      await expect(audit.beginAudit({ staff: ada, action: "edit", target: { userId: "user-0" } })).rejects.toThrow(/database is not open/);
    } finally {
      installDatabase(previous);
    }
  });
});

describe.each(DATABASE_KINDS)("audit trail on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    clock.resetClock();
    await database?.drop();
  });

  it("writes a pending entry first (outcome unknown) and completes it with its outcome", async () => {
    const patch = [{ op: "replace", path: "/plan", value: "pro" }];
    const id = await audit.beginAudit({
      staff: eddie,
      action: "edit",
      target: { userId: "user-1", sessionHandle: "handle-1", tenantId: "public" },
      reason: "  ticket #42  ",
      before: { plan: "free", nested: { a: [1, 2] } },
      after: { plan: "pro", nested: { a: [1, 2] } },
      patch,
    });
    const pending = await audit.getAuditEntry(id);
    expect(pending).toMatchObject({
      id,
      staff: { id: eddie.id, email: eddie.email, displayName: "Eddie", role: "editor" },
      action: "edit",
      target: { userId: "user-1", sessionHandle: "handle-1", tenantId: "public" },
      reason: "ticket #42",
      before: { plan: "free", nested: { a: [1, 2] } },
      after: { plan: "pro", nested: { a: [1, 2] } },
      patch,
      outcome: null,
    });
    await audit.finishAudit(id, { status: "written" });
    const done = await audit.getAuditEntry(id);
    expect(done!.outcome).toMatchObject({ status: "written", error: null, after: null });
    expect(done!.before).toEqual(pending!.before);
  });

  it("derives the intended data from before and the patch when it is not stored (one copy per entry)", async () => {
    const before = { plan: "free", "a/b": { "c.d": 1 }, list: [1, 2, 3] };
    const patch = [
      { op: "replace", path: "/plan", value: "pro" },
      { op: "add", path: "/a~1b/e", value: true },
      { op: "remove", path: "/list/2" },
    ];
    const id = await audit.beginAudit({ staff: eddie, action: "bulk-apply-item", target: { userId: "user-derived", sessionHandle: "h-derived" }, before, patch, runId: "run-derived" });
    const stored = await getDb().selectFrom("audit_entries").select(["before_json", "after_json"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(stored.after_json).toBeNull();
    expect(JSON.parse(stored.before_json!)).toEqual(before);
    const entry = await audit.getAuditEntry(id);
    expect(entry?.after).toEqual({ plan: "pro", "a/b": { "c.d": 1, e: true }, list: [1, 2] });
    expect(entry?.before).toEqual(before);

    // "Already so": an empty patch means after is before.
    const same = await audit.beginAudit({ staff: eddie, action: "bulk-apply-item", target: { userId: "user-derived", sessionHandle: "h-same" }, before, patch: [] });
    expect((await audit.getAuditEntry(same))?.after).toEqual(before);

    // With no patch there is nothing to derive from: a conflict records none unless given.
    const conflict = await audit.beginAudit({ staff: eddie, action: "bulk-apply-item", target: { userId: "user-derived", sessionHandle: "h-conflict" }, before });
    expect((await audit.getAuditEntry(conflict))?.after).toBeNull();
  });

  it("keeps an error and what was actually written", async () => {
    const id = await audit.beginAudit({ staff: ada, action: "revoke-all", target: { userId: "user-2" } });
    await audit.finishAudit(id, { status: "failed", error: "The SuperTokens core at http://core cannot be reached.", after: { revoked: [] } });
    expect((await audit.getAuditEntry(id))!.outcome).toMatchObject({ status: "failed", error: expect.stringContaining("cannot be reached"), after: { revoked: [] } });
  });

  it("refuses a second outcome for the same entry, and an outcome for no entry", async () => {
    const id = await audit.beginAudit({ staff: ada, action: "revoke", target: { userId: "user-3", sessionHandle: "h3" } });
    await audit.finishAudit(id, { status: "session-gone" });
    await expect(audit.finishAudit(id, { status: "written" })).rejects.toThrow(/already has an outcome/);
    expect((await audit.getAuditEntry(id))!.outcome!.status).toBe("session-gone");
    await expect(audit.finishAudit("0000000000000000000000000000", { status: "written" })).rejects.toThrow(/no audit entry/);
  });

  it("commits entries asked for together as a group, and a bad row fails only its own caller", async () => {
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) => audit.beginAudit({ staff: eddie, action: "bulk-apply-item", target: { userId: "user-group", sessionHandle: `g-${i}` }, runId: "run-group" })),
    );
    expect(new Set(ids).size).toBe(30);
    await audit.finishAudit(ids[0]!, { status: "written" });
    // One group: fresh outcomes, a second outcome for ids[0], and an outcome for no entry at all.
    const settled = await Promise.allSettled([
      ...ids.slice(1).map((id) => audit.finishAudit(id, { status: "written" })),
      audit.finishAudit(ids[0]!, { status: "failed", error: "late" }),
      audit.finishAudit("0000000000000000000000000001", { status: "written" }),
    ]);
    expect(settled.slice(0, 29).every((result) => result.status === "fulfilled")).toBe(true);
    expect(settled[29]).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/already has an outcome/) } });
    expect(settled[30]).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/no audit entry/) } });
    const entries = await Promise.all(ids.map((id) => audit.getAuditEntry(id)));
    expect(entries.map((entry) => entry!.outcome?.status)).toEqual(ids.map(() => "written"));
  });

  it("refuses an outcome outside the list and an entry without a user", async () => {
    const id = await audit.beginAudit({ staff: ada, action: "revert", target: { userId: "user-4" }, revertOf: "x" });
    await expect(audit.finishAudit(id, { status: "ok" as "written" })).rejects.toThrow(/outcome must be one of written, overtaken, conflict, .*, not-written, undetermined, schema-refused, not "ok"/);
    await expect(audit.finishAudit(id, { status: "failed", error: "x".repeat(4001) })).rejects.toThrow(/at most 4000 characters/);
    await expect(audit.beginAudit({ staff: ada, action: "edit", target: { userId: "" } })).rejects.toThrow(/userId/);
    await expect(audit.beginAudit({ staff: ada, action: "delete-everything" as "edit", target: { userId: "u" } })).rejects.toThrow(/action must be one of edit/);
  });

  it("refuses an entry with a malformed staff member, empty ids or a patch that is not a list, and writes none of them", async () => {
    const before = await getDb().selectFrom("audit_entries").select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirstOrThrow();
    const refused = [
      { staff: { ...ada, email: "" }, action: "edit", target: { userId: "u" } },
      { staff: { id: "x", email: "x@desk.test", role: "admin" }, action: "edit", target: { userId: "u" } },
      { staff: ada, action: "edit", target: { userId: "u", sessionHandle: "" } },
      { staff: ada, action: "bulk-apply-item", target: { userId: "u" }, runId: "" },
      { staff: ada, action: "edit", target: { userId: "u" }, patch: { op: "add" } },
    ] as unknown as Parameters<typeof audit.beginAudit>[0][];
    for (const input of refused) await expect(audit.beginAudit(input), JSON.stringify(input)).rejects.toBeInstanceOf(audit.AuditEntryError);
    const after = await getDb().selectFrom("audit_entries").select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("the database itself refuses UPDATE and DELETE of entries and outcomes", async () => {
    const id = await audit.beginAudit({ staff: ada, action: "edit", target: { userId: "user-5" }, before: { a: 1 }, after: { a: 2 } });
    await audit.finishAudit(id, { status: "written" });
    const db = getDb();
    await expect(db.updateTable("audit_entries").set({ reason: "rewritten" }).where("id", "=", id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("audit_entries").where("id", "=", id).execute()).rejects.toThrow(/append-only/);
    await expect(db.updateTable("audit_outcomes").set({ status: "failed" }).where("entry_id", "=", id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("audit_outcomes").where("entry_id", "=", id).execute()).rejects.toThrow(/append-only/);
    if (kind === "postgres") await expect(sql`TRUNCATE audit_outcomes`.execute(db)).rejects.toThrow(/append-only/);
    const entry = await audit.getAuditEntry(id);
    expect(entry).toMatchObject({ reason: null, outcome: { status: "written" }, after: { a: 2 } });
  });

  describe("queries", () => {
    const made: string[] = [];
    beforeAll(async () => {
      // 12 entries over three days, two staff, two users; one never finished.
      clock.resetClock();
      const start = Date.parse("2030-03-01T10:00:00.000Z");
      clock.advanceClock(start - Date.now());
      for (let i = 0; i < 12; i++) {
        const id = await audit.beginAudit({
          staff: i % 2 === 0 ? ada : eddie,
          action: i % 3 === 0 ? "revoke" : "edit",
          target: { userId: i < 8 ? "query-user-a" : "query-user-b", sessionHandle: `q-handle-${i % 4}` },
          runId: i >= 10 ? "run-1" : undefined,
        });
        if (i !== 5) await audit.finishAudit(id, { status: "written" });
        made.push(id);
        clock.advanceClock(6 * 3_600_000); // 6 hours apart from 10:00: March 1st holds 0–2, the 2nd 3–6, the 3rd 7–10, the 4th 11
      }
      clock.resetClock();
    });
    const mine = (page: { entries: { id: string }[] }) => page.entries.map((entry) => entry.id).filter((id) => made.includes(id));

    it("lists newest first, and shows a never-finished entry as outcome unknown", async () => {
      const page = await audit.queryAudit({ user: "query-user-a" });
      expect(page.entries.map((entry) => entry.id)).toEqual(made.slice(0, 8).reverse());
      expect(page.entries.find((entry) => entry.id === made[5])!.outcome).toBeNull();
    });

    it("filters by user, staff (email, any case), session handle, action, run and date range", async () => {
      expect(mine(await audit.queryAudit({ user: "query-user-b" }))).toEqual(made.slice(8).reverse());
      expect(mine(await audit.queryAudit({ staff: "EDDIE@desk.test", user: "query-user-a" }))).toEqual([made[7], made[5], made[3], made[1]]);
      expect(mine(await audit.queryAudit({ session: "q-handle-0" }))).toEqual([made[8], made[4], made[0]]);
      expect(mine(await audit.queryAudit({ action: "revoke", user: "query-user-a" }))).toEqual([made[6], made[3], made[0]]);
      expect(mine(await audit.queryAudit({ runId: "run-1" }))).toEqual([made[11], made[10]]);
      expect(mine(await audit.queryAudit({ from: "2030-03-02", to: "2030-03-02" }))).toEqual([made[6], made[5], made[4], made[3]]);
      expect(mine(await audit.queryAudit({ from: "2030-03-03" }))).toEqual(made.slice(7).reverse());
      expect(mine(await audit.queryAudit({ to: "2030-03-01" }))).toEqual([made[2], made[1], made[0]]);
    });

    it("pages with a total, without gaps or repeats", async () => {
      const first = await audit.queryAudit({ user: "query-user-a", pageSize: 3, page: 1 });
      expect(first).toMatchObject({ total: 8, page: 1, pageSize: 3, pageCount: 3 });
      const pages = [first, await audit.queryAudit({ user: "query-user-a", pageSize: 3, page: 2 }), await audit.queryAudit({ user: "query-user-a", pageSize: 3, page: 3 })];
      expect(pages.flatMap((page) => page.entries.map((entry) => entry.id))).toEqual(made.slice(0, 8).reverse());
      expect((await audit.queryAudit({ user: "query-user-a", pageSize: 3, page: 4 })).entries).toEqual([]);
    });

    it("gives a user's timeline, newest first, limited", async () => {
      const timeline = await audit.listAuditForUser("query-user-b", 3);
      expect(timeline.map((entry) => entry.id)).toEqual([made[11], made[10], made[9]]);
      expect(await audit.listAuditForUser("nobody")).toEqual([]);
    });
  });
});
