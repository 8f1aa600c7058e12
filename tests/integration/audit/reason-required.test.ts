/**
 * AUDIT_REASON_REQUIRED=true: beginAudit refuses a change without a reason (nothing is written), with
 * a message that says what to do. Its own file because the configuration is read once per process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../helpers/databases";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "true";

const audit = await import("../../../app/audit/audit.server");
const staff = { id: "s1", email: "s1@desk.test", displayName: "S One", role: "editor" as const };

describe("a required reason", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("sqlite");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each([undefined, "", "   \n  "])("refuses a change with reason %j and writes nothing", async (reason) => {
    await expect(audit.beginAudit({ staff, action: "edit", target: { userId: "u1" }, reason })).rejects.toBeInstanceOf(audit.AuditReasonRequiredError);
    await expect(audit.beginAudit({ staff, action: "edit", target: { userId: "u1" }, reason })).rejects.toThrow(/A reason is required/);
    expect((await audit.queryAudit({ user: "u1" })).total).toBe(0);
  });

  it("accepts a change with a reason", async () => {
    const id = await audit.beginAudit({ staff, action: "edit", target: { userId: "u2" }, reason: "SUP-1234: customer asked" });
    expect((await audit.getAuditEntry(id))!.reason).toBe("SUP-1234: customer asked");
  });

  it("refuses an overlong reason", async () => {
    await expect(audit.beginAudit({ staff, action: "edit", target: { userId: "u3" }, reason: "x".repeat(2001) })).rejects.toThrow(/at most 2000/);
  });
});
