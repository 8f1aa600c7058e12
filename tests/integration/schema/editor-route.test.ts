/**
 * The session page over HTTP with a session-data schema: the editor's write is refused with a 422 that
 * names each place (nothing written), the page carries the schema and the stored data's issues, an
 * editor's override is ignored, an admin's override with a reason writes and is audited, and the schema
 * pages are for every staff member to read but only admins to change.
 */
import Session from "supertokens-node/recipe/session/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, signIn } from "../../helpers/http";
import { createCoreUserWithSession, type TestStack } from "../../helpers/stack";
import { loadSessionPage, postData, postEdit, startStackAsApp } from "../sessions/helpers";

let stack: TestStack;
let editor: string;
let admin: string;
let viewer: string;
const SCHEMAS_ROUTE = "routes/schemas._index";

beforeAll(async () => {
  stack = await startStackAsApp();
  [editor, admin, viewer] = await Promise.all([signIn(stack, "editor"), signIn(stack, "admin"), signIn(stack, "viewer")]);
  const answer = await postData(`${stack.url}/schemas`, SCHEMAS_ROUTE, {
    intent: "save",
    name: "Plans",
    tenants: "",
    status: "active",
    schemaText: JSON.stringify({ type: "object", properties: { plan: { enum: ["free", "pro"], description: "The billing plan" }, seats: { type: "integer", minimum: 1 } } }),
    reason: "ticket #17",
  }, admin);
  expect(answer.body ?? null, JSON.stringify(answer.body)).toBeNull();
  expect(answer.redirect).toMatch(/^\/schemas\/sch_[0-9a-f]{12}$/);
  expect(answer.toast?.title).toBe("Schema saved — version 1");
});

afterAll(async () => {
  await stack?.stop();
});

const coreData = async (handle: string) => (await Session.getSessionInformation(handle))?.sessionDataInDatabase;

describe("the session page with a schema", () => {
  it("refuses an edit that breaks the schema with a 422 naming the place; nothing is written", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "free", seats: 0 } });
    const page = await loadSessionPage(stack, userId, sessionHandle, editor);
    expect(page.data.schema).toMatchObject({ name: "Plans", version: 1, source: "database", issues: [{ path: "seats", message: "must be >= 1", pointer: "/seats" }] });
    expect(JSON.parse(page.data.schema.text).properties.plan.description).toBe("The billing plan");

    const refused = await postEdit(stack, page, { intent: "write", text: JSON.stringify({ plan: "Pro", seats: 0 }), reason: "ticket", schemaOverrideReason: "editors cannot" }, editor);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ kind: "schema-refused", schemaName: "Plans", wasValid: false, introduced: [{ path: "plan", message: `must be one of "free", "pro"` }], remaining: [{ path: "seats", message: "must be >= 1" }] });
    expect(await coreData(sessionHandle)).toEqual({ plan: "free", seats: 0 });

    // Fixing seats while it still has no other error: written, and the toast says nothing remains.
    const fixed = await postEdit(stack, page, { intent: "write", text: JSON.stringify({ plan: "free", seats: 2 }), reason: "ticket" }, editor);
    expect(fixed.toast?.title).toBe("Session data updated — 1 change");
    expect(fixed.toast?.description).not.toMatch(/still breaks/);
  });

  it("says which errors remain after a write to already-invalid data", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "Gold", seats: 0 } });
    const page = await loadSessionPage(stack, userId, sessionHandle, editor);
    const answer = await postEdit(stack, page, { intent: "write", text: JSON.stringify({ plan: "Gold", seats: 3 }), reason: "ticket" }, editor);
    expect(answer.toast?.description).toMatch(/The data still breaks its schema in 1 place: plan: must be one of "free", "pro"\./);
  });

  it("writes an admin's override with a reason and audits it", async () => {
    const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "free" } });
    const page = await loadSessionPage(stack, userId, sessionHandle, admin);
    const answer = await postEdit(stack, page, { intent: "write", text: JSON.stringify({ plan: "legacy" }), reason: "ticket #9", schemaOverrideReason: "the app reads legacy until 4.2" }, admin);
    expect(answer.redirect).toBeDefined();
    expect(await coreData(sessionHandle)).toEqual({ plan: "legacy" });
    const { queryAudit } = await import("../../../app/audit/audit.server");
    const entry = (await queryAudit({ session: sessionHandle })).entries[0]!;
    expect(entry.schemaOverride).toMatchObject({ reason: "the app reads legacy until 4.2", overridden: [{ path: "plan", message: `must be one of "free", "pro"` }] });
    // The audit entry's page carries it (shown as "Schema override").
    const auditPage = await getPage(`${stack.url}/audit/${entry.id}?_data=${encodeURIComponent("routes/audit.$entryId")}`, { cookie: viewer });
    expect(auditPage.status).toBe(200);
    expect(JSON.stringify(await auditPage.json())).toContain("the app reads legacy until 4.2");
  });

  it("lets every staff member read the schemas, and only admins save them", async () => {
    const list = await getPage(`${stack.url}/schemas?_data=${encodeURIComponent(SCHEMAS_ROUTE)}`, { cookie: viewer });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { schemas: { name: string }[]; canEdit: boolean };
    expect(body.schemas.map((schema) => schema.name)).toContain("Plans");
    expect(body.canEdit).toBe(false);
    const refused = await postData(`${stack.url}/schemas`, SCHEMAS_ROUTE, { intent: "save", name: "Mine", status: "active", tenants: "acme", schemaText: "{}", reason: "x" }, editor);
    expect(refused.status).toBe(403);
    const invalid = await postData(`${stack.url}/schemas`, SCHEMAS_ROUTE, { intent: "save", name: "Bad", status: "active", tenants: "acme", schemaText: `{"type": 5}`, reason: "x" }, admin);
    expect(invalid.status).toBe(400);
    expect(String((invalid.body as { problems: string[] }).problems[0])).toMatch(/\/type/);
  });
});
