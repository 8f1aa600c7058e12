/**
 * The session-data schema on the shared write (writeSessionData, which the editor, revert, bulk items and
 * the API all call), against the bundled core with the real SDK, on SQLite and PostgreSQL: the schema
 * store (versions, overlap, append-only), a write that makes valid data invalid refused with nothing
 * written, the already-invalid rule, an admin's override audited with the errors overridden, tenant
 * matching, exact numbers, and a bulk run that skips the sessions it would break.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";
import { createSession, createTenant, Session, signUp, startCoreWithSdk } from "../helpers/core-with-sdk";
import type { LocalCore } from "../../../local-core/index";

process.env.NODE_ENV = "test";
process.env.AUDIT_REASON_REQUIRED = "true";

const store = await import("../../../app/schema/store.server");
const { writeSessionData } = await import("../../../app/sessions/write.server");
const { queryAudit } = await import("../../../app/audit/audit.server");
const { fingerprint, parseJson, stringifyJson } = await import("../../../app/json");
const { planBulkApply } = await import("../../../app/bulk/plan.server");
const engine = await import("../../../app/bulk/engine.server");
const bulkStore = await import("../../../app/bulk/store.server");
const { getDb } = await import("../../../app/db/db.server");
const { checkDataQualityPage } = await import("../../../app/schema/data-quality.server");

const admin = { id: "staff-schema-admin", email: "schema-admin@desk.test", displayName: "Schema Admin", role: "admin" as const };
const editor = { id: "staff-schema-editor", email: "schema-editor@desk.test", displayName: "Schema Editor", role: "editor" as const };

const planSchema = JSON.stringify({
  type: "object",
  required: ["plan"],
  properties: {
    plan: { enum: ["free", "pro"], description: "The billing plan" },
    seats: { type: "integer", minimum: 1 },
    accountId: { type: "integer", maximum: 9007199254740992 },
  },
});

let core: LocalCore;
beforeAll(async () => {
  core = await startCoreWithSdk();
});
afterAll(async () => {
  await core?.stop();
});

const coreData = async (handle: string) => (await Session.getSessionInformation(handle))?.sessionDataInDatabase;
const latestEntry = async (handle: string) => (await queryAudit({ session: handle })).entries[0]!;

async function sessionWith(data: Record<string, unknown>, tenantId = "public") {
  const userId = await signUp(`schema-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`, tenantId);
  const handle = await createSession(userId, data, tenantId);
  return { userId, handle };
}

/** One write, as the editor's action makes it: the new data against the fingerprint of what it holds now. */
async function write(session: { userId: string; handle: string }, next: Record<string, unknown>, options: { staff?: typeof admin | typeof editor; override?: string } = {}) {
  const current = (await coreData(session.handle))!;
  return writeSessionData({
    staff: options.staff ?? editor,
    userId: session.userId,
    sessionHandle: session.handle,
    next,
    expectedFingerprint: fingerprint(current),
    reason: "ticket #17",
    schemaOverride: options.override ? { reason: options.override } : undefined,
  });
}

