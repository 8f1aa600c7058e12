import { OUTCOME_LABELS, type AuditOutcomeStatus } from "~/audit/types";

const tone: Record<AuditOutcomeStatus | "unknown", string> = {
  written: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  "already-so": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  "not-attempted": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  conflict: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  "session-gone": "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  failed: "bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-300",
  // Begun but never finished: the process stopped between the entry and the core's answer.
  unknown: "bg-violet-50 text-violet-700 ring-1 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-800",
};

export function OutcomeBadge({ status }: { status: AuditOutcomeStatus | null }) {
  const key = status ?? "unknown";
  return (
    <span className={`badge whitespace-nowrap ${tone[key]}`} data-outcome={key}>
      {OUTCOME_LABELS[key]}
    </span>
  );
}
