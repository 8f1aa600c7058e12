/**
 * The audit page's filters, all in the URL (a link in a support ticket opens the same view):
 *   /audit?user=…&staff=…&session=…&action=edit&from=2026-01-01&to=2026-01-31&page=2
 *   /audit?run=…  (the per-session entries of one bulk run)
 * Dates are whole days in UTC, both ends included. Parsing lives in filters.server.ts; this file is
 * what the page itself needs to build links (no zod in the browser bundle).
 */
import type { AuditAction } from "./types";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  user?: string;
  staff?: string;
  session?: string;
  /** A bulk run's id. */
  run?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
  page: number;
}

export const AUDIT_FILTER_KEYS = ["user", "staff", "session", "run", "action", "from", "to", "page"] as const;

/** The query string for `filters`, with `changes` applied (page resets to 1 unless given). */
export function auditFiltersToSearch(filters: AuditFilters, changes: Partial<AuditFilters> = {}): string {
  const next: AuditFilters = { ...filters, page: 1, ...changes };
  const params = new URLSearchParams();
  for (const key of ["user", "staff", "session", "run", "action", "from", "to"] as const) {
    const value = next[key];
    if (value) params.set(key, value);
  }
  if (next.page > 1) params.set("page", String(next.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}
