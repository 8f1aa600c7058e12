/**
 * What a personal API token may do, least power first, and how that maps onto staff roles. Shared by
 * pages and server (no I/O, no zod).
 * - read: everything a viewer reads (users, sessions with data, bulk runs, the audit trail)
 * - write: also writes one session's data (needs the editor role)
 * - bulk: also plans, applies, cancels and resumes bulk runs (needs the admin role)
 */
import { hasRole, type StaffRole } from "~/staff/roles";

export const API_SCOPES = ["read", "write", "bulk"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** The role a scope needs. */
export const ROLE_FOR_SCOPE: Record<ApiScope, StaffRole> = { read: "viewer", write: "editor", bulk: "admin" };

export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  read: "Read users, sessions, bulk runs and the audit trail",
  write: "Also write one session's data",
  bulk: "Also plan, apply, cancel and resume bulk runs",
};

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (API_SCOPES as readonly string[]).includes(value);
}

/** The scopes a role may give a token: none wider than the role. */
export function scopesForRole(role: StaffRole): ApiScope[] {
  return API_SCOPES.filter((scope) => hasRole(role, ROLE_FOR_SCOPE[scope]));
}

/** True when `scope` carries at least the power of `minimum`. */
export function scopeCovers(scope: ApiScope, minimum: ApiScope): boolean {
  return API_SCOPES.indexOf(scope) >= API_SCOPES.indexOf(minimum);
}

/**
 * What a token can do today: its own scope, narrowed to the widest its owner's current role allows (a
 * role lowered after the token was made narrows the token at once). null: nothing (no scope fits).
 */
export function effectiveScope(tokenScope: ApiScope, role: StaffRole): ApiScope | null {
  const allowed = scopesForRole(role);
  if (allowed.includes(tokenScope)) return tokenScope;
  return allowed.at(-1) ?? null;
}

/** Expiry choices on the profile page, in days. */
export const TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
