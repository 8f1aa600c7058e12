import { useState } from "react";

/**
 * An admin's override of the session-data schema: shown only after the schema refused a write, it asks
 * why the data should be written anyway. The server honours it for admins only and records it, with the
 * errors overridden, in the write's audit entry.
 */
export function SchemaOverrideField({ id, name = "schemaOverrideReason" }: { id: string; name?: string }) {
  const [value, setValue] = useState("");
  return (
    <div className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950">
      <label htmlFor={id} className="block text-sm font-medium text-amber-900 dark:text-amber-100">
        Override the schema (admin): why must this data be written anyway?
      </label>
      <input
        id={id}
        name={name}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        maxLength={1000}
        className="input w-full"
        placeholder="e.g. the app reads this key as text until release 4.2 (ticket #1234)"
      />
      <p className="text-xs text-amber-800 dark:text-amber-200">Leave it empty to write nothing. With a reason, the write goes ahead and the audit entry records the reason and the errors overridden.</p>
    </div>
  );
}
