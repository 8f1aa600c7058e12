import { Form, useNavigation } from "@remix-run/react";
import { CopyButton } from "~/components/copy-button";
import { SCOPE_DESCRIPTIONS, TOKEN_EXPIRY_DAYS, type ApiScope } from "~/api/scopes";

export interface CreateTokenProblem {
  message: string;
  fields: { name?: string; scope?: string; expiresInDays?: string };
}

/** Makes a personal API token; the scopes offered are those the staff member's role allows. */
export function CreateApiTokenForm({ scopes, problem }: { scopes: ApiScope[]; problem?: CreateTokenProblem }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  return (
    <Form method="post" className="space-y-3 p-4" aria-labelledby="create-token-heading">
      <h2 id="create-token-heading" className="text-sm font-semibold">
        Make a token
      </h2>
      <input type="hidden" name="intent" value="create" />
      <div className="grid gap-3 sm:grid-cols-3">
        <div>
          <label className="label" htmlFor="token-name">
            Name
          </label>
          <input className="input" id="token-name" name="name" required maxLength={80} placeholder="e.g. runbook script" defaultValue={problem?.fields.name} />
        </div>
        <div>
          <label className="label" htmlFor="token-scope">
            Scope
          </label>
          <select className="input" id="token-scope" name="scope" defaultValue={problem?.fields.scope ?? "read"}>
            {scopes.map((scope) => (
              <option key={scope} value={scope}>
                {scope} — {SCOPE_DESCRIPTIONS[scope]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="token-expiry">
            Expires after
          </label>
          <select className="input" id="token-expiry" name="expiresInDays" defaultValue={problem?.fields.expiresInDays ?? "30"}>
            {TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={String(days)}>
                {days} days
              </option>
            ))}
          </select>
        </div>
      </div>
      {problem ? (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {problem.message}
        </p>
      ) : null}
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? "Making…" : "Make token"}
      </button>
    </Form>
  );
}

/** The new token, shown once: only its hash is kept. */
export function CreatedApiTokenNotice({ name, token }: { name: string; token: string }) {
  return (
    <div role="status" className="card border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
      <p className="font-semibold">Made the token “{name}”.</p>
      <p className="mt-1 flex flex-wrap items-center gap-2">
        <code className="mono select-all break-all rounded bg-white px-1.5 py-0.5 dark:bg-slate-900" data-testid="new-api-token">
          {token}
        </code>
        <CopyButton value={token} text="Copy token" />
      </p>
      <p className="mt-1">Copy it now: it will not be shown again. Use it as <code className="mono">Authorization: Bearer …</code> or with <code className="mono">npx session-desk login</code>.</p>
    </div>
  );
}
