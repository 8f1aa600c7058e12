/**
 * Personal API tokens: made by a staff member on their profile page, shown once, kept only as a hash.
 *
 * A token reads `sd_<id>_<secret>`: `id` (16 hex characters) finds the row, `secret` is 256 random bits.
 * The database keeps the SHA-256 of the whole token, so a leaked database hands out no working token;
 * a plain hash suffices (no scrypt) because the secret is random, not a password someone chose.
 *
 * At every use the owner's account is read again: a disabled account's tokens stop at once, and a role
 * lowered since the token was made narrows its scope (scopes.ts, effectiveScope).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isDemoMode } from "~/config.server";
import { getDb } from "~/db/db.server";
import { hashBearerToken } from "~/staff/bearer-token.server";
import { now } from "~/staff/clock.server";
import { recordStaffEvent } from "~/staff/events.server";
import type { StaffRole, StaffUser } from "~/staff/roles";
import { effectiveScope, isApiScope, scopesForRole, type ApiScope } from "./scopes";

export const TOKEN_PREFIX = "sd_";
const TOKEN_PATTERN = /^sd_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const TOKEN_NAME_MAX_LENGTH = 80;
export const MAX_TOKEN_DAYS = 365;
/** Last-used is written at most this often, so a busy script does not write on every request. */
const LAST_USED_INTERVAL_MS = 60_000;

export class ApiTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiTokenError";
  }
}

export interface ApiTokenView {
  id: string;
  name: string;
  scope: ApiScope;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  /** "active" | "expired" | "revoked", as of now. */
  state: "active" | "expired" | "revoked";
  owner: { id: string; email: string; displayName: string; role: StaffRole; disabled: boolean };
}

