/**
 * Masking on PostgreSQL (migration 0010 there too): the patterns seeded at start-up, a masked editor's
 * write that keeps the hidden value, a reveal and its grant, and the change log's append-only rule.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresDatabase } from "../../helpers/databases";
import { postForm, signInNew } from "../../helpers/http";
import { createCoreUserWithSession, type TestStack } from "../../helpers/stack";
import { loadSessionPage, pageUrl, postEdit, startStackAsApp } from "../sessions/helpers";

let stack: TestStack;
let database: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  database = await createPostgresDatabase();
  stack = await startStackAsApp({ env: { DATABASE_URL: database.url, AUDIT_REASON_REQUIRED: "false", MASK_PATTERNS: 'device.ip, "a.b".token' } });
});

afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

it("masks, restores on write, reveals and logs on PostgreSQL", async () => {
  const { userId, sessionHandle } = await createCoreUserWithSession(stack, { sessionData: { plan: "free", device: { ip: "198.51.100.8" }, "a.b": { token: "pg-secret" } } });
  const editor = await signInNew(stack, "editor");
  const page = await loadSessionPage(stack, userId, sessionHandle, editor.cookie);
  expect(page.originalText).not.toContain("198.51.100.8");
  expect(page.originalText).not.toContain("pg-secret");
  const answer = await postEdit(stack, page, { intent: "write", text: page.originalText.replace('"plan": "free"', '"plan": "pro"') }, editor.cookie);
  expect(answer.status, JSON.stringify(answer.body)).toBe(204);
  const { getSessionInfo } = await import("../../../app/core/sessions.server");
  expect((await getSessionInfo(sessionHandle))!.sessionDataInDatabase).toEqual({ plan: "pro", device: { ip: "198.51.100.8" }, "a.b": { token: "pg-secret" } });

  expect((await postForm(`${pageUrl(stack, userId, sessionHandle)}/reveal`, { intent: "reveal", reason: "PG ticket" }, { cookie: editor.cookie })).status).toBe(302);
  expect((await loadSessionPage(stack, userId, sessionHandle, editor.cookie)).originalText).toContain("pg-secret");

  const { getDb } = await import("../../../app/db/db.server");
  const events = await getDb().selectFrom("masking_events").selectAll().execute();
  expect(events).toMatchObject([{ action: "seeded", detail: 'device.ip, "a.b".token (from MASK_PATTERNS)' }]);
  await expect(sql`UPDATE masking_events SET detail = 'x'`.execute(getDb())).rejects.toThrow(/append-only/);
});
