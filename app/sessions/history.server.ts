/**
 * The latest audit entries of one session, shaped for the session page (what changed, by whom, and
 * whether it can be reverted from here).
 */
import { queryAudit } from "~/audit/audit.server";
import type { AuditAction, AuditOutcomeStatus } from "~/audit/types";
import { diffJson, fingerprint, isPlainObject, summarizeChanges } from "~/json";
import { isWrittenOutcome } from "./revert.server";

export interface SessionHistoryItem {
  id: string;
  createdAt: string;
  action: AuditAction;
  staffName: string;
  reason: string | null;
  outcome: AuditOutcomeStatus | null;
  /** "2 changes: + plan, ~ seats 5 → 10" for data changes; null for revokes. */
  summary: string | null;
  revertible: boolean;
}

const DATA_ACTIONS = new Set<AuditAction>(["edit", "revert", "overwrite-after-conflict", "bulk-apply-item"]);

/** `view` hides what the reader may not see (app/masking: a masked staff member's lens on this session). */
export async function listSessionHistory(sessionHandle: string, limit = 8, view?: { show<T>(data: T): T }): Promise<SessionHistoryItem[]> {
  const page = await queryAudit({ session: sessionHandle, pageSize: limit });
  return page.entries.map((entry) => {
    const dataChange = DATA_ACTIONS.has(entry.action) && isPlainObject(entry.before) && isPlainObject(entry.after);
    return {
      id: entry.id,
      createdAt: entry.createdAt,
      action: entry.action,
      staffName: entry.staff.displayName || entry.staff.email,
      reason: entry.reason,
      outcome: entry.outcome?.status ?? null,
      summary: dataChange ? summarizeChanges(diffJson(view ? view.show(entry.before) : entry.before, view ? view.show(entry.after) : entry.after), { maxItems: 4 }).text : null,
      revertible: dataChange && isWrittenOutcome(entry.outcome?.status) && Array.isArray(entry.patch),
    };
  });
}

/** Who made the change a conflict ran into, when the audit trail knows (it came through Session Desk). */
export interface ConflictingChange {
  entryId: string;
  staffName: string;
  staffEmail: string;
  /** ISO time the change was made. */
  at: string;
  action: AuditAction;
}

/**
 * The Session Desk write that left the session holding `theirsFingerprint`, if one did: the newest
 * entry of this session whose written result has that fingerprint. None means the change came from
 * somewhere else (the customer's app, the user's own device); the core records no author or time for it.
 */
export async function findConflictingChange(sessionHandle: string, theirsFingerprint: string): Promise<ConflictingChange | null> {
  const page = await queryAudit({ session: sessionHandle, pageSize: 50 });
  for (const entry of page.entries) {
    if (!DATA_ACTIONS.has(entry.action) || !isWrittenOutcome(entry.outcome?.status)) continue;
    const result = entry.outcome?.after ?? entry.after;
    if (isPlainObject(result) && fingerprint(result) === theirsFingerprint) {
      return { entryId: entry.id, staffName: entry.staff.displayName || entry.staff.email, staffEmail: entry.staff.email, at: entry.outcome?.finishedAt ?? entry.createdAt, action: entry.action };
    }
  }
  return null;
}
