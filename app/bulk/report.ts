/**
 * How a run's progress reads, in words and as a bar split by outcome (pure: the run page and its
 * tests share it). A run that ended early is never shown as done: a cancelled run reads
 * "669 written · 331 not attempted · cancelled", and its bar leaves the sessions never attempted as
 * their own hatched part instead of filling up to 100%.
 */
import { formatCount } from "~/utils/format";
import { ITEM_OUTCOMES, type ItemOutcome, type RunProgress } from "./types";

/** Outcomes as the report counts them, lower case for running text. */
export const OUTCOME_WORDS: Record<ItemOutcome, string> = {
  written: "written",
  "already-so": "already so",
  ended: "ended",
  changed: "changed since preview",
  failed: "failed",
  "schema-refused": "skipped by the schema",
  "not-attempted": "not attempted",
};

const STATUS_WORDS = { completed: "completed", cancelled: "cancelled", interrupted: "interrupted", cancelling: "cancelling", running: "running", planned: "not applied", planning: "not applied" } as const;

export interface OutcomeSegment {
  outcome: ItemOutcome;
  count: number;
  /** Share of all sessions in the run, 0–100. Segments plus the pending rest add up to 100. */
  percent: number;
}

/** The bar's parts, in report order, without empty ones; what is left is still pending. */
export function outcomeSegments(progress: Pick<RunProgress, "total" | "outcomes">): OutcomeSegment[] {
  if (progress.total === 0) return [];
  return ITEM_OUTCOMES.filter((outcome) => progress.outcomes[outcome] > 0).map((outcome) => ({
    outcome,
    count: progress.outcomes[outcome],
    percent: (progress.outcomes[outcome] / progress.total) * 100,
  }));
}

/** Sessions the run actually dealt with: done, less those it never attempted. */
export function attemptedCount(progress: Pick<RunProgress, "done" | "outcomes">): number {
  return progress.done - progress.outcomes["not-attempted"];
}

/**
 * One line for the run's state. While it runs: "412 of 1,000 sessions done (41%)". Once it stopped,
 * the counts as they are, then how it ended: "669 written · 331 not attempted · cancelled".
 */
export function describeProgress(progress: Pick<RunProgress, "status" | "total" | "done" | "outcomes">, options: { status?: boolean } = {}): string {
  const { status, total, done } = progress;
  if (status === "running" || status === "cancelling") {
    const percent = total === 0 ? 0 : Math.floor((done / total) * 100);
    return `${formatCount(done)} of ${formatCount(total)} ${total === 1 ? "session" : "sessions"} done (${percent}%)${status === "cancelling" ? " · cancelling" : ""}`;
  }
  const parts = ITEM_OUTCOMES.filter((outcome) => progress.outcomes[outcome] > 0).map((outcome) => `${formatCount(progress.outcomes[outcome])} ${OUTCOME_WORDS[outcome]}`);
  if (progress.outcomes.pending > 0) parts.push(`${formatCount(progress.outcomes.pending)} without an outcome`);
  if (parts.length === 0) parts.push("no sessions");
  return (options.status === false ? parts : [...parts, STATUS_WORDS[status]]).join(" · ");
}
