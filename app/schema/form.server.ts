/**
 * The schema form (new schema, new version) of the Schemas pages: parsed with zod, saved as a new version.
 */
import { json } from "@remix-run/node";
import { z } from "zod";
import { AUDIT_REASON_MAX_LENGTH } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import type { StaffUser } from "~/staff/roles";
import { redirectWithToast } from "~/utils/toast.server";
import { parseTenantList } from "./rules";
import { saveSchemaVersion, SCHEMA_TEXT_MAX_CHARS } from "./store.server";

export const schemaFormSchema = z.object({
  intent: z.literal("save"),
  name: z.string().trim().min(1, "Give the schema a name.").max(120, "The name must be at most 120 characters."),
  description: z.string().max(1000, "The description must be at most 1,000 characters.").optional(),
  tenants: z.string().max(4000, "Too many tenants.").optional(),
  status: z.enum(["active", "retired"], { message: "Choose active or retired." }),
  schemaText: z.string().min(1, "Paste the JSON Schema.").max(SCHEMA_TEXT_MAX_CHARS, "The schema is too long (512 KiB at most)."),
  reason: z.string().max(AUDIT_REASON_MAX_LENGTH).optional(),
});

export interface SchemaFormAnswer {
  problems: string[];
  field?: string;
  /** What the admin typed, kept. */
  values: Record<string, string>;
}

export async function runSchemaForm(staff: StaffUser, form: FormData, schemaId?: string): Promise<Response> {
  const raw = Object.fromEntries(form);
  const values = Object.fromEntries(Object.entries(raw).filter(([, value]) => typeof value === "string")) as Record<string, string>;
  const parsed = schemaFormSchema.safeParse(raw);
  if (!parsed.success) return json<SchemaFormAnswer>({ problems: parsed.error.issues.map((issue) => issue.message), values }, { status: 400 });
  const input = parsed.data;
  const reason = input.reason?.trim();
  if (!reason && getConfig().AUDIT_REASON_REQUIRED) return json<SchemaFormAnswer>({ problems: ["Say why (a ticket number is enough): every schema version records it."], field: "reason", values }, { status: 400 });
  const saved = await saveSchemaVersion({
    staff,
    schemaId,
    name: input.name,
    description: input.description,
    tenants: parseTenantList(input.tenants ?? ""),
    status: input.status,
    schemaText: input.schemaText,
    reason,
  });
  if (!saved.ok) return json<SchemaFormAnswer>({ problems: saved.problems, field: saved.field, values }, { status: saved.field === "schemaId" ? 404 : 400 });
  return redirectWithToast(`/schemas/${saved.schemaId}`, {
    kind: saved.unchanged ? "info" : "success",
    title: saved.unchanged ? "Nothing to save" : `Schema saved — version ${saved.version}`,
    description: saved.unchanged ? "This version already says exactly that." : `“${input.name}” is ${input.status === "active" ? "checked on every write" : "retired: it checks nothing"}.`,
  });
}
