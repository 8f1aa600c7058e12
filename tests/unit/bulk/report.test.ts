/**
 * A run's progress in words and as a bar split by outcome: a cancelled run reads as it is
 * ("669 written · 331 not attempted · cancelled"), never "100%", and its bar keeps the never-attempted
 * sessions apart.
 */
import { describe, expect, it } from "vitest";
import { attemptedCount, describeProgress, outcomeSegments } from "~/bulk/report";
import type { OutcomeCounts, RunProgress, RunStatus } from "~/bulk/types";

function progress(status: RunStatus, counts: Partial<OutcomeCounts>, total?: number): RunProgress {
  const outcomes: OutcomeCounts = { written: 0, "already-so": 0, ended: 0, changed: 0, failed: 0, "not-attempted": 0, "schema-refused": 0, pending: 0, ...counts };
  const sum = Object.values(outcomes).reduce((a, b) => a + b, 0);
  return {
    id: "r",
    status,
    total: total ?? sum,
    done: sum - outcomes.pending,
    plan: { "will-change": sum, "already-so": 0, ended: 0, error: 0, "schema-violation": 0 },
    outcomes,
    retries: 0,
  };
}

describe("describeProgress", () => {
  it("a cancelled run reads as it is, with no percentage", () => {
    const cancelled = progress("cancelled", { written: 669, "not-attempted": 331 });
    expect(describeProgress(cancelled)).toBe("669 written · 331 not attempted · cancelled");
    expect(describeProgress(cancelled)).not.toMatch(/%/);
    expect(attemptedCount(cancelled)).toBe(669);
  });

  it("a finished run lists every outcome it had, in report order, with thousands separators", () => {
    expect(describeProgress(progress("completed", { written: 9_990, "already-so": 6, failed: 4 }))).toBe("9,990 written · 6 already so · 4 failed · completed");
    expect(describeProgress(progress("completed", { changed: 1, ended: 2 }))).toBe("2 ended · 1 changed since preview · completed");
    expect(describeProgress(progress("completed", {}))).toBe("no sessions · completed");
  });

  it("a running run shows how far it is, rounded down so it never says 100% before the end", () => {
    expect(describeProgress(progress("running", { written: 412, pending: 588 }))).toBe("412 of 1,000 sessions done (41%)");
    expect(describeProgress(progress("running", { written: 999, pending: 1 }))).toBe("999 of 1,000 sessions done (99%)");
    expect(describeProgress(progress("cancelling", { written: 10, pending: 90 }))).toBe("10 of 100 sessions done (10%) · cancelling");
  });

  it("an interrupted run says how many have no outcome yet", () => {
    expect(describeProgress(progress("interrupted", { written: 300, failed: 2, pending: 698 }))).toBe("300 written · 2 failed · 698 without an outcome · interrupted");
  });
});

describe("outcomeSegments", () => {
  it("splits the bar by outcome; the never-attempted part is its own segment, pending is what is left", () => {
    expect(outcomeSegments(progress("cancelled", { written: 669, "not-attempted": 331 }))).toEqual([
      { outcome: "written", count: 669, percent: 66.9 },
      { outcome: "not-attempted", count: 331, percent: 33.1 },
    ]);
    const running = outcomeSegments(progress("running", { written: 25, failed: 25, pending: 50 }));
    expect(running.map((s) => [s.outcome, s.percent])).toEqual([["written", 25], ["failed", 25]]);
    expect(outcomeSegments(progress("completed", {}, 0))).toEqual([]);
  });
});
