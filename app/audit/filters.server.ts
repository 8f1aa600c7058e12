/**
 * Parsing the audit page's URL (see filters.ts for the shape) and the entry id of the detail page.
 */
import { z } from "zod";
import { AUDIT_FILTER_KEYS, type AuditFilters } from "./filters";
import { AUDIT_ACTIONS } from "./types";

const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined), z.string().max(max).optional());

const day = z.preprocess(
  (value) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "use a date such as 2026-01-31")
    // Round-trip, because Date.parse quietly rolls 2026-02-30 over into March.
    .refine((value) => {
      const time = Date.parse(`${value}T00:00:00Z`);
      return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
    }, "is not a real date")
    .optional(),
);

export const auditFiltersSchema = z.object({
  user: optionalText(300),
  staff: optionalText(254),
  session: optionalText(300),
  run: optionalText(64),
  action: z.preprocess((value) => (value === "" ? undefined : value), z.enum(AUDIT_ACTIONS).optional()),
  from: day,
  to: day,
  page: z.preprocess((value) => (value === "" || value === undefined ? undefined : value), z.coerce.number().int().min(1).max(100_000).default(1)),
});

/** Parses the URL's filters; a bad value is dropped and reported rather than failing the page. */
export function parseAuditFilters(params: URLSearchParams): { filters: AuditFilters; problems: string[] } {
  const raw = Object.fromEntries(AUDIT_FILTER_KEYS.map((key) => [key, params.get(key) ?? undefined]));
  const result = auditFiltersSchema.safeParse(raw);
  if (result.success) return { filters: withoutEmpty(result.data), problems: [] };
  const bad = new Set(result.error.issues.map((issue) => String(issue.path[0])));
  const problems = result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key)));
  return { filters: withoutEmpty(auditFiltersSchema.parse(cleaned)), problems };
}

/** Absent filters are left out rather than `undefined`, so the page's JSON stays small and exact. */
function withoutEmpty(filters: z.infer<typeof auditFiltersSchema>): AuditFilters {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as unknown as AuditFilters;
}

/** Audit entry ids are time-ordered hex (see ids.server.ts). */
export const auditEntryIdSchema = z.string().regex(/^[0-9a-f]{16,40}$/, "not an audit entry id");
