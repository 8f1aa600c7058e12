import { ConfirmSubmit } from "~/components/confirm-submit";
import { formatDateTime } from "~/utils/format";

export interface ApiTokenRow {
  id: string;
  name: string;
  scope: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  state: "active" | "expired" | "revoked";
  owner: { email: string; displayName: string; role: string; disabled: boolean };
}

const STATE_STYLES = {
  active: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  expired: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  revoked: "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200",
} as const;

const when = (iso: string | null) => (iso ? formatDateTime(Date.parse(iso)) : "never");

/** Tokens as a table; `showOwner` on the staff page. Revoke is two-step and only for active tokens. */
export function ApiTokenTable({ rows, showOwner = false, emptyText }: { rows: ApiTokenRow[]; showOwner?: boolean; emptyText: string }) {
  if (rows.length === 0) return <p className="p-4 text-sm text-slate-500 dark:text-slate-400">{emptyText}</p>;
  return (
    <table className="min-w-full divide-y divide-slate-200 dark:divide-slate-800">
      <thead>
        <tr>
          <th className="th">Name</th>
          {showOwner ? <th className="th">Owner</th> : null}
          <th className="th">Scope</th>
          <th className="th">Created</th>
          <th className="th">Expires</th>
          <th className="th">Last used</th>
          <th className="th">State</th>
          <th className="th">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {rows.map((row) => (
          <tr key={row.id} data-token={row.id}>
            <td className="td font-medium">{row.name}</td>
            {showOwner ? (
              <td className="td">
                {row.owner.displayName} <span className="mono text-slate-500">{row.owner.email}</span> ({row.owner.role}
                {row.owner.disabled ? ", disabled" : ""})
              </td>
            ) : null}
            <td className="td mono">{row.scope}</td>
            <td className="td">{when(row.createdAt)}</td>
            <td className="td">{when(row.expiresAt)}</td>
            <td className="td">{when(row.lastUsedAt)}</td>
            <td className="td">
              <span className={`badge ${STATE_STYLES[row.state]}`} title={row.revokedBy ? `Revoked by ${row.revokedBy}` : undefined}>
                {row.state}
              </span>
            </td>
            <td className="td text-right">
              {row.state === "active" ? <ConfirmSubmit intent="revoke" label="Revoke" confirmLabel={`Revoke “${row.name}”?`} fields={{ tokenId: row.id }} small /> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
