import type { ChangeSummary } from "~/json";

const SYMBOL_STYLE: Record<string, string> = {
  "+": "text-emerald-700 dark:text-emerald-300",
  "~": "text-amber-700 dark:text-amber-300",
  "−": "text-rose-700 dark:text-rose-300",
};
const SYMBOL_NAME: Record<string, string> = { "+": "added", "~": "changed", "−": "removed" };

/** The structural summary from app/json: one line, then every change with its full path. Text only. */
export function ChangeSummaryView({ summary, label }: { summary: ChangeSummary; label: string }) {
  return (
    <section aria-label={label} className="space-y-2">
      <p className="text-sm font-medium" data-testid="change-summary">
        {summary.text}
      </p>
      {summary.items.length > 0 ? (
        <ul className="mono max-h-48 space-y-0.5 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-2 dark:border-slate-800 dark:bg-slate-950">
          {summary.items.map((item, index) => (
            <li key={index} className="flex gap-2">
              <span className={`w-3 shrink-0 font-bold ${SYMBOL_STYLE[item.symbol]}`} aria-label={SYMBOL_NAME[item.symbol]}>
                {item.symbol}
              </span>
              <span className="break-all">
                <span className="font-semibold">{item.path}</span> <span className="text-slate-600 dark:text-slate-400">{item.detail}</span>
              </span>
            </li>
          ))}
          {summary.count > summary.items.length ? <li className="text-slate-500">… and {summary.count - summary.items.length} more</li> : null}
        </ul>
      ) : null}
    </section>
  );
}
