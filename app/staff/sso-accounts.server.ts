/**
 * Staff accounts of people who sign in through the identity provider. An SSO account is known by the
 * provider's issuer and the person's subject there (`sub`), never by email: an email can be renamed or
 * reused at the provider, a subject cannot.
 *
 * - first sign-in with a mapped role: the account is created (email and name from the claims);
 * - every sign-in: the role is derived again from the claim, and email and name follow the provider;
 * - no mapped role: refused, and no account is made (an existing one is left as it is, signed in nowhere);
 * - disabled in Session Desk: refused, whatever the provider says.
 * Creations and role changes are written to the record of staff changes (staff_events).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { getDb } from "~/db/db.server";
import type { StaffUsersTable } from "~/db/schema";
import { nowIso } from "./clock.server";
import { recordStaffEvent, roleChangeDetail } from "./events.server";
import { hashPassword } from "./password.server";
import type { StaffRole } from "./roles";
import { staffEmailSchema } from "./schemas.server";

export interface SsoIdentity {
  issuer: string;
  subject: string;
  /** Claims as the provider sent them: checked here. */
  email: unknown;
  displayName: unknown;
  /** The role the claim maps to (app/staff/sso-roles.ts), or null. */
  role: StaffRole | null;
  roleClaim: string;
  providerName: string;
}

export interface SsoRefusal {
  reason: "no-role" | "disabled" | "no-email" | "email-taken";
  status: number;
  title: string;
  message: string;
}

export type SsoAccountOutcome = { ok: true; staffId: string; created: boolean; role: StaffRole } | { ok: false; refusal: SsoRefusal };

/** Who made the change, in the record of staff changes: the provider's sign-in, not an admin. */
const actorFor = (identity: SsoIdentity) => `${identity.providerName} sign-in`;

function displayNameFrom(identity: SsoIdentity, email: string): string {
  const name = typeof identity.displayName === "string" ? identity.displayName.trim().slice(0, 100) : "";
  return name || (email.split("@")[0] ?? email);
}

const isUniqueViolation = (error: unknown) => /unique|duplicate/i.test(String(error));

export async function signInSsoAccount(identity: SsoIdentity): Promise<SsoAccountOutcome> {
  const db = getDb();
  const existing = await db
    .selectFrom("staff_users")
    .selectAll()
    .where("oidc_issuer", "=", identity.issuer)
    .where("oidc_subject", "=", identity.subject)
    .executeTakeFirst();

  // Disabled here wins over anything the provider says, and is checked first: a disabled person learns
  // nothing about their groups.
  if (existing && existing.disabled === 1) {
    return refused({
      reason: "disabled",
      status: 403,
      title: "Your Session Desk account is disabled",
      message: `${identity.providerName} signed you in as ${existing.email}, but a Session Desk admin has disabled this account. Ask an admin to enable it.`,
    });
  }
  if (identity.role === null) {
    return refused({
      reason: "no-role",
      status: 403,
      title: "No access to Session Desk",
      message: `${identity.providerName} signed you in, but none of your groups (the "${identity.roleClaim}" claim) gives access to Session Desk. Ask your administrator to add you to the right group, then sign in again. No account was made and nothing was signed in.`,
    });
  }
  const email = staffEmailSchema.safeParse(identity.email);
  if (!email.success) {
    return refused({
      reason: "no-email",
      status: 403,
      title: "No email address from the identity provider",
      message: `${identity.providerName} did not send a usable email address (the "email" claim), which Session Desk shows in the audit trail. Ask your administrator to release it to Session Desk (the "email" scope). Nothing was signed in.`,
    });
  }
  const displayName = displayNameFrom(identity, email.data);
  return existing ? updateOnSignIn(existing, identity, identity.role, email.data, displayName) : createOnFirstSignIn(identity, identity.role, email.data, displayName);
}

function refused(refusal: SsoRefusal): SsoAccountOutcome {
  return { ok: false, refusal };
}

function emailTaken(identity: SsoIdentity, email: string): SsoAccountOutcome {
  return refused({
    reason: "email-taken",
    status: 409,
    title: "This email already has a Session Desk account",
    message: `${email} already belongs to a Session Desk account that signs in with a password, so ${identity.providerName} cannot sign in to it. Nothing was signed in. A Session Desk admin can disable that account (and ask the CLI's operator to remove it) so that ${identity.providerName} sign-in can make yours.`,
  });
}

async function createOnFirstSignIn(identity: SsoIdentity, role: StaffRole, email: string, displayName: string): Promise<SsoAccountOutcome> {
  const db = getDb();
  const taken = await db.selectFrom("staff_users").select("id").where("email", "=", email).executeTakeFirst();
  if (taken) return emailTaken(identity, email);
  const at = nowIso();
  const row: StaffUsersTable = {
    id: randomUUID(),
    email,
    display_name: displayName,
    role,
    // The column is NOT NULL (migration 0007): the hash of a random password nobody ever sees, so the
    // password form can never open this account and costs as long for it as for any other.
    password_hash: await hashPassword(randomBytes(32).toString("base64url")),
    disabled: 0,
    demo: 0,
    created_at: at,
    updated_at: at,
    sign_in_method: "oidc",
    oidc_issuer: identity.issuer,
    oidc_subject: identity.subject,
    last_sign_in_at: null,
  };
  try {
    await db.insertInto("staff_users").values(row).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Two first sign-ins of the same person at once (two tabs): the other one made the account.
    const made = await db.selectFrom("staff_users").selectAll().where("oidc_issuer", "=", identity.issuer).where("oidc_subject", "=", identity.subject).executeTakeFirst();
    if (made) return made.disabled === 1 ? signInSsoAccount(identity) : { ok: true, staffId: made.id, created: false, role: made.role };
    return emailTaken(identity, email);
  }
  await recordStaffEvent({ actorEmail: actorFor(identity), action: "create", targetEmail: email, detail: `as ${role}, at their first sign-in` });
  return { ok: true, staffId: row.id, created: true, role };
}

async function updateOnSignIn(existing: StaffUsersTable, identity: SsoIdentity, role: StaffRole, email: string, displayName: string): Promise<SsoAccountOutcome> {
  const db = getDb();
  const changes: Partial<Pick<StaffUsersTable, "role" | "email" | "display_name" | "updated_at">> = {};
  if (existing.role !== role) changes.role = role;
  if (existing.display_name !== displayName) changes.display_name = displayName;
  if (existing.email !== email) {
    const taken = await db.selectFrom("staff_users").select("id").where("email", "=", email).where("id", "!=", existing.id).executeTakeFirst();
    // Another account has the new address: keep the old one rather than refuse a person the provider vouches for.
    if (!taken) changes.email = email;
  }
  if (Object.keys(changes).length === 0) return { ok: true, staffId: existing.id, created: false, role };
  changes.updated_at = nowIso();
  try {
    await db.updateTable("staff_users").set(changes).where("id", "=", existing.id).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The new email was taken a moment ago: apply the rest.
    delete changes.email;
    await db.updateTable("staff_users").set(changes).where("id", "=", existing.id).execute();
  }
  if (changes.role) {
    await recordStaffEvent({
      actorEmail: actorFor(identity),
      action: "set-role",
      targetEmail: changes.email ?? existing.email,
      detail: `${roleChangeDetail({ previousRole: existing.role, role })}, from their groups at sign-in`,
    });
  }
  return { ok: true, staffId: existing.id, created: false, role };
}
