import { Form, useNavigation } from "@remix-run/react";
import { ROLE_DESCRIPTIONS, STAFF_ROLES } from "~/staff/roles";
import { CopyButton } from "~/components/copy-button";

export interface CreateStaffProblem {
  message: string;
  fields: { email?: string; displayName?: string; role?: string };
}

/** Creates a staff account. A blank password means "generate one", shown once after creating. */
export function CreateStaffForm({ problem }: { problem?: CreateStaffProblem }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  return (
    <Form method="post" className="space-y-3 p-4" aria-labelledby="create-staff-heading">
      <h2 id="create-staff-heading" className="text-sm font-semibold">
        Add a staff member
      </h2>
      <input type="hidden" name="intent" value="create" />
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label className="label" htmlFor="new-email">
            Email
          </label>
          <input className="input" id="new-email" name="email" type="email" required defaultValue={problem?.fields.email} />
        </div>
        <div>
          <label className="label" htmlFor="new-name">
            Display name
          </label>
          <input className="input" id="new-name" name="displayName" maxLength={100} defaultValue={problem?.fields.displayName} placeholder="Optional" />
        </div>
        <div>
          <label className="label" htmlFor="new-role">
            Role
          </label>
          <select className="input" id="new-role" name="role" defaultValue={problem?.fields.role ?? "viewer"}>
            {STAFF_ROLES.map((role) => (
              <option key={role} value={role}>
                {role} — {ROLE_DESCRIPTIONS[role]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="new-password">
            Password
          </label>
          <input className="input" id="new-password" name="password" type="password" autoComplete="new-password" placeholder="Leave blank to generate one" />
        </div>
      </div>
      {problem ? (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {problem.message}
        </p>
      ) : null}
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? "Creating…" : "Create account"}
      </button>
    </Form>
  );
}

/** The generated password, shown once: it is stored only as a hash. */
export function CreatedStaffNotice({ email, password }: { email: string; password?: string }) {
  return (
    <div role="status" className="card border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
      <p className="font-semibold">Created {email}.</p>
      {password ? (
        <div className="mt-1 space-y-1">
          <p className="flex flex-wrap items-center gap-2">
            Their password is <code className="mono select-all rounded bg-white px-1.5 py-0.5 dark:bg-slate-900" data-testid="generated-password">{password}</code>
            <CopyButton value={password} text="Copy password" />
          </p>
          <p>Pass it on securely; it will not be shown again.</p>
        </div>
      ) : (
        <p className="mt-1">They can sign in with the password you chose.</p>
      )}
    </div>
  );
}
