/**
 * Demo mode's staff accounts: one per role, with published passwords (printed at start-up and shown on
 * the login page). They carry the `demo` flag, which the sign-in and the guard refuse unless the bundled
 * core is in use — so a data folder reused with a real core never lets these passwords in.
 */
import { getDb } from "~/db/db.server";
import { createStaffAccount } from "./accounts.server";
import { nowIso } from "./clock.server";
import type { StaffRole } from "./roles";

export interface DemoAccount {
  role: StaffRole;
  email: string;
  displayName: string;
  password: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { role: "viewer", email: "viewer@demo.session-desk.local", displayName: "Vera Viewer", password: "demo-viewer-password" },
  { role: "editor", email: "editor@demo.session-desk.local", displayName: "Eddie Editor", password: "demo-editor-password" },
  { role: "admin", email: "admin@demo.session-desk.local", displayName: "Ada Admin", password: "demo-admin-password" },
];

/** Creates the demo accounts that are missing (an admin may have changed their roles: left alone). */
export async function ensureDemoStaff(): Promise<DemoAccount[]> {
  const db = getDb();
  for (const account of DEMO_ACCOUNTS) {
    const existing = await db.selectFrom("staff_users").select("id").where("email", "=", account.email).executeTakeFirst();
    if (existing) continue;
    await createStaffAccount(
      { email: account.email, displayName: account.displayName, role: account.role, password: account.password },
      { demo: true, allowShortPassword: true },
    );
  }
  return [...DEMO_ACCOUNTS];
}

/**
 * With a real core, demo accounts are disabled and their sessions ended (they are refused anyway; this
 * makes it visible on the staff page). Returns how many were disabled now.
 */
export async function disableDemoStaff(): Promise<number> {
  const db = getDb();
  const demo = await db.selectFrom("staff_users").select("id").where("demo", "=", 1).where("disabled", "=", 0).execute();
  if (demo.length === 0) return 0;
  const ids = demo.map((row) => row.id);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("staff_users").set({ disabled: 1, updated_at: nowIso() }).where("id", "in", ids).execute();
    await trx.deleteFrom("staff_sessions").where("staff_id", "in", ids).execute();
  });
  return ids.length;
}
