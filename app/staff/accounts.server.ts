/**
 * Staff accounts in Session Desk's own database (never in SuperTokens: staff are not end users).
 * Used by the admin page, the `npm run staff` CLI and start-up (demo accounts).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { getDb } from "~/db/db.server";
import type { StaffUsersTable } from "~/db/schema";
import { nowIso } from "./clock.server";
import { generatePassword, hashPassword, PASSWORD_MAX_LENGTH } from "./password.server";
import { judgePassword } from "./password-strength.server";
import type { StaffRole, StaffUser } from "./roles";
import { newStaffSchema, staffRoleSchema } from "./schemas.server";

export interface StaffAccount extends StaffUser {
  disabled: boolean;
  demo: boolean;
  createdAt: string;
  /** How this person signs in: a password here, or the identity provider (`oidcIssuer` says which). */
  signInMethod: "password" | "oidc";
  oidcIssuer: string | null;
  lastSignInAt: string | null;
}

/** A problem the person can fix (duplicate email, last admin…): shown as is, never a 500. */
export class StaffAccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StaffAccountError";
  }
}

export type NewStaff = z.input<typeof newStaffSchema>;

export function toStaffAccount(row: StaffUsersTable): StaffAccount {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled === 1,
    demo: row.demo === 1,
    createdAt: row.created_at,
    signInMethod: row.sign_in_method,
    oidcIssuer: row.oidc_issuer,
    lastSignInAt: row.last_sign_in_at,
  };
}

/** The name shown when none was given: the part of the email before the @. */
function defaultDisplayName(email: string): string {
  return email.split("@")[0] ?? email;
}

/**
 * Creates an account. Without a password, one is generated and returned (shown once, never stored in
 * clear). `demo` accounts carry a published password and only work with the bundled core.
 */
export async function createStaffAccount(
  input: NewStaff,
  options: { demo?: boolean; allowShortPassword?: boolean } = {},
): Promise<{ account: StaffAccount; generatedPassword?: string }> {
  const parsed = options.allowShortPassword
    ? newStaffSchema.extend({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH).optional() }).parse(input)
    : newStaffSchema.parse(input);
  // Demo accounts have published passwords anyway; every other chosen password must be hard to guess.
  if (parsed.password && !options.allowShortPassword) {
    const verdict = judgePassword(parsed.password, { email: parsed.email, displayName: parsed.displayName });
    if (!verdict.ok) throw new StaffAccountError(verdict.message);
  }
  const generatedPassword = parsed.password ? undefined : generatePassword();
  const password = parsed.password ?? generatedPassword!;
  const db = getDb();
  const existing = await db.selectFrom("staff_users").select("id").where("email", "=", parsed.email).executeTakeFirst();
  if (existing) throw new StaffAccountError(`A staff account for ${parsed.email} already exists.`);
  const at = nowIso();
  const row: StaffUsersTable = {
    id: randomUUID(),
    email: parsed.email,
    display_name: parsed.displayName || defaultDisplayName(parsed.email),
    role: parsed.role,
    password_hash: await hashPassword(password),
    disabled: 0,
    demo: options.demo ? 1 : 0,
    created_at: at,
    updated_at: at,
    sign_in_method: "password",
    oidc_issuer: null,
    oidc_subject: null,
    last_sign_in_at: null,
  };
  try {
    await db.insertInto("staff_users").values(row).execute();
  } catch (error) {
    // Two creates of the same email at once: the unique index decides.
    if (/unique|duplicate/i.test(String(error))) throw new StaffAccountError(`A staff account for ${parsed.email} already exists.`);
    throw error;
  }
  return { account: toStaffAccount(row), generatedPassword };
}

export async function listStaffAccounts(): Promise<StaffAccount[]> {
  const rows = await getDb().selectFrom("staff_users").selectAll().orderBy("email").execute();
  return rows.map(toStaffAccount);
}

export async function findStaffByEmail(email: string): Promise<StaffAccount | undefined> {
  const row = await findStaffRowByEmail(email);
  return row ? toStaffAccount(row) : undefined;
}

/** The row with the password hash, for sign-in only. */
export async function findStaffRowByEmail(email: string): Promise<StaffUsersTable | undefined> {
  return getDb().selectFrom("staff_users").selectAll().where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
}

async function requireAccount(email: string): Promise<StaffUsersTable> {
  const row = await findStaffRowByEmail(email);
  if (!row) throw new StaffAccountError(`There is no staff account for ${email}.`);
  return row;
}

/**
 * Refuses a change that would leave no active admin: nobody could manage staff any more without
 * shell access to the server.
 */
async function assertAnotherActiveAdmin(exceptId: string): Promise<void> {
  const other = await getDb()
    .selectFrom("staff_users")
    .select("id")
    .where("role", "=", "admin")
    .where("disabled", "=", 0)
    .where("id", "!=", exceptId)
    .executeTakeFirst();
  if (!other) throw new StaffAccountError("At least one active admin must remain. Make someone else an admin first.");
}

/**
 * Changes an account's role and returns it with the role it had just before (`previousRole`), for the
 * record of staff changes. The update only applies if the role is still the one read, so two changes
 * at once each report the role they really replaced.
 */
export async function setStaffRole(email: string, role: StaffRole): Promise<StaffAccount & { previousRole: StaffRole }> {
  const parsedRole = staffRoleSchema.parse(role);
  for (let attempt = 1; ; attempt++) {
    const row = await requireAccount(email);
    // The provider's groups decide an SSO account's role at every sign-in: a change here would not last.
    if (row.sign_in_method === "oidc") {
      throw new StaffAccountError(`The role of ${row.email} comes from the identity provider's groups at each sign-in. Change it there, or disable the account here.`);
    }
    if (row.role === "admin" && parsedRole !== "admin" && row.disabled === 0) await assertAnotherActiveAdmin(row.id);
    const result = await getDb()
      .updateTable("staff_users")
      .set({ role: parsedRole, updated_at: nowIso() })
      .where("id", "=", row.id)
      .where("role", "=", row.role)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return { ...toStaffAccount({ ...row, role: parsedRole }), previousRole: row.role };
    if (attempt >= 5) throw new StaffAccountError(`The role of ${row.email} kept changing while this change was made; try again.`);
  }
}

/** Disables an account and ends its sessions at once (the guard also checks the flag on every request). */
export async function disableStaffAccount(email: string): Promise<StaffAccount> {
  const row = await requireAccount(email);
  if (row.role === "admin" && row.disabled === 0) await assertAnotherActiveAdmin(row.id);
  const db = getDb();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("staff_users").set({ disabled: 1, updated_at: nowIso() }).where("id", "=", row.id).execute();
    await trx.deleteFrom("staff_sessions").where("staff_id", "=", row.id).execute();
  });
  return toStaffAccount({ ...row, disabled: 1 });
}

export async function enableStaffAccount(email: string): Promise<StaffAccount> {
  const row = await requireAccount(email);
  await getDb().updateTable("staff_users").set({ disabled: 0, updated_at: nowIso() }).where("id", "=", row.id).execute();
  return toStaffAccount({ ...row, disabled: 0 });
}

/** True when at least one active admin exists (the login page explains how to create the first one otherwise). */
export async function hasActiveAdmin(): Promise<boolean> {
  const row = await getDb().selectFrom("staff_users").select("id").where("role", "=", "admin").where("disabled", "=", 0).where("demo", "=", 0).executeTakeFirst();
  return Boolean(row);
}
