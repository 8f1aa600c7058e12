/**
 * What the session and user pages need of the schema: the one that applies (for the editor's live
 * checks, as its JSON text) and where the stored data breaks it.
 */
import { schemaForTenant } from "./store.server";

export interface PageIssue {
  pointer: string;
  path: string;
  message: string;
}

export interface SessionSchemaView {
  id: string;
  name: string;
  version: number;
  source: "database" | "file";
  /** The JSON Schema's text, for monaco's JSON language (served by this page: nothing is fetched). */
  text: string;
  /** Where the data as stored breaks it (empty: it matches). */
  issues: PageIssue[];
}

/** The schema for a session of `tenantId`, with the issues of `data` (the real data, never a masked copy). */
export async function sessionSchemaView(tenantId: string | null | undefined, data: unknown): Promise<SessionSchemaView | null> {
  const schema = await schemaForTenant(tenantId);
  if (!schema) return null;
  const issues = schema.validator.validate(data).map(({ pointer, path, message }) => ({ pointer, path, message }));
  return { id: schema.id, name: schema.name, version: schema.version, source: schema.source, text: schema.schemaText, issues };
}

/**
 * Where each session's data breaks its schema, as "path: message" lines (the first few); absent for a
 * session that matches or that no schema applies to. Judged on the real data (before any masking).
 */
export async function schemaProblemsOf(sessions: readonly { sessionHandle: string; tenantId?: string | null; sessionDataInDatabase: unknown }[], max = 5): Promise<Map<string, { count: number; lines: string[] }>> {
  const problems = new Map<string, { count: number; lines: string[] }>();
  for (const session of sessions) {
    const schema = await schemaForTenant(session.tenantId);
    if (!schema) continue;
    const issues = schema.validator.validate(session.sessionDataInDatabase);
    if (issues.length > 0) problems.set(session.sessionHandle, { count: issues.length, lines: issues.slice(0, max).map((issue) => `${issue.path}: ${issue.message}`) });
  }
  return problems;
}
