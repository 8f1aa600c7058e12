/**
 * The schema check of a write, called by writeSessionData (app/sessions/write.server.ts) with the data
 * the core holds and the data about to be written, under the session's write lock, before anything is
 * recorded or written. Every caller of the write — the editor, revert, each bulk item, the API — gets it.
 */
import type { StaffUser } from "~/staff/roles";
import { describeIssues, judgeWrite } from "./rules";
import { schemaForTenant } from "./store.server";
import type { SchemaIssue } from "./validator.server";

export const SCHEMA_OVERRIDE_REASON_MAX = 1000;

/** Which schema judged a write. */
export interface SchemaRef {
  id: string;
  version: number;
  name: string;
}

/** An admin's decision to write data that breaks the schema; recorded in the write's audit entry. */
export interface SchemaOverride {
  reason: string;
}

/** What the audit entry keeps of an override (audit_entries.schema_override_json). */
export interface SchemaOverrideRecord {
  reason: string;
  schema: SchemaRef;
  /** The errors the write adds, which the admin chose to write anyway. */
  overridden: Pick<SchemaIssue, "path" | "message">[];
  /** Errors the data had before and still has. */
  remaining: Pick<SchemaIssue, "path" | "message">[];
}

export type SchemaCheck =
  /** No schema applies, or the new data conforms. */
  | { status: "pass"; schema: SchemaRef | null }
  /** Already invalid, and the write adds no error: allowed; these remain. */
  | { status: "no-worse"; schema: SchemaRef; remaining: SchemaIssue[] }
  /** Would add errors: refused. */
  | { status: "refused"; schema: SchemaRef; introduced: SchemaIssue[]; remaining: SchemaIssue[]; wasValid: boolean; message: string }
  /** Would add errors, written anyway on an admin's override. */
  | { status: "overridden"; schema: SchemaRef; record: SchemaOverrideRecord; remaining: SchemaIssue[] };

const brief = (issue: SchemaIssue) => ({ path: issue.path, message: issue.message });

export async function checkWriteAgainstSchema(input: {
  tenantId: string | null | undefined;
  before: unknown;
  next: unknown;
  staff: StaffUser;
  override?: SchemaOverride;
}): Promise<SchemaCheck> {
  const schema = await schemaForTenant(input.tenantId);
  if (!schema) return { status: "pass", schema: null };
  const ref: SchemaRef = { id: schema.id, version: schema.version, name: schema.name };
  const after = schema.validator.validate(input.next);
  if (after.length === 0) return { status: "pass", schema: ref };
  const judged = judgeWrite(schema.validator.validate(input.before), after);
  if (judged.verdict === "valid") return { status: "pass", schema: ref };
  if (judged.verdict === "no-worse") return { status: "no-worse", schema: ref, remaining: judged.remaining };
  const reason = input.override?.reason.trim();
  if (reason && input.staff.role === "admin") {
    return {
      status: "overridden",
      schema: ref,
      record: { reason, schema: ref, overridden: judged.introduced.map(brief), remaining: judged.remaining.map(brief) },
      remaining: after,
    };
  }
  const what = judged.wasValid ? "would make data that matches the schema stop matching it" : "would add errors to data that already breaks the schema";
  const message =
    `Refused by the schema "${schema.name}" (version ${schema.version}): this change ${what}: ${describeIssues(judged.introduced)}.` +
    (judged.remaining.length > 0 ? ` Already there before: ${describeIssues(judged.remaining, 3)}.` : "") +
    " Nothing was written.";
  return { status: "refused", schema: ref, introduced: judged.introduced, remaining: judged.remaining, wasValid: judged.wasValid, message };
}
