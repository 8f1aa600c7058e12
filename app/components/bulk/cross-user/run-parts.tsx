import { Form, Link, useNavigation } from "@remix-run/react";
import type { CrossUserItemView } from "~/bulk/cross-user/store.server";
import { ENTRY_STATUS_LABELS, USER_VERDICT_LABELS, type ApprovalState, type EntryView, type UserReportRow, type UserVerdict } from "~/bulk/cross-user/types";
import { OUTCOME_WORDS } from "~/bulk/report";
import { ITEM_OUTCOMES, OUTCOME_LABELS, PLAN_LABELS, type ItemOutcome, type PlanVerdict, type RunProgress } from "~/bulk/types";
import { formatCount } from "~/utils/format";
import { IntentButton } from "../run-actions";

const n = (count: number, one: string, many = `${one}s`) => `${formatCount(count)} ${count === 1 ? one : many}`;

/** Four-eyes: who may approve, who did, or why this admin cannot. */
export function ApprovalPanel({ approval, total, canApprove, requestedBy, planned }: { approval: ApprovalState; total: number; canApprove: boolean; requestedBy: string; planned: boolean }) {
  const navigation = useNavigation();
  if (approval.status === "approved") {
    return (
      <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" data-testid="approval">
        Approved by {approval.approvedBy} at {approval.approvedAt?.slice(0, 19).replace("T", " ")} UTC (a second pair of eyes for runs of more than {formatCount(approval.threshold)} sessions).
      </p>
    );
  }
  if (approval.status !== "pending" || !planned) return null;
  return (
    <section aria-label="Approval" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="approval">
      <p className="font-medium">Waiting for a second admin’s approval</p>
      <p>
        This run would touch {n(total, "session")}, more than the {formatCount(approval.threshold)} one admin may apply alone. Another admin must review the dry run
        below and approve it; then any admin can apply it.
      </p>
      {canApprove ? (
        <Form method="post" className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="approve" />
          <div className="min-w-[16rem] flex-1">
            <label htmlFor="approval-note" className="label">
              Note for the audit trail (optional)
            </label>
            <input id="approval-note" name="note" className="input" maxLength={2000} placeholder="e.g. Checked against ticket #4521" />
          </div>
          <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" && navigation.formData?.get("intent") === "approve" ? "Approving…" : "Approve this run"}
          </button>
        </Form>
      ) : (
        <p className="font-medium" data-testid="cannot-approve">
          You made this dry run ({requestedBy}), so you cannot approve it: ask another admin.
        </p>
      )}
    </section>
  );
}

export function CrossUserRunActions({ progress, pendingApproval }: { progress: RunProgress; pendingApproval: boolean }) {
  const { status, plan, outcomes } = progress;
  switch (status) {
    case "planned":
      return (
        <div className="flex flex-wrap items-center gap-2">
          {plan["will-change"] > 0 ? (
            <IntentButton intent="apply" primary disabled={pendingApproval} label={pendingApproval ? "Apply — waiting for approval" : `Apply — write ${n(plan["will-change"], "session")}`} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-300">Nothing to write: no session would change.</p>
          )}
          <IntentButton intent="replan" label="Fresh dry run of the same users" />
        </div>
      );
    case "running":
      return <IntentButton intent="cancel" danger label="Cancel run" />;
    case "cancelling":
      return <p className="text-sm text-amber-800 dark:text-amber-200">Cancelling: writes in flight are finishing; the rest will be reported as not attempted.</p>;
    case "interrupted":
      return (
        <div className="space-y-2">
          <p className="text-sm text-violet-800 dark:text-violet-200">The server running this stopped before it finished; {n(outcomes.pending, "session has", "sessions have")} no outcome yet.</p>
          <div className="flex flex-wrap gap-2">
            <IntentButton intent="resume" primary label={`Resume the remaining ${n(outcomes.pending, "session")}`} />
            <IntentButton intent="cancel" label="Cancel the rest" />
          </div>
        </div>
      );
    case "planning":
      return <p className="text-sm text-amber-800 dark:text-amber-200">This dry run did not finish (the server stopped while making it). Start a new one.</p>;
    case "completed":
    case "cancelled":
      return <IntentButton intent="replan" label="Fresh dry run of the same users and change" />;
  }
}

