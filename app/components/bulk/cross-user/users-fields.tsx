import { useState } from "react";

export interface UsersFieldDefaults {
  source: string;
  q: string;
  tenant: string;
  list: string;
  runId: string;
}

const SOURCES = [
  { value: "list", label: "A list of emails, phone numbers or user ids" },
  { value: "search", label: "A search" },
  { value: "run", label: "The users of an earlier run" },
] as const;

/**
 * Which users a run across users is for: a pasted list or an uploaded CSV, a search (the search page's
 * queries), or an earlier run's users. Only the chosen source's fields are sent.
 */
export function UsersFields({ defaults, tenants, error, maxEntries }: { defaults: UsersFieldDefaults; tenants: string[]; error?: string; maxEntries: number }) {
  const [source, setSource] = useState(defaults.source || "list");
  return (
    <fieldset className="space-y-3">
      <legend className="label">Users</legend>
      <div className="flex flex-wrap gap-4 text-sm" role="radiogroup" aria-label="Find the users by">
        {SOURCES.map((choice) => (
          <label key={choice.value} className="inline-flex items-center gap-2">
            <input type="radio" name="source" value={choice.value} checked={source === choice.value} onChange={() => setSource(choice.value)} /> {choice.label}
          </label>
        ))}
      </div>
      {source === "list" ? (
        <div className="grid gap-3 md:grid-cols-[2fr_1fr]">
          <div>
            <label className="label" htmlFor="list">
              Paste the list
            </label>
            <textarea
              id="list"
              name="list"
              className="input mono min-h-[8rem]"
              rows={6}
              defaultValue={defaults.list}
              spellCheck={false}
              placeholder={"ada@acme.com\n+44 20 7183 8750\n3f2a9c4e-…"}
              aria-describedby="list-help users-error"
            />
            <p id="list-help" className="mt-1 text-xs text-slate-500">
              One per line, or separated by commas, semicolons or tabs. Up to {maxEntries.toLocaleString("en")} entries or 1 MiB. Each is looked up in every tenant;
              one that matches no user, or more than one, is reported and left out.
            </p>
          </div>
          <div>
            <label className="label" htmlFor="file">
              …or upload a CSV
            </label>
            <input id="file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" className="block w-full text-sm" />
            <p className="mt-1 text-xs text-slate-500">Every cell counts; a header row (email, phone, user_id) is skipped.</p>
          </div>
        </div>
      ) : source === "search" ? (
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-[16rem] flex-1">
            <label className="label" htmlFor="q">
              Search
            </label>
            <input id="q" name="q" className="input" defaultValue={defaults.q} placeholder="@globex.com, +4915…, provider:google" autoComplete="off" aria-describedby="users-error" />
          </div>
          <div>
            <label className="label" htmlFor="tenant">
              Tenant
            </label>
            <select id="tenant" name="tenant" className="input w-auto" defaultValue={defaults.tenant}>
              <option value="">All tenants</option>
              {tenants.map((tenant) => (
                <option key={tenant} value={tenant}>
                  {tenant}
                </option>
              ))}
            </select>
          </div>
          <p className="w-full text-xs text-slate-500">The search page’s queries: an email or its domain, a phone number, provider:name. Every page of results is taken.</p>
        </div>
      ) : (
        <div>
          <label className="label" htmlFor="runId">
            Earlier run’s id
          </label>
          <input id="runId" name="runId" className="input mono" defaultValue={defaults.runId} autoComplete="off" spellCheck={false} aria-describedby="users-error" />
          <p className="mt-1 text-xs text-slate-500">The users it matched (or the one user of a single-user run), with their sessions as they are now.</p>
        </div>
      )}
      {error ? (
        <p id="users-error" role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
