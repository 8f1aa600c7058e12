/**
 * The rules of the session-data schema, pure (no I/O), shared by the server and the pages:
 * which schema applies to a session (by tenant), and whether a write may go ahead.
 */

/** A schema as the rules see it: where it applies. */
export interface SchemaScope {
  id: string;
  /** The tenants it applies to; null = every tenant. */
  tenants: string[] | null;
  /** "file": loaded from SESSION_DATA_SCHEMA_FILE at start-up (read-only in the pages). */
  source: "database" | "file";
}

/**
 * The schema for a session of `tenantId`, among the active ones: a schema that names the tenant wins
 * over one for every tenant (a team can keep a default and refine it for one tenant). Saving refuses two
 * active database schemas that name the same tenant, or two for every tenant (overlapsWith); should the
 * file overlap one, the file wins, as the copy the team keeps in its repository.
 */
export function matchSchema<T extends SchemaScope>(schemas: readonly T[], tenantId: string | null | undefined): T | null {
  const tenant = tenantId ?? "public";
  const named = schemas.filter((schema) => schema.tenants !== null && schema.tenants.includes(tenant));
  const candidates = named.length > 0 ? named : schemas.filter((schema) => schema.tenants === null);
  if (candidates.length === 0) return null;
  return candidates.find((schema) => schema.source === "file") ?? candidates[0]!;
}

/** The active schemas that `scope` would contend with for some tenant (empty: it may be activated). */
export function overlapsWith<T extends SchemaScope>(schemas: readonly T[], scope: SchemaScope): T[] {
  return schemas.filter((other) => {
    if (other.id === scope.id) return false;
    if (scope.tenants === null || other.tenants === null) return scope.tenants === null && other.tenants === null;
    return other.tenants.some((tenant) => scope.tenants!.includes(tenant));
  });
}

/** Issues compare by `key`: the place and the rule (see SchemaIssue.key). */
export interface IssueLike {
  key: string;
}

export type WriteJudgement<I extends IssueLike> =
  /** The new data conforms. */
  | { verdict: "valid" }
  /** The data did not conform before and still does not, but the write adds no new error: allowed. */
  | { verdict: "no-worse"; remaining: I[] }
  /** The write would add errors: refused (unless an admin overrides). `wasValid`: it conformed before. */
  | { verdict: "worse"; introduced: I[]; remaining: I[]; wasValid: boolean };

/**
 * The write rule. Data that conforms must still conform after the write. Data that already did not may
 * be written only if the write makes nothing worse: every error after it was there before it (same
 * place, same rule). So staff can fix one thing in a session that breaks the schema in three places,
 * without being made to fix all three, and without adding a fourth.
 */
export function judgeWrite<I extends IssueLike>(before: readonly I[], after: readonly I[]): WriteJudgement<I> {
  if (after.length === 0) return { verdict: "valid" };
  const known = new Set(before.map((issue) => issue.key));
  const introduced = after.filter((issue) => !known.has(issue.key));
  if (introduced.length === 0) return { verdict: "no-worse", remaining: [...after] };
  return { verdict: "worse", introduced, remaining: after.filter((issue) => known.has(issue.key)), wasValid: before.length === 0 };
}

/** "plan: must be one of "free", "pro"" — one issue as a line a person reads. */
export function describeIssue(issue: { path: string; message: string }): string {
  return `${issue.path}: ${issue.message}`;
}

/** Up to `max` issues as one sentence's worth of text, with how many more. */
export function describeIssues(issues: readonly { path: string; message: string }[], max = 5): string {
  const shown = issues.slice(0, max).map(describeIssue).join("; ");
  return issues.length > max ? `${shown}; and ${issues.length - max} more` : shown;
}

/** Parses the tenants field of the schema form: blank (or "*") = every tenant; else ids by comma or line. */
export function parseTenantList(text: string): string[] | null {
  const ids = text
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== "");
  if (ids.length === 0 || (ids.length === 1 && ids[0] === "*")) return null;
  return [...new Set(ids)];
}
