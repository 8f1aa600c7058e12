import { Link } from "@remix-run/react";
import { ACTION_LABELS, RUN_ACTION, type AuditAction, type AuditOutcomeStatus } from "~/audit/types";
import { OutcomeBadge } from "./outcome-badge";

export interface AuditRow {
  id: string;
  createdAt: string;
  staff: { email: string; displayName: string };
  action: AuditAction;
  target: { userId: string; sessionHandle: string | null; tenantId: string | null };
  reason: string | null;
  outcome: { status: AuditOutcomeStatus } | null;
}

export const auditTime = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

/** Audit entries, newest first; each row opens the entry's detail (before, after, patch). */
export function AuditTable({ entries }: { entries: AuditRow[] }) {
  if (entries.length === 0) return <p className="p-6 text-center text-sm text-slate-500">No audit entries match these filters.</p>;
  return (
    <table className="w-full">
      <thead className="border-b border-slate-200 dark:border-slate-800">
        <tr>
          <th className="th">When</th>
          <th className="th">Staff</th>
          <th className="th">Action</th>
          <th className="th">User</th>
          <th className="th">Session</th>
          <th className="th">Reason</th>
          <th className="th">Outcome</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {entries.map((entry) => (
          <tr key={entry.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
            <td className="td">
              <Link to={`/audit/${entry.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                {auditTime(entry.createdAt)}
              </Link>
            </td>
            <td className="td" title={entry.staff.email}>
              {entry.staff.displayName}
            </td>
            <td className="td">{ACTION_LABELS[entry.action] ?? entry.action}</td>
            <td className="td mono max-w-[14rem] truncate">
              <Link to={`/users/${encodeURIComponent(entry.target.userId)}`} className="hover:underline">
                {entry.target.userId}
              </Link>
            </td>
            <td className="td mono max-w-[12rem] truncate">{entry.target.sessionHandle ?? "—"}</td>
            <td className="td max-w-[18rem] truncate" title={entry.reason ?? undefined}>
              {entry.reason ?? <span className="text-slate-400">—</span>}
            </td>
            <td className="td">
              <OutcomeBadge status={entry.outcome?.status ?? null} run={entry.action === RUN_ACTION} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
