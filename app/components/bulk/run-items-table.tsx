import { Link } from "@remix-run/react";
import { OUTCOME_LABELS, PLAN_LABELS, type RunItemView } from "~/bulk/types";

const SYMBOL_TONE: Record<string, string> = {
  "+": "text-emerald-700 dark:text-emerald-300",
  "~": "text-amber-700 dark:text-amber-300",
  "−": "text-rose-700 dark:text-rose-300",
};

const OUTCOME_TONE: Record<string, string> = {
  written: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  "already-so": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  ended: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  "not-attempted": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  changed: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  failed: "bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-300",
  "schema-refused": "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  pending: "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200",
};

/** The lines of a diff summary ("+ featureFlags.newCheckout true"). Text only (React escapes it). */
export function ChangeLines({ summary, label }: { summary: NonNullable<RunItemView["summary"]>; label: string }) {
  return (
    <ul className="mono space-y-0.5" aria-label={label}>
      {summary.items.map((change, index) => (
        <li key={index} className="whitespace-normal break-all">
          <span className={`font-bold ${SYMBOL_TONE[change.symbol] ?? ""}`}>{change.symbol}</span> <span className="font-semibold">{change.path}</span>{" "}
          <span className="text-slate-600 dark:text-slate-400">{change.detail}</span>
        </li>
      ))}
      {summary.count > summary.items.length ? <li className="text-slate-500">… and {summary.count - summary.items.length} more</li> : null}
    </ul>
  );
}

/** What the dry run said about sessions: the diff, or why nothing is written. */
export function PlanVerdictText({ plan, summary, note, label }: { plan: RunItemView["plan"]; summary: RunItemView["summary"]; note: string | null; label: string }) {
  if (plan === "error") return <span className="text-rose-700 dark:text-rose-300">{note}</span>;
  if (plan === "schema-violation") return <span className="text-amber-800 dark:text-amber-200" data-testid="schema-violation">{note}</span>;
  if (plan === "ended") return <span className="text-slate-500">The session had ended</span>;
  if (plan === "already-so" || !summary) return <span className="text-slate-500">{note ? `Left alone: ${note}` : "Already so — nothing to write"}</span>;
  return <ChangeLines summary={summary} label={label} />;
}

function PlanCell({ item }: { item: RunItemView }) {
  return <PlanVerdictText plan={item.plan} summary={item.summary} note={item.planError} label={`Diff of ${item.sessionHandle}`} />;
}

export function RunItemsTable({ userId, items, showOutcome }: { userId: string; items: RunItemView[]; showOutcome: boolean }) {
  if (items.length === 0) return <p className="p-6 text-center text-sm text-slate-500">No sessions here.</p>;
  return (
    <table className="w-full">
      <thead className="border-b border-slate-200 dark:border-slate-800">
        <tr>
          <th scope="col" className="th">
            Session
          </th>
          <th scope="col" className="th">
            Tenant
          </th>
          <th scope="col" className="th">
            Dry run
          </th>
          <th scope="col" className="th">
            Change
          </th>
          {showOutcome ? (
            <th scope="col" className="th">
              Outcome
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {items.map((item) => {
          const outcome = item.outcome ?? "pending";
          return (
            <tr key={item.seq} data-handle={item.sessionHandle} data-plan={item.plan} data-outcome={showOutcome ? outcome : undefined} className="align-top">
              <td className="td mono">
                <Link to={`/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(item.sessionHandle)}`} className="hover:underline">
                  {item.sessionHandle}
                </Link>
              </td>
              <td className="td mono">{item.tenantId ?? "—"}</td>
              <td className="td">{PLAN_LABELS[item.plan]}</td>
              <td className="td max-w-[32rem] whitespace-normal text-sm">
                <PlanCell item={item} />
              </td>
              {showOutcome ? (
                <td className="td max-w-[28rem] whitespace-normal">
                  <span className={`badge ${OUTCOME_TONE[outcome]}`}>{OUTCOME_LABELS[outcome]}</span>
                  {item.attempts > 1 ? <span className="ml-2 text-xs text-slate-500">{item.attempts} attempts</span> : null}
                  {item.auditEntryId ? (
                    <Link to={`/audit/${item.auditEntryId}`} className="ml-2 text-xs text-indigo-700 hover:underline dark:text-indigo-300">
                      audit entry
                    </Link>
                  ) : null}
                  {/* A dry-run error is already shown beside the change. */}
                  {item.outcomeError && item.outcomeError !== item.planError ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">{item.outcomeError}</p> : null}
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
