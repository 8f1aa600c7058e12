/**
 * Revert a change from the audit trail: build the inverse of the entry's patch and put it on top of the
 * session's data as it is NOW, so changes made after the entry (by the app, or other staff) survive.
 * When a later change touched the same places, we refuse with the clashing paths rather than undo it too.
 *
 * The review shows exactly what `planRevert` computes; the write goes through writeSessionData with the
 * fingerprint of the data the review was computed against, so the same conflict check applies. A revert
 * is itself an audited change with before/after/patch, so reverting a revert works the same way.
 */
import { getAuditEntry, type AuditEntry } from "~/audit/audit.server";
import { getSessionInfo } from "~/core/sessions.server";
import {
  canonicalJson,
  diffJson,
  fingerprint,
  invertPatch,
  isPlainObject,
  PatchError,
  rebase,
  summarizeChanges,
  type ChangeSummary,
  type JsonObject,
  type Operation,
} from "~/json";
import type { StaffUser } from "~/staff/roles";
import { sessionBelongsTo } from "./ownership.server";
import { pointerToKeyPath } from "./paths";
import { writeSessionData, type WriteOutcome } from "./write.server";

/** Actions whose entries carry before/after/patch of one session's data. */
export const REVERTIBLE_ACTIONS: ReadonlySet<string> = new Set(["edit", "revert", "overwrite-after-conflict", "bulk-apply-item"]);

/** Outcomes of a change that reached the core ("overtaken": written, then replaced by another change). */
export const isWrittenOutcome = (status: string | undefined): boolean => status === "written" || status === "overtaken";

export type RevertPlan =
  | {
      ok: true;
      entry: AuditEntry;
      userId: string;
      sessionHandle: string;
      /** The session's data now, and its fingerprint (the review's conflict check). */
      current: JsonObject;
      currentFingerprint: string;
      /** What the revert would write. */
      proposed: JsonObject;
      proposedFingerprint: string;
      /** The inverse of the entry's patch (RFC 6902), as recorded in the revert's own audit entry. */
      inverse: Operation[];
      summary: ChangeSummary;
    }
  | { ok: false; status: 400 | 404 | 409 | 410; reason: "not-found" | "not-revertible" | "session-gone" | "no-longer-applies" | "nothing-to-revert"; message: string; clashes?: string[] };

export async function planRevert(entryId: string): Promise<RevertPlan> {
  const entry = await getAuditEntry(entryId);
  if (!entry) return { ok: false, status: 404, reason: "not-found", message: "There is no audit entry with that id." };
  const sessionHandle = entry.target.sessionHandle;
  const { before, after, patch } = entry;
  if (!REVERTIBLE_ACTIONS.has(entry.action) || !sessionHandle || !isPlainObject(before) || !isPlainObject(after) || !Array.isArray(patch)) {
    return { ok: false, status: 400, reason: "not-revertible", message: "Only a change to one session's data can be reverted; this entry has no data change to undo." };
  }
  if (!isWrittenOutcome(entry.outcome?.status)) {
    const what = entry.outcome ? `its outcome was “${entry.outcome.status}”` : "its outcome was never recorded";
    return { ok: false, status: 400, reason: "not-revertible", message: `This change was not written (${what}), so there is nothing to revert.` };
  }

  let inverse: Operation[];
  try {
    inverse = invertPatch(before, patch as Operation[]);
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    return { ok: false, status: 400, reason: "not-revertible", message: `The entry's patch does not fit its own “before” data, so it cannot be inverted: ${error.message}` };
  }

  const session = await getSessionInfo(sessionHandle);
  if (!session) return { ok: false, status: 410, reason: "session-gone", message: "The session has ended or expired, so there is nothing to revert. Nothing was written." };
  // The entry names a user; the session must be theirs (an entry recorded under the wrong user, before
  // writes checked ownership, is not a way to change someone else's session). The write checks it again.
  if (!(await sessionBelongsTo(session, entry.target.userId))) {
    return { ok: false, status: 404, reason: "not-found", message: `The session of this entry does not belong to the user it names (${entry.target.userId}), so it cannot be reverted from here. Nothing was written.` };
  }
  const current = session.sessionDataInDatabase;

  // Three-way: the entry took the data from `before` to `after`; since then it went from `after` to
  // `current`. Undoing the entry = applying (after → before) on top of current, when no path overlaps.
  const merged = rebase(after, before, current);
  if (!merged.ok) {
    return {
      ok: false,
      status: 409,
      reason: "no-longer-applies",
      clashes: merged.clashes,
      message: `The revert no longer applies: the data changed at ${merged.clashes.map((pointer) => pointerToKeyPath(pointer, current)).join(", ")} after this change, and reverting would undo that too. Nothing was written; edit the session by hand instead.`,
    };
  }
  const proposed = merged.value as JsonObject;
  if (canonicalJson(proposed) === canonicalJson(current)) {
    return { ok: false, status: 409, reason: "nothing-to-revert", message: "Nothing to revert: the session already holds the data from before this change." };
  }
  return {
    ok: true,
    entry,
    userId: entry.target.userId,
    sessionHandle,
    current,
    currentFingerprint: fingerprint(current),
    proposed,
    proposedFingerprint: fingerprint(proposed),
    inverse,
    summary: summarizeChanges(diffJson(current, proposed)),
  };
}

export type RevertOutcome = WriteOutcome | { status: "refused"; plan: Extract<RevertPlan, { ok: false }> } | { status: "review-outdated" };

/**
 * Writes the revert the person reviewed. `expectedFingerprint` is the data the review was computed
 * against; `proposedFingerprint` is what the review showed would be written. If the plan computed now
 * differs, the review is outdated and nothing is written.
 */
export async function revertAuditEntry(input: {
  staff: StaffUser;
  entryId: string;
  expectedFingerprint: string;
  proposedFingerprint: string;
  reason?: string;
  /** An admin's override of the session-data schema, with its reason (app/schema/guard.server.ts). */
  schemaOverride?: { reason: string };
}): Promise<RevertOutcome> {
  const plan = await planRevert(input.entryId);
  if (!plan.ok) return { status: "refused", plan };
  // Computed from the same data, the plan is the same: a different result means the review was made
  // from something else (an old tab after a code change, a tampered form). Never write what nobody saw.
  if (plan.currentFingerprint === input.expectedFingerprint && plan.proposedFingerprint !== input.proposedFingerprint) {
    return { status: "review-outdated" };
  }
  // When the session changed since the review, writeSessionData answers "conflict" (and audits it).
  return writeSessionData({
    staff: input.staff,
    userId: plan.userId,
    sessionHandle: plan.sessionHandle,
    next: plan.proposed,
    expectedFingerprint: input.expectedFingerprint,
    reason: input.reason,
    action: "revert",
    revertOf: plan.entry.id,
    schemaOverride: input.schemaOverride,
  });
}
