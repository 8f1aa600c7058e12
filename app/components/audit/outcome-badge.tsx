import { OUTCOME_LABELS, type AuditOutcomeStatus } from "~/audit/types";

const tone: Record<AuditOutcomeStatus | "unknown", string> = {
  written: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  // Written, but another change replaced it right after: worth a second look, not a failure.
  overtaken: "bg-amber-50 text-amber-800 ring-1 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
  "already-so": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  "not-attempted": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  conflict: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  "session-gone": "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  failed: "bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-300",
  completed: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  cancelled: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  // Settled after the instance that began them stopped (see the entry's outcome text for why).
  "not-written": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  undetermined: "bg-amber-50 text-amber-800 ring-1 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
  // The session-data schema refused the change (app/schema): nothing was written.
  "schema-refused": "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  // Begun but never finished: the process stopped between the entry and the core's answer.
  unknown: "bg-violet-50 text-violet-700 ring-1 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-800",
};

/**
 * `run`: the entry stands for a bulk run, which has no outcome until it ends; until then it is "in
 * progress" (its own page says whether it is running or interrupted), not "outcome unknown".
 */
export function OutcomeBadge({ status, run = false }: { status: AuditOutcomeStatus | null; run?: boolean }) {
  if (status === null && run) {
    return (
      <span className="badge whitespace-nowrap bg-sky-50 text-sky-700 dark:bg-sky-950 dark:text-sky-300" data-outcome="in-progress">
        In progress
      </span>
    );
  }
  const key = status ?? "unknown";
  return (
    <span className={`badge whitespace-nowrap ${tone[key]}`} data-outcome={key}>
      {OUTCOME_LABELS[key]}
    </span>
  );
}
