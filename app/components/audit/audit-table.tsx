import { Link } from "@remix-run/react";
import { Fragment, useState } from "react";
import { ACTION_LABELS, RUN_ACTION, type AuditAction, type AuditOutcomeStatus } from "~/audit/types";
import { describeProgress, outcomeSegments } from "~/bulk/report";
import { ITEM_OUTCOMES, OUTCOME_LABELS as RUN_OUTCOME_LABELS, type RunProgress } from "~/bulk/types";
import { formatCount, shortId } from "~/utils/format";
import { OutcomeBadge } from "./outcome-badge";

export interface AuditRow {
  id: string;
  createdAt: string;
  staff: { email: string; displayName: string };
  action: AuditAction;
  target: { userId: string; sessionHandle: string | null; tenantId: string | null };
  reason: string | null;
  runId?: string | null;
  /** Made through the API with this personal token. */
  viaApiToken?: { name: string } | null;
  outcome: { status: AuditOutcomeStatus } | null;
}

/** A bulk run's one row: its counts by outcome and how many per-session entries it stands for. */
export interface RunRowFacts {
  runId: string;
  progress: RunProgress;
  entries: number;
}

export const auditTime = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

const COLUMNS = 7;

/**
 * Audit entries, newest first; each row opens the entry's detail (before, after, patch). With `runs`, a
 * bulk run is one row that expands into its counts by outcome, with links to the run and to its
 * per-session entries.
 */
