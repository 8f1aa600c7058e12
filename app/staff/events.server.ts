/**
 * Who changed which staff account, and how: an append-only record next to the audit trail (which is
 * about session data). Written by the staff page and by `npm run staff`; shown on the staff page.
 */
import { newAuditId } from "~/audit/ids.server";
import { getDb } from "~/db/db.server";
import { now } from "./clock.server";

export type StaffEventAction =
  | "create"
  | "set-role"
  | "disable"
  | "enable"
  | "api-token-create"
  | "api-token-revoke"
  // Two-step sign-in: set up, new recovery codes and turned off by the person; reset by an admin.
  | "totp-enrol"
  | "totp-recovery-codes"
  | "totp-disable"
  | "totp-reset"
  // The "require two-step sign-in" setting (target: REQUIRE_TOTP_TARGET; detail "on" or "off").
  | "require-totp";

/** The target of a setting's event: every password account, not one person. */
export const REQUIRE_TOTP_TARGET = "every password account";

export interface StaffEvent {
  id: string;
  at: string;
  /** null: made on the server with `npm run staff`. */
  actorEmail: string | null;
  action: StaffEventAction;
  targetEmail: string;
  detail: string | null;
}

/** The detail of a "set-role" event: the role replaced and the new one, e.g. "from editor to admin". */
export function roleChangeDetail(change: { previousRole: string; role: string }): string {
  return `from ${change.previousRole} to ${change.role}`;
}

export async function recordStaffEvent(event: { actorEmail: string | null; action: StaffEventAction; targetEmail: string; detail?: string }): Promise<void> {
  const at = now();
  await getDb()
    .insertInto("staff_events")
    .values({ id: newAuditId(at), at: at.toISOString(), actor_email: event.actorEmail, action: event.action, target_email: event.targetEmail, detail: event.detail ?? null })
    .execute();
}

export async function listStaffEvents(limit = 20): Promise<StaffEvent[]> {
  const rows = await getDb().selectFrom("staff_events").selectAll().orderBy("id", "desc").limit(limit).execute();
  return rows.map((row) => ({ id: row.id, at: row.at, actorEmail: row.actor_email, action: row.action as StaffEventAction, targetEmail: row.target_email, detail: row.detail }));
}
