/**
 * The latest audit entries of one session, shaped for the session page (what changed, by whom, and
 * whether it can be reverted from here).
 */
import { queryAudit } from "~/audit/audit.server";
import type { AuditAction, AuditOutcomeStatus } from "~/audit/types";
import { diffJson, isPlainObject, summarizeChanges } from "~/json";
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

export async function listSessionHistory(sessionHandle: string, limit = 8): Promise<SessionHistoryItem[]> {
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
      summary: dataChange ? summarizeChanges(diffJson(entry.before, entry.after), { maxItems: 4 }).text : null,
      revertible: dataChange && isWrittenOutcome(entry.outcome?.status) && Array.isArray(entry.patch),
    };
  });
}
