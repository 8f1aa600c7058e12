/**
 * Bulk runs across users: the vocabulary shared by the server modules and the pages (pure, no I/O).
 * A cross-user run is a bulk run (app/bulk) whose items each name their user; everything a one-user
 * run guarantees comes from the same engine.
 */
import type { ItemOutcome } from "../types";

/** bulk_runs.user_id of a run across users (its items carry their own users); also its audit target. */
export const CROSS_USER_RUN = "*";

/** How staff chose the users. */
export type UserSource =
  | { by: "search"; q: string; tenant: string }
  | { by: "list"; entries: number; fileName?: string }
  | { by: "run"; runId: string };

export type EntryKind = "email" | "phone" | "id" | "search" | "run";
export type EntryStatus = "matched" | "unknown" | "ambiguous" | "duplicate" | "invalid";

export const ENTRY_STATUS_LABELS: Record<EntryStatus, string> = {
  matched: "Matched",
  unknown: "No user",
  ambiguous: "More than one user",
  duplicate: "Same user as an earlier entry",
  invalid: "Not an email, phone number or user id",
};

/** Entries that did not match exactly one user: the dry run lists them before anything else. */
export const UNRESOLVED_STATUSES = ["unknown", "ambiguous", "invalid"] as const satisfies readonly EntryStatus[];

export interface EntryView {
  seq: number;
  input: string;
  kind: EntryKind;
  status: EntryStatus;
  userId: string | null;
  label: string | null;
  candidates: string[];
  sessions: number;
}

/** One user's line of the report: how each of their sessions ended. */
export interface UserReportRow extends EntryView {
  outcomes: Record<ItemOutcome | "pending", number>;
  /** Sessions the dry run would change. */
  willChange: number;
  verdict: UserVerdict;
}

/** One word for a user's sessions, in the order a reader cares: anything wrong first. */
export type UserVerdict = "no-sessions" | "pending" | "failed" | "changed" | "not-attempted" | "written" | "already-so" | "ended" | "will-change";

export const USER_VERDICT_LABELS: Record<UserVerdict, string> = {
  "no-sessions": "No sessions",
  pending: "In progress",
  failed: "Failed",
  changed: "Changed since preview",
  "not-attempted": "Not attempted",
  written: "Written",
  "already-so": "Already so",
  ended: "Ended",
  "will-change": "Will change",
};

export function userVerdict(row: Pick<UserReportRow, "sessions" | "outcomes" | "willChange">, applied: boolean): UserVerdict {
  const o = row.outcomes;
  const total = Object.values(o).reduce((a, b) => a + b, 0);
  if (total === 0) return "no-sessions";
  if (!applied) return row.willChange > 0 ? "will-change" : "already-so";
  if (o.pending > 0) return "pending";
  for (const outcome of ["failed", "changed", "not-attempted", "written", "already-so", "ended"] as const) if (o[outcome] > 0) return outcome;
  return "already-so";
}

export interface ApprovalState {
  status: "pending" | "approved" | null;
  approvedBy: string | null;
  approvedAt: string | null;
  threshold: number;
}
