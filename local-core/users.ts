// The account-linking-aware user model shared by every auth recipe (cdi-contract.md §4.1):
// recipe users ("login methods") point at a primary-or-recipe user id; a user object is built by
// gathering every login method that shares that id.

import { randomUUID } from "node:crypto";
import libphonenumber from "google-libphonenumber";
import type { DB } from "./store.js";
import { javaHashSetOrder } from "./java-order.js";

export type RecipeId = "emailpassword" | "thirdparty" | "passwordless" | "webauthn";

export interface LoginMethodRow {
  user_id: string;
  recipe_id: RecipeId;
  email: string | null;
  phone_number: string | null;
  third_party_id: string | null;
  third_party_user_id: string | null;
  password_hash: string | null;
  time_joined: number;
  primary_or_recipe_user_id: string;
  is_linked_or_is_a_primary_user: number;
}

export interface LoginMethodJson {
  tenantIds: string[];
  recipeUserId: string;
  verified: boolean;
  timeJoined: number;
  recipeId: RecipeId;
  email?: string;
  phoneNumber?: string;
  thirdParty?: { id: string; userId: string };
}

export interface UserJson {
  id: string;
  isPrimaryUser: boolean;
  tenantIds: string[];
  timeJoined: number;
  emails: string[];
  phoneNumbers: string[];
  thirdParty: Array<{ id: string; userId: string }>;
  webauthn: { credentialIds: string[] };
  loginMethods: LoginMethodJson[];
}

/** `Utils.normaliseEmail`: trim + lower-case (no format check). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * `Utils.normalizeIfPhoneNumber`: the core parses the trimmed input with Google's libphonenumber for the
 * unknown region "ZZ" (so only international numbers parse) and formats it as E.164; input that does not
 * parse is kept, trimmed. google-libphonenumber is the JavaScript build of that same library, so
 * "+44 (0)20 7183 8750", "tel:+44-20-7183-8750" and "+44 20 7183 8750 ext. 5" all become "+442071838750",
 * while "+999 123 456" (no such country code) stays as typed.
 */
const { PhoneNumberFormat } = libphonenumber;
const phoneUtil = libphonenumber.PhoneNumberUtil.getInstance();

export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  try {
    return phoneUtil.format(phoneUtil.parse(trimmed, "ZZ"), PhoneNumberFormat.E164);
  } catch {
    return trimmed;
  }
}

const LM_SELECT = `
  SELECT l.user_id, l.recipe_id, l.email, l.phone_number, l.third_party_id, l.third_party_user_id,
         l.password_hash, l.time_joined, a.primary_or_recipe_user_id, a.is_linked_or_is_a_primary_user
  FROM login_methods l JOIN app_id_to_user_id a ON a.user_id = l.user_id`;

export function loginMethod(db: DB, recipeUserId: string): LoginMethodRow | undefined {
  return db.prepare(`${LM_SELECT} WHERE l.user_id = ?`).get(recipeUserId) as LoginMethodRow | undefined;
}

export function loginMethodsOf(db: DB, primaryId: string): LoginMethodRow[] {
  return db.prepare(`${LM_SELECT} WHERE a.primary_or_recipe_user_id = ?`).all(primaryId) as LoginMethodRow[];
}

/** The primary-or-recipe user id a recipe user id belongs to (undefined: no such user). */
export function primaryIdOf(db: DB, userId: string): string | undefined {
  const row = db.prepare("SELECT primary_or_recipe_user_id AS p FROM app_id_to_user_id WHERE user_id = ?").get(userId) as
    | { p: string }
    | undefined;
  if (row) return row.p;
  // A primary id whose own login method was deleted is still a user id while others link to it.
  const linked = db.prepare("SELECT 1 FROM app_id_to_user_id WHERE primary_or_recipe_user_id = ? LIMIT 1").get(userId);
  return linked ? userId : undefined;
}

export function tenantsOf(db: DB, recipeUserId: string): string[] {
  return (
    db.prepare("SELECT tenant_id FROM all_auth_recipe_users WHERE user_id = ? ORDER BY rowid").all(recipeUserId) as Array<{
      tenant_id: string;
    }>
  ).map((r) => r.tenant_id);
}

export function isEmailVerified(db: DB, recipeUserId: string, email: string | null): boolean {
  if (email === null) return false;
  return (
    db.prepare("SELECT 1 FROM emailverification_verified_emails WHERE user_id = ? AND email = ?").get(recipeUserId, email) !==
    undefined
  );
}

export function markEmailVerified(db: DB, recipeUserId: string, email: string): void {
  db.prepare("INSERT OR IGNORE INTO emailverification_verified_emails (user_id, email) VALUES (?, ?)").run(recipeUserId, email);
}

function loginMethodJson(db: DB, lm: LoginMethodRow): LoginMethodJson {
  const json: LoginMethodJson = {
    tenantIds: javaHashSetOrder(tenantsOf(db, lm.user_id)),
    recipeUserId: lm.user_id,
    verified: isEmailVerified(db, lm.user_id, lm.email),
    timeJoined: lm.time_joined,
    recipeId: lm.recipe_id,
  };
  if (lm.email !== null) json.email = lm.email;
  if (lm.phone_number !== null) json.phoneNumber = lm.phone_number;
  if (lm.third_party_id !== null && lm.third_party_user_id !== null) {
    json.thirdParty = { id: lm.third_party_id, userId: lm.third_party_user_id };
  }
  return json;
}

