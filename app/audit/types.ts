/**
 * The audit trail's vocabulary, shared by the server module and the pages: no I/O and no zod here
 * (the schemas live in audit.server.ts and filters.server.ts), so page bundles stay small.
 */

export const AUDIT_ACTIONS = ["edit", "bulk-apply-run", "bulk-apply-item", "revoke", "revoke-all", "revert", "overwrite-after-conflict", "reveal", "bulk-run-approval"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** "overtaken": written, but the confirming re-read found another change landed right after it. */
/**
 * "not-written" and "undetermined" are only recorded when an entry left unfinished by a stopped instance
 * is settled from the core's state (app/sessions/settle-abandoned.server.ts); "written" may be too.
 */
export const AUDIT_OUTCOMES = ["written", "overtaken", "conflict", "session-gone", "failed", "already-so", "not-attempted", "completed", "cancelled", "not-written", "undetermined", "schema-refused"] as const;
export type AuditOutcomeStatus = (typeof AUDIT_OUTCOMES)[number];

export const ACTION_LABELS: Record<AuditAction, string> = {
  edit: "Edit",
  "bulk-apply-run": "Bulk apply run",
  "bulk-apply-item": "Bulk apply (one session)",
  revoke: "Revoke session",
  "revoke-all": "Revoke all sessions",
  revert: "Revert",
  "overwrite-after-conflict": "Overwrite after conflict",
  /** Masked values of one session shown to one staff member for a few minutes (app/masking/reveal.server.ts). */
  reveal: "Reveal masked values",
  /** A second admin let a large bulk run across users be applied (four-eyes, app/bulk/cross-user). */
  "bulk-run-approval": "Bulk run approved (four-eyes)",
};

export const OUTCOME_LABELS: Record<AuditOutcomeStatus | "unknown", string> = {
  written: "Written",
  overtaken: "Written, then overtaken",
  conflict: "Conflict — not written",
  "session-gone": "Session gone",
  failed: "Failed",
  "already-so": "Already so",
  "not-attempted": "Not attempted",
  completed: "Completed",
  cancelled: "Cancelled",
  "not-written": "Not written",
  undetermined: "Undetermined after a stop",
  "schema-refused": "Refused by the schema — not written",
  unknown: "Outcome unknown",
};

/** An entry that stands for a whole bulk run: begun when the run is applied, finished when it ends. */
export const RUN_ACTION: AuditAction = "bulk-apply-run";

export interface AuditTarget {
  userId: string;
  sessionHandle?: string;
  tenantId?: string;
}

export interface AuditOutcome {
  status: AuditOutcomeStatus;
  error: string | null;
  /** What was actually written, when it differs from the entry's intended `after`. */
  after: unknown;
  finishedAt: string;
}

export interface AuditEntry {
  id: string;
  createdAt: string;
  staff: { id: string; email: string; displayName: string; role: string };
  action: AuditAction;
  target: { userId: string; sessionHandle: string | null; tenantId: string | null };
  reason: string | null;
  before: unknown;
  after: unknown;
  patch: unknown[] | null;
  runId: string | null;
  revertOf: string | null;
  /** An admin wrote data the session-data schema refused: why, and the errors overridden (migration 0009). */
  schemaOverride?: { reason: string; schema: { id: string; version: number; name: string }; overridden: { path: string; message: string }[]; remaining: { path: string; message: string }[] } | null;
  /** The personal API token the change was made with ("via API token <name>"); null from the pages. */
  viaApiToken?: { id: string; name: string } | null;
  /** null: the entry was begun but never finished (e.g. a crash mid-call) — shown as "outcome unknown". */
  outcome: AuditOutcome | null;
}
