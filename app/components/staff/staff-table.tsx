import { Form } from "@remix-run/react";
import { ConfirmSubmit } from "~/components/confirm-submit";
import { STAFF_ROLES, type StaffRole } from "~/staff/roles";

export interface StaffRow {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  disabled: boolean;
  demo: boolean;
  createdAt: string;
  lastSignInAt: string | null;
  signInMethod: "password" | "oidc";
  /** The identity provider's name for an SSO account (OIDC_DISPLAY_NAME, or the issuer's host for another one). */
  ssoProvider: string | null;
  /** Two-step sign-in (TOTP) is on for this password account. */
  totp: boolean;
}

const shortDate = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never");

/** Every staff account with its role and state; the signed-in admin's own row cannot be changed here. */
export function StaffTable({ rows, selfId }: { rows: StaffRow[]; selfId: string }) {
  return (
    <table className="w-full">
      <thead className="border-b border-slate-200 dark:border-slate-800">
        <tr>
          <th className="th">Name</th>
          <th className="th">Email</th>
          <th className="th">Role</th>
          <th className="th">Signs in with</th>
          <th className="th">Status</th>
          <th className="th">Last sign-in</th>
          <th className="th">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {rows.map((row) => {
          const self = row.id === selfId;
          return (
            <tr key={row.id} className={row.disabled ? "text-slate-400" : undefined}>
              <td className="td font-medium">
                {row.displayName}
                {self ? <span className="ml-2 text-xs text-slate-500">(you)</span> : null}
              </td>
              <td className="td mono">{row.email}</td>
              <td className="td">
                {row.signInMethod === "oidc" ? (
                  // The provider's groups set it at every sign-in (app/staff/sso-accounts.server.ts).
                  <span title={`Set from ${row.ssoProvider ?? "the identity provider"} groups at each sign-in`}>
                    {row.role} <span className="text-xs text-slate-500">(from groups)</span>
                  </span>
                ) : self || row.disabled ? (
                  row.role
                ) : (
                  <Form method="post" className="flex items-center gap-2">
                    <input type="hidden" name="intent" value="set-role" />
                    <input type="hidden" name="email" value={row.email} />
                    <label className="sr-only" htmlFor={`role-${row.id}`}>
                      Role for {row.email}
                    </label>
                    <select id={`role-${row.id}`} name="role" defaultValue={row.role} className="input w-28 py-1">
                      {STAFF_ROLES.map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="btn btn-sm">
                      Save role
                    </button>
                  </Form>
                )}
              </td>
              <td className="td">
                {row.signInMethod === "oidc" ? (
                  <span className="badge bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">{`SSO · ${row.ssoProvider ?? "identity provider"}`}</span>
                ) : (
                  <span className="inline-flex flex-wrap gap-1">
                    <span className="badge bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300">Password</span>
                    {row.totp ? (
                      <span className="badge bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300" title="Two-step sign-in with an authenticator app">
                        + authenticator
                      </span>
                    ) : null}
                  </span>
                )}
              </td>
              <td className="td">
                <span className={`badge ${row.disabled ? "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300" : "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300"}`}>
                  {row.disabled ? "Disabled" : "Active"}
                </span>
                {row.demo ? <span className="badge ml-1 bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200">demo</span> : null}
              </td>
              <td className="td text-slate-500">{shortDate(row.lastSignInAt)}</td>
              <td className="td text-right">
                <div className="flex flex-wrap items-center justify-end gap-2">
                {!self && row.totp ? (
                  <ConfirmSubmit
                    intent="reset-totp"
                    fields={{ email: row.email }}
                    label="Reset two-step"
                    confirmLabel="Confirm reset"
                    small
                    reason={{ required: true, label: `Reason for resetting the two-step sign-in of ${row.email}` }}
                  />
                ) : null}
                {self ? null : row.disabled ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="enable" />
                    <input type="hidden" name="email" value={row.email} />
                    <button type="submit" className="btn btn-sm">
                      Enable
                    </button>
                  </Form>
                ) : (
                  <ConfirmSubmit intent="disable" fields={{ email: row.email }} label="Disable" confirmLabel={`Disable ${row.email}?`} small />
                )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
