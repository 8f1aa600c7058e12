/**
 * The vocabulary of bulk apply, shared by the server modules and the pages (pure, no I/O).
 */
import type { ChangeSummaryItem, PathSegment } from "~/json";

/** The change applied to every session in scope. Keys with "." or "/" are just strings in `path`. */
export type BulkOperation =
  | { kind: "set"; path: PathSegment[]; value: unknown }
  /** Set only where nothing is at the path: an existing value wins. */
  | { kind: "set-if-missing"; path: PathSegment[]; value: unknown }
  /** Shallow merge of an object into the object at the path (see app/bulk/operation.ts). */
  | { kind: "merge"; path: PathSegment[]; value: Record<string, unknown> }
  | { kind: "delete"; path: PathSegment[] };

export const OPERATION_KINDS = ["set", "set-if-missing", "merge", "delete"] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export type BulkScope = { kind: "all" } | { kind: "selected"; handles: string[] } | { kind: "tenant"; tenantId: string };

/** What the dry run found for one session. */
export const PLAN_VERDICTS = ["will-change", "already-so", "ended", "error", "schema-violation"] as const;
export type PlanVerdict = (typeof PLAN_VERDICTS)[number];

export const PLAN_LABELS: Record<PlanVerdict, string> = {
  "will-change": "Will change",
  "already-so": "Already so",
  ended: "Ended",
  error: "Cannot apply",
  /** The change would add errors to the session-data schema (app/schema): the run skips the session. */
  "schema-violation": "Would violate the schema",
};

/** How one session ended up in the run (the final report). */
export const ITEM_OUTCOMES = ["written", "already-so", "ended", "changed", "failed", "not-attempted", "schema-refused"] as const;
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];

export const OUTCOME_LABELS: Record<ItemOutcome | "pending", string> = {
  written: "Written",
  "already-so": "Already so",
  ended: "Ended",
  changed: "Changed since preview",
  failed: "Failed",
  "not-attempted": "Not attempted",
  "schema-refused": "Skipped: would violate the schema",
  pending: "Pending",
};

/** As stored; "interrupted" is what a running run whose owner stopped heartbeating is shown as. */
export type StoredRunStatus = "planning" | "planned" | "running" | "completed" | "cancelled";
export type RunStatus = StoredRunStatus | "cancelling" | "interrupted";

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  planning: "Dry run did not finish",
  planned: "Dry run — not applied",
  running: "Running",
  cancelling: "Cancelling",
  interrupted: "Interrupted",
  completed: "Completed",
  cancelled: "Cancelled",
};

export type RetryWhich = "failed" | "changed" | "not-attempted";

export type PlanCounts = Record<PlanVerdict, number>;
export type OutcomeCounts = Record<ItemOutcome | "pending", number>;

/** What the progress poll and the pages know about a run. */
export interface RunProgress {
  id: string;
  status: RunStatus;
  total: number;
  /** Items with an outcome. */
  done: number;
  plan: PlanCounts;
  outcomes: OutcomeCounts;
  /** Extra write attempts after transient core failures. */
  retries: number;
}

export interface RunSummary {
  id: string;
  userId: string;
  createdAt: string;
  staff: { email: string; displayName: string };
  operation: OperationKind;
  /** JSON Pointer, and the same path for people (featureFlags.beta, ["a.b"].c). */
  pointer: string;
  keyPath: string;
  valueJson: string | null;
  scope: "all" | "selected" | "tenant";
  tenantId: string | null;
  reason: string | null;
  parentRunId: string | null;
  retryOf: RetryWhich | null;
  plannedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  appliedBy: string | null;
  cancelRequestedBy: string | null;
  resumedCount: number;
  progress: RunProgress;
}

export interface RunItemView {
  seq: number;
  sessionHandle: string;
  tenantId: string | null;
  plan: PlanVerdict;
  planError: string | null;
  summary: { count: number; text: string; items: ChangeSummaryItem[] } | null;
  outcome: ItemOutcome | null;
  outcomeError: string | null;
  attempts: number;
  auditEntryId: string | null;
  /** Runs across users: whose session it is. */
  userId?: string;
}

/** Dry-run sessions with the same verdict and the same change (or the same reason to be left alone). */
export interface ChangeGroupView {
  /** The group's first session in run order: names the group in links (?group=…). */
  firstSeq: number;
  plan: PlanVerdict;
  count: number;
  summary: { count: number; text: string; items: ChangeSummaryItem[] } | null;
  /** Why its sessions cannot take the change, or why they are left alone. */
  note: string | null;
}

export const ITEMS_PAGE_SIZE = 50;

/** "set featureFlags.beta to true", "delete cartId": one line for lists and headings. */
export function describeChange(run: Pick<RunSummary, "operation" | "keyPath" | "valueJson">): string {
  if (run.operation === "delete") return `Delete ${run.keyPath}`;
  const text = run.valueJson ?? "null";
  const value = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  if (run.operation === "merge") return `Merge ${value} into ${run.keyPath}`;
  if (run.operation === "set-if-missing") return `Set ${run.keyPath} to ${value} where missing`;
  return `Set ${run.keyPath} to ${value}`;
}

/** What the "apply to sessions" form holds, as typed (kept on a validation error so nothing is lost). */
export interface ChangeFormValues {
  keyPath: string;
  operation: string;
  value: string;
  scope: string;
  tenantId: string;
  reason: string;
  /** Handles posted as fields (a few, e.g. from a test or a script)… */
  handles: string[];
  /** …or the id of a stored selection (app/bulk/selection.server.ts) and how many it holds. */
  selection: string;
  selectedCount: number;
}
