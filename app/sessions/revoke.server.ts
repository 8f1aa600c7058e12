/**
 * Revoking sessions, audited. The audit entry is written before the core call and completed after it,
 * so a crash in between leaves a visible "outcome unknown" entry rather than silence.
 */
import { beginAudit, finishAudit } from "~/audit/audit.server";
import { describeCoreError } from "~/core/problems.server";
import { getSessionInfo, revokeAllSessionsOfUser, revokeSessionByHandle } from "~/core/sessions.server";
import type { StaffUser } from "~/staff/guard.server";

export type RevokeOutcome = { status: "revoked" } | { status: "gone" } | { status: "failed"; error: string };

export async function revokeOneSession(input: { staff: StaffUser; userId: string; sessionHandle: string; reason?: string }): Promise<RevokeOutcome> {
  const before = await getSessionInfo(input.sessionHandle);
  const entryId = await beginAudit({
    staff: input.staff,
    action: "revoke",
    target: { userId: input.userId, sessionHandle: input.sessionHandle, tenantId: before?.tenantId },
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

export async function revokeEverySession(input: { staff: StaffUser; userId: string; reason?: string }): Promise<{ status: "revoked"; count: number } | { status: "failed"; error: string }> {
  const entryId = await beginAudit({ staff: input.staff, action: "revoke-all", target: { userId: input.userId }, reason: input.reason });
  try {
    const handles = await revokeAllSessionsOfUser(input.userId);
    await finishAudit(entryId, { status: "written", after: { revokedSessionHandles: handles } });
    return { status: "revoked", count: handles.length };
  } catch (error) {
    const problem = describeCoreError(error instanceof Response ? new Error("No SuperTokens core available to query") : error);
    await finishAudit(entryId, { status: "failed", error: problem.cause });
    if (error instanceof Response) throw error;
    return { status: "failed", error: `${problem.cause} ${problem.advice}` };
  }
}