/** Build the user object for a primary-or-recipe user id (§4.1). */
export function buildUser(db: DB, primaryId: string): UserJson | undefined {
  const rows = loginMethodsOf(db, primaryId);
  if (rows.length === 0) return undefined;
  // Stable sort by timeJoined, as AuthRecipeUserInfo.addLoginMethod does.
  const methods = rows.map((r) => loginMethodJson(db, r)).sort((a, b) => a.timeJoined - b.timeJoined);
  const uniq = <T>(xs: T[], key: (x: T) => string) => {
    const seen = new Map<string, T>();
    for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
    return [...seen.values()];
  };
  // tenantIds, emails and phoneNumbers are Java HashSets in the core: keep their iteration order.
  return {
    id: primaryId,
    isPrimaryUser: rows.some((r) => r.is_linked_or_is_a_primary_user === 1),
    tenantIds: javaHashSetOrder(methods.flatMap((m) => m.tenantIds)),
    timeJoined: Math.min(...methods.map((m) => m.timeJoined)),
    emails: javaHashSetOrder(methods.flatMap((m) => (m.email ? [m.email] : []))),
    phoneNumbers: javaHashSetOrder(methods.flatMap((m) => (m.phoneNumber ? [m.phoneNumber] : []))),
    thirdParty: uniq(
      methods.flatMap((m) => (m.thirdParty ? [m.thirdParty] : [])),
      (t) => `${t.id}\u0000${t.userId}`,
    ),
    webauthn: { credentialIds: [] },
    loginMethods: methods,
  };
}

/** GET /user/id semantics: a recipe id of a linked account yields its primary user. */
export function getUserById(db: DB, userId: string): UserJson | undefined {
  const primary = primaryIdOf(db, userId);
  return primary === undefined ? undefined : buildUser(db, primary);
}

export interface NewRecipeUser {
  recipeId: RecipeId;
  tenantId: string;
  email?: string | null;
  phoneNumber?: string | null;
  thirdPartyId?: string | null;
  thirdPartyUserId?: string | null;
  passwordHash?: string | null;
  timeJoined: number;
}

export function createRecipeUser(db: DB, u: NewRecipeUser): string {
  const id = randomUUID();
  db.prepare(
    `INSERT INTO login_methods (user_id, recipe_id, email, phone_number, third_party_id, third_party_user_id, password_hash, time_joined)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    u.recipeId,
    u.email ?? null,
    u.phoneNumber ?? null,
    u.thirdPartyId ?? null,
    u.thirdPartyUserId ?? null,
    u.passwordHash ?? null,
    u.timeJoined,
  );
  db.prepare(
    "INSERT INTO app_id_to_user_id (user_id, recipe_id, primary_or_recipe_user_id, is_linked_or_is_a_primary_user) VALUES (?, ?, ?, 0)",
  ).run(id, u.recipeId, id);
  db.prepare(
    `INSERT INTO all_auth_recipe_users (tenant_id, user_id, primary_or_recipe_user_id, is_linked_or_is_a_primary_user, recipe_id, time_joined, primary_or_recipe_user_time_joined)
     VALUES (?, ?, ?, 0, ?, ?, ?)`,
  ).run(u.tenantId, id, id, u.recipeId, u.timeJoined, u.timeJoined);
  return id;
}

/** Recipe users of a tenant matching a predicate on login_methods (used for uniqueness checks). */
export function loginMethodsInTenant(db: DB, tenantId: string, where: string, ...params: unknown[]): LoginMethodRow[] {
  return db
    .prepare(
      `${LM_SELECT} JOIN all_auth_recipe_users t ON t.user_id = l.user_id AND t.tenant_id = ? WHERE ${where}`,
    )
    .all(tenantId, ...params) as LoginMethodRow[];
}

/** Delete a recipe user (one login method) and, when nothing links to it any more, its primary id's data. */
export function deleteRecipeUserRows(db: DB, recipeUserId: string): void {
  db.prepare("DELETE FROM login_methods WHERE user_id = ?").run(recipeUserId);
  db.prepare("DELETE FROM app_id_to_user_id WHERE user_id = ?").run(recipeUserId);
  db.prepare("DELETE FROM all_auth_recipe_users WHERE user_id = ?").run(recipeUserId);
  db.prepare("DELETE FROM emailverification_verified_emails WHERE user_id = ?").run(recipeUserId);
}

/** Non-auth data keyed by a user id (sessions in every tenant, metadata, verification). */
export function deleteNonAuthData(db: DB, userId: string): void {
  db.prepare("DELETE FROM session_info WHERE user_id = ?").run(userId);
  db.prepare("DELETE FROM user_metadata WHERE user_id = ?").run(userId);
  db.prepare("DELETE FROM emailverification_verified_emails WHERE user_id = ?").run(userId);
}

export function countAllUsers(db: DB): number {
  return (db.prepare("SELECT COUNT(*) AS c FROM app_id_to_user_id").get() as { c: number }).c;
}
