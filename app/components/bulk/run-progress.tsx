import { Link, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { RunPace } from "~/bulk/engine.server";
import { attemptedCount, describeProgress, outcomeSegments, OUTCOME_WORDS } from "~/bulk/report";
import { ITEM_OUTCOMES, OUTCOME_LABELS, PLAN_LABELS, PLAN_VERDICTS, RUN_STATUS_LABELS, type ItemOutcome, type RunProgress, type RunStatus } from "~/bulk/types";

const LIVE: RunStatus[] = ["running", "cancelling"];
const POLL_MS = 500;
/**
 * While live, the page (report table, buttons) is reloaded when more sessions are done, at most this
 * often, so the rows keep up with the counts; and at once whenever the status changes.
 */
const REFRESH_MS = 1000;

const STATUS_TONE: Record<RunStatus, string> = {
  planning: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  planned: "bg-sky-50 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  running: "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200",
  cancelling: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  interrupted: "bg-violet-50 text-violet-700 ring-1 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-800",
  completed: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  cancelled: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`badge ${STATUS_TONE[status]}`} data-run-status={status}>
      {RUN_STATUS_LABELS[status]}
    </span>
  );
}

const OUTCOME_TONE: Record<string, string> = {
  written: "text-emerald-700 dark:text-emerald-300",
  failed: "text-rose-700 dark:text-rose-300",
  changed: "text-amber-700 dark:text-amber-300",
  "will-change": "text-indigo-700 dark:text-indigo-300",
  "schema-violation": "text-amber-700 dark:text-amber-300",
  "schema-refused": "text-amber-700 dark:text-amber-300",
  error: "text-rose-700 dark:text-rose-300",
};

/** The bar's colour per outcome; the tiles show the same colour as a dot, so the bar needs no legend. */
const SEGMENT_FILL: Record<ItemOutcome, string> = {
  written: "bg-emerald-500",
  "already-so": "bg-sky-300 dark:bg-sky-700",
  ended: "bg-slate-400 dark:bg-slate-500",
  changed: "bg-amber-400",
  failed: "bg-rose-500",
  "schema-refused": "bg-amber-600",
  "not-attempted": "bg-transparent",
};
const DOT_FILL: Record<ItemOutcome, string> = {
  written: "fill-emerald-500",
  "already-so": "fill-sky-300 dark:fill-sky-700",
  ended: "fill-slate-400 dark:fill-slate-500",
  changed: "fill-amber-400",
  failed: "fill-rose-500",
  "schema-refused": "fill-amber-600",
  "not-attempted": "",
};
/** Never attempted: hatched over the empty track, so it reads as "not done" rather than as a colour. */
const HATCHED = { backgroundImage: "repeating-linear-gradient(135deg, rgba(100,116,139,0.45) 0 3px, transparent 3px 7px)" };

/** A count that filters the list below when clicked. A zero is neutral: nothing to look at there. */
function Tile({ label, count, href, active, name, dot = false }: { label: string; count: number; href: string; active: boolean; name: string; dot?: boolean }) {
  const fill = dot ? SEGMENT_FILL[name as ItemOutcome] : undefined;
  return (
    <Link to={href} preventScrollReset className={`card block min-w-[8.5rem] px-3 py-2 hover:border-indigo-400 ${active ? "ring-2 ring-indigo-500" : ""}`} data-count={name} aria-current={active ? "true" : undefined}>
      <span className="flex items-center gap-1.5 text-xs uppercase tracking-wide text-slate-500">
        {/* The bar's colour for this outcome (an svg, so the label and the count stay the tile's two spans). */}
        {fill ? (
          <svg aria-hidden viewBox="0 0 8 8" className={`h-2 w-2 shrink-0 ${name === "not-attempted" ? "text-slate-400" : ""}`}>
            {name === "not-attempted" ? <circle cx="4" cy="4" r="3.25" fill="none" stroke="currentColor" strokeWidth="1.5" strokeDasharray="1.5 1.2" /> : <circle cx="4" cy="4" r="4" className={DOT_FILL[name as ItemOutcome]} />}
          </svg>
        ) : null}
        {label}
      </span>
      <span className={`block text-2xl font-semibold tabular-nums ${count > 0 ? (OUTCOME_TONE[name] ?? "") : "text-slate-400 dark:text-slate-500"}`}>{count.toLocaleString("en")}</span>
    </Link>
  );
}

