import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { OPERATION_KINDS, type ChangeFormValues, type OperationKind } from "~/bulk/types";
import { formatCount } from "~/utils/format";
import { describeType, isPlainObject, parseJson, formatKeyPath, parseKeyPath, previewValue, toPointer } from "~/json";

export type ChangeFormDefaults = ChangeFormValues;

const OPERATION_CHOICES: { kind: OperationKind; label: string; help: string }[] = [
  { kind: "set", label: "Set the key to a JSON value", help: "Replaces whatever is there." },
  { kind: "set-if-missing", label: "Set only where missing", help: "Adds the key where it is absent; an existing value wins." },
  { kind: "merge", label: "Merge an object into the key", help: "Adds or replaces its keys inside the object there, keeping the other keys. Sessions where that is not an object are left alone." },
  { kind: "delete", label: "Delete the key", help: "Sessions without the key are left as they are." },
];

export type ChangeFormErrorMap = Partial<Record<"keyPath" | "value" | "scope" | "reason" | "form", string>>;

const fieldError = (id: string, message?: string) =>
  message ? (
    <p id={id} role="alert" className="mt-1 text-sm text-rose-700 dark:text-rose-300">
      {message}
    </p>
  ) : null;

/** Live check of the key path as typed: how the server will read it, or why it cannot. */
function KeyPathHint({ text }: { text: string }) {
  if (text.trim() === "") return <p className="mt-1 text-xs text-slate-500">A JSON Pointer (/featureFlags/beta, /a~1b for the key “a/b”) or a dotted path (featureFlags.beta, [&quot;a.b&quot;].c, items[0]).</p>;
  const parsed = parseKeyPath(text);
  if (!parsed.ok) return <p className="mt-1 text-xs text-rose-700 dark:text-rose-300">{parsed.error}</p>;
  return (
    <p className="mt-1 text-xs text-emerald-700 dark:text-emerald-300" data-testid="key-path-preview">
      Keys: {parsed.path.map((segment) => (typeof segment === "number" ? `[${segment}]` : `“${segment}”`)).join(" → ")} · pointer <span className="mono">{toPointer(parsed.path)}</span> · shown as{" "}
      <span className="mono">{formatKeyPath(parsed.path)}</span>
    </p>
  );
}

/** Live check of the JSON value: its type and a preview, or the parser's message. */
function ValueHint({ text, objectOnly }: { text: string; objectOnly: boolean }) {
  if (text.trim() === "") {
    if (objectOnly) return <p className="mt-1 text-xs text-slate-500">An object, e.g. {"{"}&quot;newCheckout&quot;: true, &quot;theme&quot;: &quot;dark&quot;{"}"}: its keys are set inside the object at the key path.</p>;
    return <p className="mt-1 text-xs text-slate-500">Any JSON: true, 42, &quot;text&quot;, null, [1, 2], {"{"}&quot;a&quot;: 1{"}"}.</p>;
  }
  try {
    const value: unknown = parseJson(text);
    if (objectOnly && !isPlainObject(value)) {
      return (
        <p className="mt-1 text-xs text-rose-700 dark:text-rose-300" data-testid="value-error">
          To merge, type an object; this is {describeType(value)}.
        </p>
      );
    }
    return (
      <p className="mt-1 text-xs text-emerald-700 dark:text-emerald-300" data-testid="value-preview">
        Valid JSON: {typeof value === "boolean" || value === null ? describeType(value) : <>{describeType(value)} <span className="mono">{previewValue(value, 60)}</span></>}
      </p>
    );
  } catch (error) {
    return (
      <p className="mt-1 text-xs text-rose-700 dark:text-rose-300" data-testid="value-error">
        Not valid JSON yet: {error instanceof Error ? error.message : String(error)}
      </p>
    );
  }
}

/**
 * `scopeFields`: what replaces "which of the user's sessions" (the run across users puts its choice of
 * users there, and sends a file, hence `encType`).
 */