describe.each(DATABASE_KINDS)("session-data schema on %s", (kind) => {
  let database: TestDatabase;
  let planSchemaId: string;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    store.forgetSchemaFile();
    store.forgetActiveSchemas();
    const saved = await store.saveSchemaVersion({ staff: admin, name: "Plans", tenants: null, status: "active", schemaText: planSchema, reason: "first version" });
    expect(saved.ok).toBe(true);
    planSchemaId = (saved as { schemaId: string }).schemaId;
  });
  afterAll(async () => {
    store.forgetActiveSchemas();
    await database?.drop();
  });

  it("keeps every save as a new version, refuses invalid schemas and overlaps, and the database refuses changes to a version", async () => {
    const bad = await store.saveSchemaVersion({ staff: admin, name: "Broken", tenants: ["acme"], status: "active", schemaText: `{"type":"object","properties":{"a":{"type":"nope"}}}` });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.join(" ")).toMatch(/\/properties\/a\/type/);
    const overlap = await store.saveSchemaVersion({ staff: admin, name: "Second default", tenants: null, status: "active", schemaText: "{}" });
    expect(!overlap.ok && overlap.field).toBe("tenants");
    expect(!overlap.ok && overlap.problems[0]).toMatch(/"Plans" \(every tenant\)/);

    const withTheme = JSON.stringify({ ...JSON.parse(planSchema), properties: { ...JSON.parse(planSchema).properties, theme: { type: "string" } } });
    const v2 = await store.saveSchemaVersion({ staff: admin, schemaId: planSchemaId, name: "Plans", tenants: null, status: "active", schemaText: withTheme, reason: "theme is text" });
    expect(v2).toMatchObject({ ok: true, version: 2 });
    const same = await store.saveSchemaVersion({ staff: admin, schemaId: planSchemaId, name: "Plans", tenants: null, status: "active", schemaText: withTheme });
    expect(same).toMatchObject({ ok: true, version: 2, unchanged: true });
    const versions = await store.listSchemaVersions(planSchemaId);
    expect(versions.map((version) => [version.version, version.reason, version.staffEmail])).toEqual([
      [2, "theme is text", admin.email],
      [1, "first version", admin.email],
    ]);
    await expect(getDb().updateTable("data_schema_versions").set({ name: "rewritten" }).where("schema_id", "=", planSchemaId).execute()).rejects.toThrow(/append-only/);
    await expect(getDb().deleteFrom("data_schema_versions").where("schema_id", "=", planSchemaId).execute()).rejects.toThrow(/append-only/);
  });

  it("refuses a write that makes valid data invalid, with the paths and messages, and writes nothing", async () => {
    const session = await sessionWith({ plan: "free", seats: 2 });
    const outcome = await write(session, { plan: "Pro", seats: 2 });
    expect(outcome.status).toBe("schema-refused");
    if (outcome.status !== "schema-refused") return;
    expect(outcome.wasValid).toBe(true);
    expect(outcome.introduced.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([`plan: must be one of "free", "pro"`]);
    expect(outcome.error).toMatch(/^Refused by the schema "Plans" \(version 2\): this change would make data that matches the schema stop matching it: plan: must be one of "free", "pro"\. Nothing was written\.$/);
    expect(await coreData(session.handle)).toEqual({ plan: "free", seats: 2 });
    const entry = await latestEntry(session.handle);
    expect(entry.outcome?.status).toBe("schema-refused");
    expect(entry.schemaOverride ?? null).toBeNull();
  });

  it("allows a write to already-invalid data that adds no error and says which remain; refuses one that adds an error", async () => {
    const session = await sessionWith({ plan: "Pro", seats: 0 });
    const fixed = await write(session, { plan: "Pro", seats: 3 });
    expect(fixed.status).toBe("written");
    expect(fixed.status === "written" && fixed.schemaErrors?.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([`plan: must be one of "free", "pro"`]);
    expect(await coreData(session.handle)).toEqual({ plan: "Pro", seats: 3 });

    const worse = await write(session, { plan: "Pro", seats: 3, theme: 7 });
    expect(worse.status).toBe("schema-refused");
    if (worse.status !== "schema-refused") return;
    expect(worse.wasValid).toBe(false);
    expect(worse.introduced.map((issue) => issue.path)).toEqual(["theme"]);
    expect(worse.remaining.map((issue) => issue.path)).toEqual(["plan"]);
    expect(worse.error).toContain(`Already there before: plan: must be one of "free", "pro".`);
    expect(await coreData(session.handle)).toEqual({ plan: "Pro", seats: 3 });
  });

  it("lets an admin override with a reason, audited with the errors overridden; an editor's override is not honoured", async () => {
    const session = await sessionWith({ plan: "free" });
    const byEditor = await write(session, { plan: "legacy" }, { staff: editor, override: "the app still reads legacy" });
    expect(byEditor.status).toBe("schema-refused");
    const noReason = await write(session, { plan: "legacy" }, { staff: admin, override: "   " });
    expect(noReason.status).toBe("schema-refused");

    const byAdmin = await write(session, { plan: "legacy" }, { staff: admin, override: "the app reads legacy until release 4.2" });
    expect(byAdmin.status).toBe("written");
    expect(await coreData(session.handle)).toEqual({ plan: "legacy" });
    const entry = await latestEntry(session.handle);
    expect(entry.outcome?.status).toBe("written");
    expect(entry.reason).toBe("ticket #17");
    expect(entry.schemaOverride).toEqual({
      reason: "the app reads legacy until release 4.2",
      schema: { id: planSchemaId, version: 2, name: "Plans" },
      overridden: [{ path: "plan", message: `must be one of "free", "pro"` }],
      remaining: [],
    });
  });

  it("judges exact numbers by their exact value through the write", async () => {
    const session = await sessionWith({ plan: "pro", accountId: 1 });
    const over = parseJson(`{"plan":"pro","accountId":9007199254740993}`) as Record<string, unknown>;
    const refused = await write(session, over);
    expect(refused.status === "schema-refused" && refused.introduced.map((issue) => issue.message)).toEqual(["must be <= 9007199254740992"]);
    const atLimit = parseJson(`{"plan":"pro","accountId":9007199254740992}`) as Record<string, unknown>;
    expect((await write(session, atLimit)).status).toBe("written");
    const asDecimal = parseJson(`{"plan":"pro","accountId":5.0}`) as Record<string, unknown>;
    expect((await write(session, asDecimal)).status).toBe("written");
    expect(stringifyJson(await coreData(session.handle))).toBe(`{"plan":"pro","accountId":5.0}`);
  });

  it("applies the schema that names the session's tenant, and none where nothing matches", async () => {
    const tenantId = `schema-${kind}`;
    await createTenant(tenantId);
    const tenantSchema = await store.saveSchemaVersion({ staff: admin, name: "Tenant rules", tenants: [tenantId], status: "active", schemaText: `{"type":"object","properties":{"plan":{"const":"enterprise"}}}` });
    expect(tenantSchema.ok).toBe(true);
    const inTenant = await sessionWith({ plan: "enterprise" }, tenantId);
    // "free" passes the default schema, but this tenant's own schema wins.
    expect((await write(inTenant, { plan: "free" })).status).toBe("schema-refused");
    // A session of the public tenant keeps the default schema: "enterprise" is not one of its plans.
    const inPublic = await sessionWith({ plan: "free" });
    expect((await write(inPublic, { plan: "enterprise" })).status).toBe("schema-refused");
    // Retired: a new version, and the tenant falls back to the default schema.
    const retired = await store.saveSchemaVersion({ staff: admin, schemaId: (tenantSchema as { schemaId: string }).schemaId, name: "Tenant rules", tenants: [tenantId], status: "retired", schemaText: `{"type":"object","properties":{"plan":{"const":"enterprise"}}}`, reason: "done" });
    expect(retired).toMatchObject({ ok: true, version: 2 });
    expect((await write(inTenant, { plan: "free" })).status).toBe("written");
  });

  it("reads SESSION_DATA_SCHEMA_FILE, which wins for its tenants and is read-only", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "schema-file-"));
    const file = path.join(dir, "session-data.schema.json");
    writeFileSync(file, `{"type":"object","properties":{"plan":{"type":"string","maxLength":3}}}`);
    const { getConfig } = await import("../../../app/config.server");
    const config = getConfig() as { SESSION_DATA_SCHEMA_FILE?: string };
    config.SESSION_DATA_SCHEMA_FILE = file;
    try {
      store.forgetSchemaFile();
      const loaded = store.loadSchemaFile();
      expect(loaded).toMatchObject({ schemaId: "file", name: "session-data.schema.json", source: "file", tenants: null });
      const session = await sessionWith({ plan: "pro" });
      const refused = await write(session, { plan: "free" });
      expect(refused.status === "schema-refused" && refused.error).toMatch(/schema "session-data.schema.json".*plan: must NOT have more than 3 characters/);
      const edit = await store.saveSchemaVersion({ staff: admin, schemaId: "file", name: "x", tenants: null, status: "active", schemaText: "{}" });
      expect(!edit.ok && edit.problems[0]).toMatch(/read-only/);
      writeFileSync(file, `{"type":"object","properties":{"plan":{"type":"nope"}}}`);
      store.forgetSchemaFile();
      expect(() => store.loadSchemaFile()).toThrow(/SESSION_DATA_SCHEMA_FILE: .* is not a valid JSON Schema/);
    } finally {
      config.SESSION_DATA_SCHEMA_FILE = undefined;
      store.forgetSchemaFile();
    }
  });

  it("bulk: the dry run shows 'would violate the schema' with the messages, and the run skips those sessions", async () => {
    const userId = await signUp(`schema-bulk-${kind}-${Date.now()}@example.com`);
    const data = [{ plan: "free", seats: 1 }, { plan: "pro", seats: 4 }, { plan: "free" }, { plan: "Pro", seats: 0 }];
    const handles: string[] = [];
    for (const item of data) handles.push(await createSession(userId, item));
    // seats - 1 = 0 breaks "minimum: 1" where seats is 1; a session without seats gets 0 too.
    const plan = await planBulkApply({ staff: admin, userId, operation: { kind: "set", path: ["seats"], value: 0 }, scope: { kind: "all" }, reason: "ticket #17 bulk" });
    const items = (await bulkStore.listItems(plan.runId, { by: "all" }, 1, 100)).items;
    const verdicts = new Map(items.map((item) => [item.sessionHandle, item]));
    expect(verdicts.get(handles[0]!)?.plan).toBe("schema-violation");
    expect(verdicts.get(handles[0]!)?.planError).toBe(`Would violate the schema "Plans" (version 2): seats: must be >= 1. The run skips this session.`);
    expect(verdicts.get(handles[1]!)?.plan).toBe("schema-violation");
    expect(verdicts.get(handles[2]!)?.plan).toBe("schema-violation");
    // Already breaks the rule at seats (0 → 0 is "already so"): nothing to write, nothing worse.
    expect(verdicts.get(handles[3]!)?.plan).toBe("already-so");

    const setSeats = await planBulkApply({ staff: admin, userId, operation: { kind: "set", path: ["seats"], value: 5 }, scope: { kind: "all" }, reason: "ticket #17 bulk" });
    const setItems = (await bulkStore.listItems(setSeats.runId, { by: "all" }, 1, 100)).items;
    // Fixing seats where plan is still wrong adds no error: allowed.
    expect(setItems.map((item) => item.plan)).toEqual(["will-change", "will-change", "will-change", "will-change"]);

    const before = await Promise.all(handles.map(coreData));
    const started = await engine.applyRun(plan.runId, admin);
    expect(started.status).toBe("started");
    if (started.status === "started" && started.runner) await started.runner.done;
    const report = (await bulkStore.listItems(plan.runId, { by: "all" }, 1, 100)).items;
    expect(report.map((item) => item.outcome)).toEqual(["schema-refused", "schema-refused", "schema-refused", "already-so"]);
    expect(report[0]!.outcomeError).toMatch(/^Would violate the schema "Plans"/);
    expect(await Promise.all(handles.map(coreData))).toEqual(before);
  });

  it("data quality: lists the sessions that do not match, a page of the core's user listing at a time", async () => {
    const tenantId = `dq-${kind}`;
    await createTenant(tenantId);
    // Newest first: the third user signed up is listed first.
    const users: string[] = [];
    for (const [i, data] of [{ plan: "free" }, { plan: "Gold", seats: 0 }, { plan: "pro" }].entries()) {
      const userId = await signUp(`dq-${kind}-${i}-${Date.now()}@example.com`, tenantId);
      await createSession(userId, data, tenantId);
      users.push(userId);
    }
    const first = await checkDataQualityPage({ tenantId, users: 2 });
    expect(first.usersChecked).toBe(2);
    expect(first.sessionsChecked).toBe(2);
    expect(first.rows.map((row) => [row.userId, row.count, row.lines])).toEqual([[users[1], 2, [`plan: must be one of "free", "pro"`, "seats: must be >= 1"]]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await checkDataQualityPage({ tenantId, users: 2, cursor: first.nextCursor! });
    expect(second.usersChecked).toBe(1);
    expect(second.rows).toEqual([]);
    expect(second.nextCursor).toBeNull();
  });
});
