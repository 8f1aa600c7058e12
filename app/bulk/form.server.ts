/**
 * The "describe the change" form, parsed and validated (zod), and the run page's intents. A bad field
 * comes back as a message beside it, with everything the person typed kept.
 */
import { z } from "zod";
import { AUDIT_REASON_MAX_LENGTH } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import { parseJsonValueText } from "~/json/parse";
import { MAX_NESTING_DEPTH, nestingDepth, parseBulkKeyPath } from "./operation";
import { OPERATION_KINDS, type BulkOperation, type BulkScope, type ChangeFormValues } from "./types";
import { describeType, isPlainObject } from "~/json";

export const MAX_SELECTED_HANDLES = 20_000;

export type { ChangeFormValues } from "./types";

export type ChangeFormErrors = Partial<Record<"keyPath" | "value" | "scope" | "reason" | "form", string>>;

export type ParsedChangeForm =
  | { ok: true; operation: BulkOperation; scope: BulkScope; reason?: string }
  | { ok: false; errors: ChangeFormErrors; values: ChangeFormValues };

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const changeSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("dry-run"),
    keyPath: text(2000),
    operation: z.enum(OPERATION_KINDS, { message: "Choose set, set where missing, merge or delete" }),
    value: z.string(),
    scope: z.enum(["all", "selected", "tenant"], { message: "Choose which sessions" }),
    tenantId: text(200),
    reason: text(AUDIT_REASON_MAX_LENGTH),
    handles: z.array(text(256).min(1)).max(MAX_SELECTED_HANDLES, `at most ${MAX_SELECTED_HANDLES} sessions can be selected`),
  }),
]);

function valuesOf(form: FormData): ChangeFormValues & { intent: unknown } {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  return {
    intent: form.get("intent"),
    keyPath: field("keyPath"),
    operation: field("operation"),
    value: field("value"),
    scope: field("scope"),
    tenantId: field("tenantId").trim(),
    reason: field("reason"),
    handles: form.getAll("handle").filter((h): h is string => typeof h === "string"),
    selection: "",
    selectedCount: 0,
  };
}

const withoutSelectedHandles = (values: ChangeFormValues): ChangeFormValues => (values.selection ? { ...values, handles: [] } : values);

/**
 * `selection`: the sessions ticked in the table, read back from their stored selection by the route.
 * They stand in for handle fields; on an error the values sent back keep the selection's id, not its
 * (up to 20,000) handles.
 */
export function parseChangeForm(form: FormData, allowedTenants: readonly string[], selection?: { id: string; handles: string[] }): ParsedChangeForm {
  const { intent, ...typed } = valuesOf(form);
  const values: ChangeFormValues = selection ? { ...typed, handles: selection.handles, selection: selection.id, selectedCount: selection.handles.length } : typed;
  const parsed = changeSchema.safeParse({ intent, ...values });
  const errors: ChangeFormErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "form");
      const field = key === "handles" || key === "tenantId" ? "scope" : key === "intent" || key === "operation" ? "form" : key;
      errors[field as keyof ChangeFormErrors] ??= issue.message;
    }
    return { ok: false, errors, values: withoutSelectedHandles(values) };
  }
  const data = parsed.data;
  const path = parseBulkKeyPath(data.keyPath);
  if (!path.ok) errors.keyPath = path.error;

  let operation: BulkOperation | undefined;
  if (data.operation === "delete") {
    if (path.ok) operation = { kind: "delete", path: path.path };
  } else {
    // The editor's own rules (app/json/parse.ts): duplicate keys, nesting and size are refused here as
    // they are there, so a run can never leave a session that the editor would refuse to save.
    const maxBytes = getConfig().MAX_SESSION_DATA_BYTES;
    const parsedValue = data.value.trim() === "" ? undefined : parseJsonValueText(data.value, { maxBytes, maxDepth: MAX_NESTING_DEPTH });
    if (!parsedValue) errors.value = 'Type the value as JSON, e.g. true, 42, "text", null or {"a": 1}';
    else if (!parsedValue.ok) errors.value = parsedValue.line === undefined ? parsedValue.error : `Not valid JSON: ${parsedValue.error}`;
    else if (path.ok) {
      // The value goes path.length levels down into the data, so its nesting adds to theirs.
      const depth = path.path.length + nestingDepth(parsedValue.value);
      if (depth > MAX_NESTING_DEPTH) {
        errors.value = `At ${path.display} this value would nest the data ${depth} levels deep; the limit is ${MAX_NESTING_DEPTH}`;
      } else if (data.operation !== "merge") operation = { kind: data.operation, path: path.path, value: parsedValue.value };
      else if (!isPlainObject(parsedValue.value)) errors.value = `To merge, type an object, e.g. {"newCheckout": true}; this is ${describeType(parsedValue.value)}`;
      else if (Object.keys(parsedValue.value).length === 0) errors.value = "This object has no keys, so merging it would change nothing; name at least one key";
      else operation = { kind: "merge", path: path.path, value: parsedValue.value };
    }
  }

  let scope: BulkScope | undefined;
  if (data.scope === "all") scope = { kind: "all" };
  else if (data.scope === "selected") {
    if (data.handles.length === 0) errors.scope = "No sessions are selected: tick them in the sessions table, or choose all sessions";
    else scope = { kind: "selected", handles: data.handles };
  } else if (!data.tenantId) errors.scope = "Choose a tenant";
  else if (!allowedTenants.includes(data.tenantId)) errors.scope = `This user is not in the tenant “${data.tenantId}”`;
  else scope = { kind: "tenant", tenantId: data.tenantId };

  const reason = data.reason.trim() || undefined;
  if (!reason && getConfig().AUDIT_REASON_REQUIRED) errors.reason = "A reason is required for every change; say why, e.g. the ticket number";

  if (!operation || !scope || Object.keys(errors).length > 0) return { ok: false, errors, values: withoutSelectedHandles(values) };
  return { ok: true, operation, scope, reason };
}

/** The run page's actions. */
export const runIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("apply") }),
  z.object({ intent: z.literal("cancel") }),
  z.object({ intent: z.literal("resume") }),
  z.object({ intent: z.literal("retry"), which: z.enum(["failed", "changed", "not-attempted"]) }),
  z.object({ intent: z.literal("replan") }),
]);
export type RunIntent = z.infer<typeof runIntentSchema>;
