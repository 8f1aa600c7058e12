import { Form, useNavigation } from "@remix-run/react";

export interface SchemaFormValues {
  name: string;
  description: string;
  tenants: string;
  status: "active" | "retired";
  schemaText: string;
}

/** New schema, or a new version of one: every save is a version; nothing is edited in place. */
export function SchemaForm({ initial, problems, reasonRequired, submitLabel }: { initial: SchemaFormValues; problems: string[]; reasonRequired: boolean; submitLabel: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <Form method="post" className="card space-y-3 p-4" aria-label="Schema">
      <input type="hidden" name="intent" value="save" />
      {problems.length > 0 ? (
        <div role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
          <p className="font-medium">Not saved:</p>
          <ul className="list-disc pl-5">
            {problems.map((problem, index) => (
              <li key={index} className="break-words">
                {problem}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="grid gap-3 md:grid-cols-2">
        <label className="block space-y-1 text-sm">
          <span className="font-medium">Name</span>
          <input name="name" className="input w-full" defaultValue={initial.name} required maxLength={120} />
        </label>
        <label className="block space-y-1 text-sm">
          <span className="font-medium">Tenants</span>
          <input name="tenants" className="input w-full mono" defaultValue={initial.tenants} placeholder="empty = every tenant" maxLength={4000} aria-describedby="tenants-help" />
          <span id="tenants-help" className="block text-xs text-slate-500">
            Tenant ids, comma-separated. A schema that names a session's tenant wins over one for every tenant.
          </span>
        </label>
      </div>
      <label className="block space-y-1 text-sm">
        <span className="font-medium">Description</span>
        <input name="description" className="input w-full" defaultValue={initial.description} maxLength={1000} />
      </label>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">Status</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="status" value="active" defaultChecked={initial.status === "active"} /> Active: checked on every write
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="status" value="retired" defaultChecked={initial.status === "retired"} /> Retired: checks nothing
        </label>
      </fieldset>
      <label className="block space-y-1 text-sm">
        <span className="font-medium">JSON Schema (draft 2020-12)</span>
        <textarea name="schemaText" className="input mono min-h-[18rem] w-full text-xs" defaultValue={initial.schemaText} required spellCheck={false} />
      </label>
      <label className="block space-y-1 text-sm">
        <span className="font-medium">Reason{reasonRequired ? "" : " (optional)"}</span>
        <input name="reason" className="input w-full" required={reasonRequired} maxLength={2000} placeholder="e.g. ticket #1234: plan names are lower case" />
      </label>
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? "Saving…" : submitLabel}
      </button>
    </Form>
  );
}
