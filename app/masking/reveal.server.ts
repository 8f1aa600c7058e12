/**
 * "Reveal": one staff member sees one session's masked values for MASK_REVEAL_MINUTES. The grant is kept
 * server-side (the page never decides what it may show), needs a reason, and is an audit entry of its
 * own ("Reveal masked values") in the session's history and the audit trail. An expired grant simply
 * stops matching: every view is masked again on its next load.
 */
import { randomUUID } from "node:crypto";
import { beginAudit, finishAudit } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import { getDb } from "~/db/db.server";
import { now } from "~/staff/clock.server";
import type { StaffUser } from "~/staff/roles";

export interface RevealGrant {
  sessionHandle: string;
  expiresAt: string;
}

/** This staff member's grants that have not expired, by session handle. */
export async function activeRevealsFor(staffId: string): Promise<Map<string, RevealGrant>> {
  const rows = await getDb()
    .selectFrom("mask_reveals")
    .select(["session_handle", "expires_at"])
    .where("staff_id", "=", staffId)
    .where("expires_at", ">", now().toISOString())
    .execute();
  const grants = new Map<string, RevealGrant>();
  for (const row of rows) {
    const known = grants.get(row.session_handle);
    if (!known || known.expiresAt < row.expires_at) grants.set(row.session_handle, { sessionHandle: row.session_handle, expiresAt: row.expires_at });
  }
  return grants;
}

/**
 * Records the reveal (audit entry first, as every change is) and the grant. The caller has checked that
 * the session exists and belongs to `userId`, and that a reason was given.
 */
export async function revealSession(input: { staff: StaffUser; userId: string; sessionHandle: string; tenantId: string; reason: string }): Promise<RevealGrant> {
  const minutes = getConfig().MASK_REVEAL_MINUTES;
  const start = now();
  const expiresAt = new Date(start.getTime() + minutes * 60_000).toISOString();
  const entryId = await beginAudit({
    staff: input.staff,
    action: "reveal",
    target: { userId: input.userId, sessionHandle: input.sessionHandle, tenantId: input.tenantId },
    reason: input.reason,
    after: { revealedUntil: expiresAt, minutes },
  });
  try {
    await getDb()
      .insertInto("mask_reveals")
      .values({
        id: randomUUID(),
        staff_id: input.staff.id,
        session_handle: input.sessionHandle,
        user_id: input.userId,
        reason: input.reason,
        created_at: start.toISOString(),
        expires_at: expiresAt,
        audit_entry_id: entryId,
      })
      .execute();
  } catch (error) {
    await finishAudit(entryId, { status: "failed", error: `The grant could not be stored: ${error instanceof Error ? error.message : String(error)}` });
    throw error;
  }
  await finishAudit(entryId, { status: "completed" });
  return { sessionHandle: input.sessionHandle, expiresAt };
}

/** Ends this staff member's grant for a session before it runs out ("Mask again"). */
export async function endReveal(staffId: string, sessionHandle: string): Promise<number> {
  const at = now().toISOString();
  const result = await getDb()
    .updateTable("mask_reveals")
    .set({ expires_at: at })
    .where("staff_id", "=", staffId)
    .where("session_handle", "=", sessionHandle)
    .where("expires_at", ">", at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}