/** The dry run's counts: will change / already so / ended / cannot apply. */
export function PlanCountTiles({ progress, show, hrefFor }: { progress: RunProgress; show: string; hrefFor: (show: string) => string }) {
  return (
    <div className="flex flex-wrap gap-2" aria-label="Dry run counts">
      {PLAN_VERDICTS.map((verdict) => (
        <Tile key={verdict} name={verdict} label={PLAN_LABELS[verdict]} count={progress.plan[verdict]} href={hrefFor(verdict)} active={show === verdict} />
      ))}
      <Tile name="all" label="All sessions" count={progress.total} href={hrefFor("all")} active={show === "all"} />
    </div>
  );
}

/**
 * The run's progress bar and counts, live: polls the progress resource while the run is going and
 * reloads the page when its status changes, so it works after a reload or when opened later.
 */
export function RunProgressView({ runId, initial, show, hrefFor }: { runId: string; initial: RunProgress; show: string; hrefFor: (show: string) => string }) {
  const [progress, setProgress] = useState(initial);
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => setProgress(initial), [initial]);
  const live = LIVE.includes(progress.status);
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let lastRefresh = Date.now();
    let shownDone = initial.done;
    const poll = async () => {
      try {
        const response = await fetch(`/bulk/runs/${runId}/progress`, { headers: { Accept: "application/json" } });
        if (!response.ok || stopped) return;
        const next = (await response.json()) as RunProgress;
        setProgress(next);
        if (next.status !== initial.status || (next.done !== shownDone && Date.now() - lastRefresh >= REFRESH_MS)) {
          lastRefresh = Date.now();
          shownDone = next.done;
          revalidate.current();
        }
      } catch {
        // A missed poll (network blip, server restart) is retried on the next tick.
      }
    };
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [live, runId, initial.status, initial.done]);
  const text = describeProgress(progress);
  const segments = outcomeSegments(progress);
  const pace = (progress as RunProgress & { pace?: RunPace | null }).pace;
  return (
    <section aria-label="Run progress" className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <RunStatusBadge status={progress.status} />
        <span className="tabular-nums" data-testid="progress-text">
          {text}
        </span>
        <span className="text-slate-500" data-testid="retries">
          {progress.retries} {progress.retries === 1 ? "retry" : "retries"} after transient core failures
        </span>
        {live && pace ? <RunPaceText pace={pace} /> : null}
      </div>
      {/* The value is what the run dealt with: sessions it never attempted do not count as done. */}
      <div
        role="progressbar"
        aria-label="Sessions done"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={attemptedCount(progress)}
        aria-valuetext={text}
        className="flex h-3 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        {segments.map((segment) => (
          <div
            key={segment.outcome}
            data-segment={segment.outcome}
            title={`${segment.count.toLocaleString("en")} ${OUTCOME_WORDS[segment.outcome]}`}
            className={`h-full transition-[width] duration-300 ${SEGMENT_FILL[segment.outcome]}`}
            style={{ width: `${segment.percent}%`, ...(segment.outcome === "not-attempted" ? HATCHED : {}) }}
          />
        ))}
      </div>
      <div className="flex flex-wrap gap-2" aria-label="Outcome counts">
        {ITEM_OUTCOMES.map((outcome) => (
          <Tile key={outcome} name={outcome} dot label={OUTCOME_LABELS[outcome]} count={progress.outcomes[outcome]} href={hrefFor(outcome)} active={show === outcome} />
        ))}
        <Tile name="pending" label={OUTCOME_LABELS.pending} count={progress.outcomes.pending} href={hrefFor("pending")} active={show === "pending"} />
        <Tile name="all" label="All sessions" count={progress.total} href={hrefFor("all")} active={show === "all"} />
      </div>
    </section>
  );
}

/**
 * How fast the run goes and how hard it leans on the core: the concurrency adapts to the core's answers
 * (app/bulk/adaptive-limit.ts), so a support person can see a run backing off a busy core.
 */
function RunPaceText({ pace }: { pace: RunPace }) {
  const rate = pace.sessionsPerSecond >= 10 ? Math.round(pace.sessionsPerSecond).toLocaleString("en-US") : pace.sessionsPerSecond.toFixed(1);
  return (
    <span className="tabular-nums text-slate-500" data-testid="run-pace" title={`The run adapts how many requests it has at the core at once to the core's answers, up to ${pace.ceiling}.`}>
      {rate} sessions/s · {pace.inFlight} requests at the core · pace limit {pace.concurrency} of {pace.ceiling}
      {pace.instances > 1 ? ` · shared by ${pace.instances} instances` : null}
    </span>
  );
}
