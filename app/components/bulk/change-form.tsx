import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import type { ChangeFormValues } from "~/bulk/types";
import { describeType, parseJson, formatKeyPath, parseKeyPath, previewValue, toPointer } from "~/json";

export type ChangeFormDefaults = ChangeFormValues;

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
function ValueHint({ text }: { text: string }) {
  if (text.trim() === "") return <p className="mt-1 text-xs text-slate-500">Any JSON: true, 42, &quot;text&quot;, null, [1, 2], {"{"}&quot;a&quot;: 1{"}"}.</p>;
  try {
    const value: unknown = parseJson(text);
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

export function ChangeForm({ defaults, errors, tenants, reasonRequired }: { defaults: ChangeFormDefaults; errors?: ChangeFormErrorMap; tenants: string[]; reasonRequired: boolean }) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "dry-run";
  const [keyPath, setKeyPath] = useState(defaults.keyPath);
  const [operation, setOperation] = useState(defaults.operation === "delete" ? "delete" : "set");
  const [value, setValue] = useState(defaults.value);
  const [scope, setScope] = useState(defaults.scope || (defaults.handles.length ? "selected" : "all"));
  return (
    <Form method="post" className="card space-y-5 p-4" aria-label="Describe the change">
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
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="operation" value="set" checked={operation === "set"} onChange={() => setOperation("set")} /> Set the key to a JSON value
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="operation" value="delete" checked={operation === "delete"} onChange={() => setOperation("delete")} /> Delete the key
          </label>
        </div>
      </fieldset>
      {operation === "set" ? (
        <div>
          <label className="label" htmlFor="value">
            Value (JSON)
          </label>
          <textarea id="value" name="value" className="input mono min-h-[4rem]" rows={3} value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} placeholder="true" aria-invalid={errors?.value ? true : undefined} aria-describedby="value-error" />
          <ValueHint text={value} />
          {fieldError("value-error", errors?.value)}
        </div>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-300">Sessions without the key are left as they are (“already so”).</p>
      )}
      <fieldset>
        <legend className="label">Sessions</legend>
        <div className="flex flex-wrap items-center gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="scope" value="all" checked={scope === "all"} onChange={() => setScope("all")} /> All of the user’s sessions
          </label>
          <label className={`inline-flex items-center gap-2 ${defaults.handles.length ? "" : "opacity-50"}`}>
            <input type="radio" name="scope" value="selected" checked={scope === "selected"} disabled={defaults.handles.length === 0} onChange={() => setScope("selected")} />{" "}
            {defaults.handles.length ? `The ${defaults.handles.length} selected in the table` : "Rows selected in the table (none are)"}
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
        {defaults.handles.map((handle) => (
          <input key={handle} type="hidden" name="handle" value={handle} />
        ))}
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? "Running the dry run…" : "Dry run"}
        </button>
        <p className="text-sm text-slate-500">The dry run writes nothing: it shows what would change in each session.</p>
      </div>
    </Form>
  );
}