/** Entries that matched no user, more than one, or were not an email, phone number or id. */
export function UnresolvedEntries({ entries, total }: { entries: EntryView[]; total: number }) {
  return (
    <section aria-labelledby="unresolved-heading" className="card overflow-x-auto border-amber-300 dark:border-amber-800">
      <h2 id="unresolved-heading" className="border-b border-slate-200 px-4 py-2 text-sm font-medium dark:border-slate-800">
        {n(total, "entry", "entries")} matched no user or more than one — left out of the run
      </h2>
      <table className="w-full">
        <thead className="border-b border-slate-200 dark:border-slate-800">
          <tr>
            <th scope="col" className="th">Entry</th>
            <th scope="col" className="th">What happened</th>
            <th scope="col" className="th">Users it matched</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {entries.map((entry) => (
            <tr key={entry.seq} data-entry={entry.input} data-status={entry.status}>
              <td className="td mono break-all">{entry.input}</td>
              <td className="td text-amber-800 dark:text-amber-200">{ENTRY_STATUS_LABELS[entry.status]}</td>
              <td className="td mono text-xs">
                {entry.candidates.length === 0
                  ? "—"
                  : entry.candidates.map((id) => (
                      <Link key={id} to={`/users/${encodeURIComponent(id)}`} className="mr-2 text-indigo-700 hover:underline dark:text-indigo-300">
                        {id}
                      </Link>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > entries.length ? <p className="px-4 py-2 text-xs text-slate-500">The first {formatCount(entries.length)} are shown; the CSV report lists them all.</p> : null}
    </section>
  );
}

const VERDICT_TONE: Partial<Record<UserVerdict, string>> = {
  written: "text-emerald-700 dark:text-emerald-300",
  failed: "text-rose-700 dark:text-rose-300",
  changed: "text-amber-700 dark:text-amber-300",
  "will-change": "text-indigo-700 dark:text-indigo-300",
};

function countsLine(row: UserReportRow, applied: boolean): string {
  if (!applied) return row.sessions === 0 ? "—" : `${formatCount(row.willChange)} of ${n(row.sessions, "session")} will change`;
  const parts = ITEM_OUTCOMES.filter((outcome) => row.outcomes[outcome] > 0).map((outcome) => `${formatCount(row.outcomes[outcome])} ${OUTCOME_WORDS[outcome as ItemOutcome] ?? outcome}`);
  if (row.outcomes.pending > 0) parts.push(`${formatCount(row.outcomes.pending)} pending`);
  return parts.join(" · ") || "—";
}

/** One line per user: their sessions and how they ended. */
export function UserReportTable({ rows, applied }: { rows: UserReportRow[]; applied: boolean }) {
  if (rows.length === 0) return <p className="p-6 text-center text-sm text-slate-500">No users matched.</p>;
  return (
    <table className="w-full">
      <thead className="border-b border-slate-200 dark:border-slate-800">
        <tr>
          <th scope="col" className="th">User</th>
          <th scope="col" className="th">Sessions</th>
          <th scope="col" className="th">{applied ? "Result" : "Dry run"}</th>
          <th scope="col" className="th">Sessions by outcome</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {rows.map((row) => (
          <tr key={row.seq} data-user={row.userId ?? ""} data-verdict={row.verdict}>
            <td className="td">
              <Link to={`/users/${encodeURIComponent(row.userId ?? "")}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                {row.label ?? row.userId}
              </Link>
              {row.input !== row.label ? <span className="mono block text-xs text-slate-500">{row.input}</span> : null}
            </td>
            <td className="td tabular-nums">{formatCount(row.sessions)}</td>
            <td className={`td font-medium ${VERDICT_TONE[row.verdict] ?? ""}`}>{USER_VERDICT_LABELS[row.verdict]}</td>
            <td className="td text-sm text-slate-600 dark:text-slate-300">{countsLine(row, applied)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The exact per-session report, each session with its user. */
export function CrossUserItemsTable({ items, applied }: { items: CrossUserItemView[]; applied: boolean }) {
  if (items.length === 0) return <p className="p-6 text-center text-sm text-slate-500">No sessions here.</p>;
  return (
    <table className="w-full">
      <thead className="border-b border-slate-200 dark:border-slate-800">
        <tr>
          <th scope="col" className="th">User</th>
          <th scope="col" className="th">Session</th>
          <th scope="col" className="th">Tenant</th>
          <th scope="col" className="th">Dry run</th>
          {applied ? <th scope="col" className="th">Outcome</th> : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {items.map((item) => (
          <tr key={item.seq} data-handle={item.sessionHandle} data-outcome={applied ? (item.outcome ?? "pending") : undefined} className="align-top">
            <td className="td">
              <Link to={`/users/${encodeURIComponent(item.userId ?? "")}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                {item.userLabel ?? item.userId}
              </Link>
            </td>
            <td className="td mono text-xs">
              <Link to={`/users/${encodeURIComponent(item.userId ?? "")}/sessions/${encodeURIComponent(item.sessionHandle)}`} className="hover:underline">
                {item.sessionHandle.slice(0, 18)}…
              </Link>
            </td>
            <td className="td mono text-xs">{item.tenantId ?? "—"}</td>
            <td className="td text-sm">
              {PLAN_LABELS[item.plan as PlanVerdict] ?? item.plan}
              {item.planError ? <span className="block text-xs text-slate-500">{item.planError}</span> : null}
            </td>
            {applied ? (
              <td className="td text-sm">
                {OUTCOME_LABELS[(item.outcome ?? "pending") as ItemOutcome | "pending"] ?? item.outcome}
                {item.attempts > 1 ? <span className="text-xs text-slate-500"> · {item.attempts} attempts</span> : null}
                {item.outcomeError ? <span className="block text-xs text-slate-500">{item.outcomeError}</span> : null}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