export function AuditTable({ entries, runs = {}, userContacts = {} }: { entries: AuditRow[]; runs?: Record<string, RunRowFacts>; userContacts?: Record<string, string> }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  if (entries.length === 0) return <p className="p-6 text-center text-sm text-slate-500">No audit entries match these filters.</p>;
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
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
        {entries.map((entry) => {
          const run = entry.action === RUN_ACTION && entry.runId ? runs[entry.runId] : undefined;
          const expanded = run !== undefined && open.has(entry.id);
          return (
            <Fragment key={entry.id}>
              <tr className="hover:bg-slate-50 dark:hover:bg-slate-800/50" data-entry={entry.id} data-run={run?.runId}>
                <td className="td">
                  <Link to={`/audit/${entry.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {auditTime(entry.createdAt)}
                  </Link>
                </td>
                <td className="td" title={entry.staff.email}>
                  {entry.staff.displayName}
                  {entry.viaApiToken ? <span className="block text-xs text-slate-500 dark:text-slate-400">via API token {entry.viaApiToken.name}</span> : null}
                </td>
                <td className="td">
                  {run ? (
                    <button
                      type="button"
                      className="inline-flex items-center gap-1.5 rounded font-medium text-slate-900 hover:text-indigo-700 dark:text-slate-100 dark:hover:text-indigo-300"
                      aria-expanded={expanded}
                      aria-controls={`run-${entry.id}`}
                      onClick={() => toggle(entry.id)}
                    >
                      <span aria-hidden className="inline-block w-3 text-slate-400">
                        {expanded ? "▾" : "▸"}
                      </span>
                      {ACTION_LABELS[entry.action]}
                    </button>
                  ) : (
                    (ACTION_LABELS[entry.action] ?? entry.action)
                  )}
                </td>
                <td className="td max-w-[16rem]">
                  <UserLink userId={entry.target.userId} contact={userContacts[entry.target.userId]} />
                </td>
                <td className="td max-w-[12rem] truncate">
                  {run ? (
                    <Link to={`/audit?run=${encodeURIComponent(run.runId)}`} className="text-indigo-700 hover:underline dark:text-indigo-300" data-testid="per-session-link">
                      {formatCount(run.progress.total)} {run.progress.total === 1 ? "session" : "sessions"}
                    </Link>
                  ) : (
                    <SessionLink userId={entry.target.userId} sessionHandle={entry.target.sessionHandle} />
                  )}
                </td>
                <td className="td max-w-[18rem] truncate" title={entry.reason ?? undefined}>
                  {entry.reason ?? <span className="text-slate-400">—</span>}
                </td>
                <td className="td">
                  <OutcomeBadge status={entry.outcome?.status ?? null} run={entry.action === RUN_ACTION} />
                </td>
              </tr>
              {run && expanded ? (
                <tr id={`run-${entry.id}`} className="bg-slate-50 dark:bg-slate-900/60" data-run-detail={run.runId}>
                  <td colSpan={COLUMNS} className="px-4 py-3">
                    <RunRollupDetail run={run} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

const DOT: Record<string, string> = {
  written: "bg-emerald-500",
  "already-so": "bg-sky-300 dark:bg-sky-700",
  ended: "bg-slate-400 dark:bg-slate-500",
  changed: "bg-amber-400",
  failed: "bg-rose-500",
  "not-attempted": "bg-slate-300 dark:bg-slate-600",
  pending: "bg-slate-200 dark:bg-slate-700",
};

function RunRollupDetail({ run }: { run: RunRowFacts }) {
  const { progress } = run;
  const counts = [...ITEM_OUTCOMES, "pending" as const].filter((outcome) => progress.outcomes[outcome] > 0);
  return (
    <div className="space-y-2 text-sm">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <p className="font-medium" data-testid="run-rollup-text">
          {progress.status === "planned" || progress.status === "planning" ? `${formatCount(progress.total)} sessions in the dry run` : describeProgress(progress)}
        </p>
        <div className="flex h-2 w-48 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800" aria-hidden>
          {outcomeSegments(progress).map((segment) => (
            <div key={segment.outcome} className={`h-full ${DOT[segment.outcome]}`} style={{ width: `${segment.percent}%` }} />
          ))}
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-slate-600 dark:text-slate-300" aria-label="Sessions by outcome">
          {counts.map((outcome) => (
            <li key={outcome} className="inline-flex items-center gap-1.5" data-outcome-count={outcome}>
              <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${DOT[outcome]}`} />
              {RUN_OUTCOME_LABELS[outcome]} <span className="font-semibold tabular-nums text-slate-900 dark:text-slate-100">{formatCount(progress.outcomes[outcome])}</span>
            </li>
          ))}
        </ul>
        <div className="ml-auto flex gap-2">
          <Link to={`/bulk/runs/${encodeURIComponent(run.runId)}`} className="btn btn-sm">
            Open the run
          </Link>
          <Link to={`/audit?run=${encodeURIComponent(run.runId)}`} className="btn btn-sm">
            {formatCount(run.entries)} per-session {run.entries === 1 ? "entry" : "entries"}
          </Link>
        </div>
      </div>
    </div>
  );
}

/** The user an entry is about: their email (when the core still knows them) over the id, both one link. */
export function UserLink({ userId, contact }: { userId: string; contact?: string }) {
  // A bulk run across users (app/bulk/cross-user) is about many users; its sessions' entries name each one.
  if (userId === "*") return <span className="text-slate-600 dark:text-slate-300">Many users</span>;
  return (
    <Link to={`/users/${encodeURIComponent(userId)}`} className="group block min-w-0 leading-tight" title={userId}>
      <span className="block truncate text-indigo-700 group-hover:underline dark:text-indigo-300">{contact ?? shortId(userId)}</span>
      {contact ? <span className="mono block truncate text-xs text-slate-500">{shortId(userId)}</span> : null}
    </Link>
  );
}

/** The session an entry is about, linked to its page (which says so when the session has ended since). */
export function SessionLink({ userId, sessionHandle }: { userId: string; sessionHandle: string | null }) {
  if (!sessionHandle) return <span className="text-slate-400">—</span>;
  return (
    <Link to={`/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(sessionHandle)}`} className="mono text-indigo-700 hover:underline dark:text-indigo-300" title={sessionHandle}>
      {shortId(sessionHandle)}
    </Link>
  );
}
