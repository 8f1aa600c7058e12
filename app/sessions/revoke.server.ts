/**
 * Revoking sessions, audited. The audit entry is written before the core call and completed after it,
 * so a crash in between leaves a visible "outcome unknown" entry rather than silence.
 */
import { beginAudit, finishAudit } from "~/audit/audit.server";
import { describeCoreError } from "~/core/problems.server";
import { getSessionHandles, getSessionInfo, revokeAllSessionsOfUser, revokeSessionByHandle } from "~/core/sessions.server";
import type { StaffUser } from "~/staff/guard.server";
import { sessionBelongsTo } from "./ownership.server";
import { isSessionLockError, withSessionLock, withSessionLocks } from "./session-lock.server";
import { listUserSessions } from "./list.server";

/** "not-found": the session is not the named user's; nothing was revoked or audited. */
export type RevokeOutcome = { status: "revoked" } | { status: "gone" } | { status: "not-found" } | { status: "failed"; error: string };

type RevokeOneInput = { staff: StaffUser; userId: string; sessionHandle: string; reason?: string };

/**
 * Under the session's write lock (session-lock.server.ts), like every write: a revoke never lands in
 * the middle of another Session Desk write, and the data it records is the data it revoked.
 */
export async function revokeOneSession(input: RevokeOneInput): Promise<RevokeOutcome> {
  try {
    return await withSessionLock(input.sessionHandle, () => revokeLocked(input));
  } catch (error) {
    if (isSessionLockError(error)) return { status: "failed", error: error.message };
    throw error;
  }
}

async function revokeLocked(input: RevokeOneInput): Promise<RevokeOutcome> {
  const before = await getSessionInfo(input.sessionHandle);
  // A handle from the form must be this user's (linked accounts included); the entry names its real owner.
  if (before && !(await sessionBelongsTo(before, input.userId))) return { status: "not-found" };
  const entryId = await beginAudit({
    staff: input.staff,
    action: "revoke",
    target: { userId: before?.userId ?? input.userId, sessionHandle: input.sessionHandle, tenantId: before?.tenantId },
    reason: input.reason,
    before: before?.sessionDataInDatabase,
  });
  try {
    const revoked = await revokeSessionByHandle(input.sessionHandle);
    await finishAudit(entryId, revoked ? { status: "written" } : { status: "session-gone" });
    return revoked ? { status: "revoked" } : { status: "gone" };
  } catch (error) {
    const problem = describeCoreError(error instanceof Response ? new Error("No SuperTokens core available to query") : error);
    await finishAudit(entryId, { status: "failed", error: problem.cause });
    if (error instanceof Response) throw error;
    return { status: "failed", error: `${problem.cause} ${problem.advice}` };
  }
}

/**
 * Revokes every session of the user, recording each one's data first, as a single revoke does: the core
 * deletes the data with the session, so the audit entry is the only copy left. The sessions are read
 * with bounded concurrency (listUserSessions), then revoked in the core's one call. The entry's `before`
 * lists each session read (handle, tenant, data); its outcome lists the handles the core revoked, and
 * names any it revoked that had not been read (one created between the read and the revoke).
 */
export async function revokeEverySession(input: RevokeAllInput): Promise<RevokeAllOutcome> {
  // Each listed session's write lock is held through the read and the revoke, as for a single revoke,
  // so no Session Desk write to one of them is cut in half and the data recorded is the data revoked.
  // (A session created after this list is revoked without its lock: no Session Desk write can be under
  // way on it before its page could even list it.)
  const handles = await getSessionHandles(input.userId);
  // The number staff typed back is what they agreed to end; a different number now means the page
  // they confirmed on is out of date, and nothing is revoked (or audited: no change was attempted).
  if (input.confirmedCount !== undefined && input.confirmedCount !== handles.length) return { status: "count-changed", count: handles.length };
  try {
    return await withSessionLocks(handles, () => revokeEveryLocked(input));
  } catch (error) {
    if (isSessionLockError(error)) return { status: "failed", error: error.message };
    throw error;
  }
}

type RevokeAllInput = { staff: StaffUser; userId: string; reason?: string; /** The session count staff typed back to confirm. */ confirmedCount?: number };
type RevokeAllOutcome = { status: "revoked"; count: number } | { status: "count-changed"; count: number } | { status: "failed"; error: string };

async function revokeEveryLocked(input: RevokeAllInput): Promise<RevokeAllOutcome> {
  // Read before anything is attempted: an outage here is the outage page, and nothing was revoked.
  const { sessions } = await listUserSessions(input.userId);
  const entryId = await beginAudit({
    staff: input.staff,
    action: "revoke-all",
    target: { userId: input.userId },
    reason: input.reason,
    before: { sessions: sessions.map((session) => ({ sessionHandle: session.sessionHandle, tenantId: session.tenantId, sessionDataInDatabase: session.sessionDataInDatabase })) },
  });
  try {
    const handles = await revokeAllSessionsOfUser(input.userId);
    const read = new Set(sessions.map((session) => session.sessionHandle));
    const unread = handles.filter((handle) => !read.has(handle));
    await finishAudit(entryId, {
      status: "written",
      error: unread.length > 0 ? `${unread.length} revoked ${unread.length === 1 ? "session was" : "sessions were"} created after the data was read; ${unread.length === 1 ? "its" : "their"} data is not recorded.` : undefined,
      after: { revokedSessionHandles: handles, ...(unread.length > 0 ? { revokedWithoutRecordedData: unread } : {}) },
    });
    return { status: "revoked", count: handles.length };
  } catch (error) {
    const problem = describeCoreError(error instanceof Response ? new Error("No SuperTokens core available to query") : error);
    await finishAudit(entryId, { status: "failed", error: problem.cause });
    if (error instanceof Response) throw error;
    return { status: "failed", error: `${problem.cause} ${problem.advice}` };
  }
}
