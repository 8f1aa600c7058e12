/**
 * Which Session Desk role a person gets from their identity provider's claim (e.g. `groups`). Pure, so
 * the configuration check and the sign-in share one reading of OIDC_ROLE_MAP, and it has unit tests.
 *
 *   OIDC_ROLE_MAP="desk-admins=admin,desk-editors=editor,support=viewer"
 *
 * A person in several mapped groups gets the most powerful of their roles; a person in none gets no role
 * (and is refused).
 */
import { hasRole, isStaffRole, type StaffRole } from "./roles";

/** Claim value → role, in the order written. */
export type RoleMap = ReadonlyArray<{ claimValue: string; role: StaffRole }>;

/** Parses OIDC_ROLE_MAP; throws an Error whose message says what is wrong with which entry. */
export function parseRoleMap(text: string): RoleMap {
  const entries: { claimValue: string; role: StaffRole }[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    // The last "=" splits: a group name may itself contain "=" (LDAP-style "cn=desk,ou=groups" does).
    const at = entry.lastIndexOf("=");
    if (at <= 0) throw new Error(`"${entry}" is not claim-value=role`);
    const claimValue = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (!isStaffRole(role)) throw new Error(`"${entry}": the role must be viewer, editor or admin, not "${role}"`);
    if (seen.has(claimValue)) throw new Error(`"${claimValue}" is mapped twice`);
    seen.add(claimValue);
    entries.push({ claimValue, role });
  }
  if (entries.length === 0) throw new Error("maps no claim value to a role");
  return entries;
}

/**
 * The claim's values as strings: providers send a list (Okta, Keycloak, Entra ID groups) or a single string
 * (a custom `role` claim), taken whole: splitting "Desk Admins" on spaces could match a group "Admins"
 * the person is not in. Anything else has no values.
 */
export function claimValues(claim: unknown): string[] {
  if (typeof claim === "string") return claim === "" ? [] : [claim];
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === "string");
  return [];
}

/** The highest role any of the claim's values maps to, or null when none maps. */
export function roleFromClaim(claim: unknown, map: RoleMap): StaffRole | null {
  const values = new Set(claimValues(claim));
  let best: StaffRole | null = null;
  for (const { claimValue, role } of map) {
    if (values.has(claimValue) && (best === null || hasRole(role, best))) best = role;
  }
  return best;
}
