/**
 * Staff roles, least power first. Shared by server and pages: no I/O and no zod here, so the pages'
 * browser bundles stay small (the input schemas live in schemas.server.ts).
 * - viewer: reads everything, changes nothing
 * - editor: also edits one session's data and revokes one session
 * - admin: also bulk operations, revoke all of a user's sessions, revert from the audit trail, manage staff
 */
export const STAFF_ROLES = ["viewer", "editor", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === "string" && (STAFF_ROLES as readonly string[]).includes(value);
}

export const ROLE_DESCRIPTIONS: Record<StaffRole, string> = {
  viewer: "Reads everything, changes nothing",
  editor: "Edits and revokes one session at a time",
  admin: "Bulk changes, revoke all, revert, manage staff",
};

/** True when `role` carries at least the power of `minimum`. */
export function hasRole(role: StaffRole, minimum: StaffRole): boolean {
  return STAFF_ROLES.indexOf(role) >= STAFF_ROLES.indexOf(minimum);
}

/** A signed-in staff member as loaders and actions see them. */
export interface StaffUser {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  /** Set when the request came with a personal API token (app/api): the audit trail says "via API token <name>". */
  apiToken?: { id: string; name: string };
}