export function ChangeForm({
  defaults,
  errors,
  tenants,
  reasonRequired,
  scopeFields,
  encType,
}: {
  defaults: ChangeFormDefaults;
  errors?: ChangeFormErrorMap;
  tenants: string[];
  reasonRequired: boolean;
  scopeFields?: React.ReactNode;
  encType?: "multipart/form-data";
}) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "dry-run";
  const [keyPath, setKeyPath] = useState(defaults.keyPath);
  const [operation, setOperation] = useState<OperationKind>((OPERATION_KINDS as readonly string[]).includes(defaults.operation) ? (defaults.operation as OperationKind) : "set");
  const [value, setValue] = useState(defaults.value);
  // A stored selection (its id and count) or, for a few, handles as fields.
  const selectedCount = defaults.selection ? defaults.selectedCount : defaults.handles.length;
  const [scope, setScope] = useState(defaults.scope || (selectedCount ? "selected" : "all"));
  return (
    <Form method="post" encType={encType} className="card space-y-5 p-4" aria-label="Describe the change">
      {fieldError("form-error", errors?.form)}
      <div>
        <label className="label" htmlFor="keyPath">
          Key path
        </label>
        <input id="keyPath" name="keyPath" className="input mono" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} autoComplete="off" spellCheck={false} placeholder="featureFlags.beta" aria-invalid={errors?.keyPath ? true : undefined} aria-describedby="keyPath-error" required />
        <KeyPathHint text={keyPath} />
        {fieldError("keyPath-error", errors?.keyPath)}
      </div>
      <fieldset>
        <legend className="label">Operation</legend>
        <div className="grid gap-2 text-sm sm:grid-cols-2">
          {OPERATION_CHOICES.map((choice) => (
            <label key={choice.kind} className="flex items-start gap-2">
              <input type="radio" name="operation" value={choice.kind} className="mt-1" checked={operation === choice.kind} onChange={() => setOperation(choice.kind)} />
              <span>
                {choice.label}
                <span className="block text-xs text-slate-500">{choice.help}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {operation !== "delete" ? (
        <div>
          <label className="label" htmlFor="value">
            {operation === "merge" ? "Object to merge (JSON)" : "Value (JSON)"}
          </label>
          <textarea id="value" name="value" className="input mono min-h-[4rem]" rows={3} value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} placeholder="true" aria-invalid={errors?.value ? true : undefined} aria-describedby="value-error" />
          <ValueHint text={value} objectOnly={operation === "merge"} />
          {fieldError("value-error", errors?.value)}
        </div>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-300">Sessions without the key are left as they are (“already so”).</p>
      )}
      {scopeFields ?? (
        <fieldset>
        <legend className="label">Sessions</legend>
        <div className="flex flex-wrap items-center gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="scope" value="all" checked={scope === "all"} onChange={() => setScope("all")} /> All of the user’s sessions
          </label>
          <label className={`inline-flex items-center gap-2 ${selectedCount ? "" : "opacity-50"}`}>
            <input type="radio" name="scope" value="selected" checked={scope === "selected"} disabled={selectedCount === 0} onChange={() => setScope("selected")} />{" "}
            {selectedCount ? `The ${formatCount(selectedCount)} selected in the table` : "Rows selected in the table (none are)"}
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="scope" value="tenant" checked={scope === "tenant"} onChange={() => setScope("tenant")} /> One tenant:
          </label>
          <label htmlFor="tenantId" className="sr-only">
            Tenant
          </label>
          <select id="tenantId" name="tenantId" className="input w-auto" defaultValue={defaults.tenantId || tenants[0]} disabled={scope !== "tenant"}>
            {tenants.map((tenant) => (
              <option key={tenant} value={tenant}>
                {tenant}
              </option>
            ))}
          </select>
        </div>
        {fieldError("scope-error", errors?.scope)}
        </fieldset>
      )}
      <div>
        <label className="label" htmlFor="reason">
          Reason {reasonRequired ? "(required)" : "(optional)"} — kept in the audit trail
        </label>
        <textarea id="reason" name="reason" className="input" rows={2} maxLength={2000} defaultValue={defaults.reason} required={reasonRequired} placeholder="e.g. Ticket #4521: enable the beta for this customer" />
        {fieldError("reason-error", errors?.reason)}
      </div>
      <div className="flex items-center gap-3">
        {/* Hidden fields last: before the first visible field they would offset it (space-y). */}
        <input type="hidden" name="intent" value="dry-run" />
        {scopeFields ? null : defaults.selection ? (
          <input type="hidden" name="selection" value={defaults.selection} />
        ) : (
          defaults.handles.map((handle) => <input key={handle} type="hidden" name="handle" value={handle} />)
        )}
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? "Running the dry run…" : "Dry run"}
        </button>
        <p className="text-sm text-slate-500">The dry run writes nothing: it shows what would change in each session.</p>
      </div>
    </Form>
  );
}
