import { Link } from "@remix-run/react";
import { OutcomeBadge } from "~/components/audit/outcome-badge";
import { ACTION_LABELS } from "~/audit/types";
import type { SessionHistoryItem } from "~/sessions/history.server";
import { formatDateTime } from "~/utils/format";

/** The latest audit entries of this session, with "Revert" for admins. */
export function SessionHistory({ items, canRevert, auditHref, highlight }: { items: SessionHistoryItem[]; canRevert: boolean; auditHref: string; highlight?: string }) {
  return (
    <section aria-labelledby="history-heading" className="card p-4">
      <div className="flex items-center gap-2">
        <h2 id="history-heading" className="text-sm font-semibold">
          Recent changes to this session
        </h2>
        <Link to={auditHref} className="ml-auto text-xs text-indigo-700 hover:underline dark:text-indigo-300">
          Full audit trail
        </Link>
      </div>
      {items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">No changes recorded by Session Desk.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {items.map((item) => (
            <li
              key={item.id}
              className={`flex flex-wrap items-center gap-2 py-1.5 ${item.id === highlight ? "-mx-2 rounded bg-amber-50 px-2 dark:bg-amber-950/40" : ""}`}
              data-entry-id={item.id}
              aria-current={item.id === highlight ? "true" : undefined}
            >
              <time className="mono text-slate-500" dateTime={item.createdAt}>
                {formatDateTime(Date.parse(item.createdAt))}
              </time>
              <Link to={`/audit/${item.id}`} className="font-medium hover:underline">
                {ACTION_LABELS[item.action] ?? item.action}
              </Link>
              <OutcomeBadge status={item.outcome} />
              <span className="text-slate-600 dark:text-slate-300">by {item.staffName}</span>
              {item.id === highlight ? <span className="badge bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300">the change you ran into</span> : null}
              {item.summary ? <span className="mono min-w-0 truncate text-slate-500">{item.summary}</span> : null}
              {canRevert && item.revertible ? (
                <Link to={`/audit/${item.id}/revert`} className="btn btn-sm ml-auto">
                  Revert…
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