/** Makes a token for `staff`; the returned `token` is the only time it exists in the clear. */
export async function createApiToken(input: { staff: StaffUser; name: string; scope: ApiScope; expiresInDays: number }): Promise<{ token: string; view: ApiTokenView }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > TOKEN_NAME_MAX_LENGTH) throw new ApiTokenError(`Give the token a name of 1 to ${TOKEN_NAME_MAX_LENGTH} characters, e.g. “runbook script”.`);
  if (!isApiScope(input.scope) || !scopesForRole(input.staff.role).includes(input.scope)) {
    throw new ApiTokenError(`A ${input.staff.role} can make tokens with the scope ${scopesForRole(input.staff.role).join(" or ")}, not ${String(input.scope)}.`);
  }
  if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > MAX_TOKEN_DAYS) {
    throw new ApiTokenError(`A token lasts 1 to ${MAX_TOKEN_DAYS} days.`);
  }
  const id = randomBytes(8).toString("hex");
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString("base64url")}`;
  const at = now();
  const expiresAt = new Date(at.getTime() + input.expiresInDays * 86_400_000).toISOString();
  await getDb()
    .insertInto("api_tokens")
    .values({ id, staff_id: input.staff.id, name, scope: input.scope, token_hash: hashBearerToken(token), created_at: at.toISOString(), expires_at: expiresAt, last_used_at: null, revoked_at: null, revoked_by_email: null })
    .execute();
  await recordStaffEvent({ actorEmail: input.staff.email, action: "api-token-create", targetEmail: input.staff.email, detail: `“${name}” (${input.scope}, until ${expiresAt.slice(0, 10)})` });
  const [view] = await listTokens({ tokenId: id });
  return { token, view: view! };
}

function baseQuery() {
  return getDb()
    .selectFrom("api_tokens")
    .innerJoin("staff_users", "staff_users.id", "api_tokens.staff_id")
    .selectAll("api_tokens")
    .select(["staff_users.email as owner_email", "staff_users.display_name as owner_name", "staff_users.role as owner_role", "staff_users.disabled as owner_disabled"]);
}

async function listTokens(filter: { staffId?: string; tokenId?: string }): Promise<ApiTokenView[]> {
  let query = baseQuery();
  if (filter.staffId) query = query.where("api_tokens.staff_id", "=", filter.staffId);
  if (filter.tokenId) query = query.where("api_tokens.id", "=", filter.tokenId);
  const rows = await query.orderBy("api_tokens.created_at", "desc").limit(500).execute();
  const at = now().toISOString();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    scope: row.scope as ApiScope,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by_email,
    state: row.revoked_at ? "revoked" : row.expires_at <= at ? "expired" : "active",
    owner: { id: row.staff_id, email: row.owner_email, displayName: row.owner_name, role: row.owner_role as StaffRole, disabled: row.owner_disabled === 1 },
  }));
}

/** A staff member's own tokens, newest first. */
export const listOwnApiTokens = (staffId: string) => listTokens({ staffId });

/** Every token (the admins' view on the staff page), newest first. */
export const listAllApiTokens = () => listTokens({});

/**
 * Revokes a token at once. `actor` must own it, or be an admin (`asAdmin`). Revoking twice is a no-op
 * answer, not an error. Recorded in the staff events.
 */
export async function revokeApiToken(input: { tokenId: string; actor: StaffUser; asAdmin: boolean }): Promise<{ status: "revoked" | "already-revoked"; view: ApiTokenView }> {
  const [view] = await listTokens({ tokenId: input.tokenId });
  if (!view || (!input.asAdmin && view.owner.id !== input.actor.id)) throw new ApiTokenError("There is no such token among yours.");
  if (view.revokedAt) return { status: "already-revoked", view };
  const at = now().toISOString();
  const result = await getDb()
    .updateTable("api_tokens")
    .set({ revoked_at: at, revoked_by_email: input.actor.email })
    .where("id", "=", view.id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return { status: "already-revoked", view };
  await recordStaffEvent({ actorEmail: input.actor.email, action: "api-token-revoke", targetEmail: view.owner.email, detail: `“${view.name}” (${view.scope})` });
  return { status: "revoked", view: { ...view, revokedAt: at, revokedBy: input.actor.email, state: "revoked" } };
}

export type TokenCheck =
  | { status: "ok"; staff: StaffUser; scope: ApiScope; token: { id: string; name: string } }
  | { status: "malformed" | "unknown" | "expired" | "revoked" | "account-disabled" }
  /** The owner's role no longer allows any scope (never for the three roles today; kept for safety). */
  | { status: "no-scope" };

/** Checks a presented token; on success the staff member it acts as, carrying the token's name for the audit trail. */
export async function checkApiToken(presented: string): Promise<TokenCheck> {
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) return { status: "malformed" };
  const db = getDb();
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("staff_users", "staff_users.id", "api_tokens.staff_id")
    .select([
      "api_tokens.id as id",
      "api_tokens.name as name",
      "api_tokens.scope as scope",
      "api_tokens.token_hash as tokenHash",
      "api_tokens.expires_at as expiresAt",
      "api_tokens.revoked_at as revokedAt",
      "api_tokens.last_used_at as lastUsedAt",
      "staff_users.id as staffId",
      "staff_users.email as email",
      "staff_users.display_name as displayName",
      "staff_users.role as role",
      "staff_users.disabled as disabled",
      "staff_users.demo as demo",
    ])
    .where("api_tokens.id", "=", match[1]!)
    .executeTakeFirst();
  if (!row) return { status: "unknown" };
  const expected = Buffer.from(row.tokenHash, "hex");
  const actual = createHash("sha256").update(presented).digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { status: "unknown" };
  if (row.revokedAt) return { status: "revoked" };
  const at = now();
  if (row.expiresAt <= at.toISOString()) return { status: "expired" };
  // Demo accounts have published passwords: their tokens are refused with a real core, as their sign-in is.
  if (row.disabled === 1 || (row.demo === 1 && !isDemoMode())) return { status: "account-disabled" };
  const role = row.role as StaffRole;
  const scope = isApiScope(row.scope) ? effectiveScope(row.scope, role) : null;
  if (!scope) return { status: "no-scope" };
  if (!row.lastUsedAt || at.getTime() - Date.parse(row.lastUsedAt) >= LAST_USED_INTERVAL_MS) {
    await db.updateTable("api_tokens").set({ last_used_at: at.toISOString() }).where("id", "=", row.id).execute();
  }
  return {
    status: "ok",
    scope,
    token: { id: row.id, name: row.name },
    staff: { id: row.staffId, email: row.email, displayName: row.displayName, role, apiToken: { id: row.id, name: row.name } },
  };
}
