/**
 * "Who is this?" from whatever a ticket gives: an email or its prefix, a phone number, a user id, or
 * `provider:google`. Only SDK calls: getUser, getUsersNewestFirst with a query, listUsersByAccountInfo,
 * and the tenant list.
 */
import { json } from "@remix-run/node";
import { z } from "zod";
import { describeCoreError } from "~/core/problems.server";
import { getUserById, listTenantIds, listUsersByAccount, listUsersNewestFirst, type UserSearchQuery, type UserSummary } from "~/core/users.server";

export const PAGE_SIZE = 25;

export const searchParamsSchema = z.object({
  q: z.string().trim().max(320).default(""),
  tenant: z.string().trim().max(128).regex(/^[a-z0-9-]*$/, "Unknown tenant").default(""),
  cursor: z.string().max(512).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type SearchParams = z.infer<typeof searchParamsSchema>;

export type InterpretedQuery =
  | { kind: "browse" }
  | { kind: "email"; value: string }
  /** `value`: "+" and digits, for the core's prefix search; `typed`: as typed (trimmed), for exact lookups. */
  | { kind: "phone"; value: string; typed: string }
  | { kind: "provider"; value: string }
  | { kind: "text"; value: string };

const PHONE = /^\+?[\d\s().-]{6,}$/;

export function interpretQuery(raw: string): InterpretedQuery {
  const q = raw.trim();
  if (!q) return { kind: "browse" };
  const provider = /^provider:\s*(.+)$/i.exec(q);
  if (provider) return { kind: "provider", value: provider[1]!.trim().toLowerCase() };
  if (q.includes("@")) return { kind: "email", value: q.toLowerCase() };
  if (PHONE.test(q) && /\d{6,}/.test(q.replace(/\D/g, ""))) return { kind: "phone", value: normalisePhone(q), typed: q };
  return { kind: "text", value: q };
}

function normalisePhone(input: string): string {
  const digits = input.replace(/[^\d+]/g, "");
  return digits.startsWith("+") ? digits : `+${digits}`;
}

export interface SearchResult {
  interpreted: InterpretedQuery;
  tenants: string[];
  users: UserSummary[];
  /** Opaque cursor for the next page when browsing; absent on the last page and for searches. */
  nextCursor?: string;
  /** Set when the query is exactly one user's id: the page opens that user directly. */
  exactUserId?: string;
}

export async function searchUsers(params: SearchParams): Promise<SearchResult> {
  const tenants = await listTenantIds();
  const interpreted = interpretQuery(params.q);
  const scope = params.tenant && tenants.includes(params.tenant) ? [params.tenant] : tenants;

  if (interpreted.kind === "browse") {
    const page = await browseNewestFirst(scope, params.cursor);
    return { interpreted, tenants, ...page };
  }

  // A user id is matched exactly (primary or recipe id); ids never contain "@" or spaces.
  if (interpreted.kind === "text" && !/\s/.test(interpreted.value)) {
    const user = await getUserById(interpreted.value);
    if (user && inScope(user, scope)) return { interpreted, tenants, users: [user], exactUserId: user.id };
  }

  const query: UserSearchQuery =
    interpreted.kind === "phone"
      ? { phone: interpreted.value }
      : interpreted.kind === "provider"
        ? { provider: interpreted.value }
        : // The core matches an email tag as a prefix or as "@tag" anywhere, so "@acme.com" is sent as "acme.com".
          { email: interpreted.value.replace(/^@+/, "") };
  const perTenant = await Promise.all(scope.map((tenantId) => listUsersNewestFirst({ tenantId, query })));
  let users = mergeNewestFirst(perTenant.map((page) => page.users));

  // The core's phone search is a prefix match on the stored E.164 form. An exact lookup also finds
  // numbers typed another way: the core normalises a looked-up number with libphonenumber, so the number
  // as typed finds "+44 (0)20 7183 8750" (national 0 in brackets, as tickets often write it), and the
  // digits form finds one typed without its "+".
  const accounts =
    interpreted.kind === "phone"
      ? [...new Set([interpreted.typed, interpreted.value])].map((phoneNumber) => ({ phoneNumber }))
      : interpreted.kind === "email" && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(interpreted.value)
        ? [{ email: interpreted.value }]
        : [];
  if (accounts.length > 0) {
    const exact = await Promise.all(scope.flatMap((tenantId) => accounts.map((account) => listUsersByAccount(tenantId, account))));
    users = mergeNewestFirst([users, ...exact]);
  }
  return { interpreted, tenants, users };
}

function inScope(user: UserSummary, tenants: string[]): boolean {
  return user.tenantIds.some((tenant) => tenants.includes(tenant));
}

/** Newest first, then id descending (the core's own order), each user once. */
export function mergeNewestFirst(lists: UserSummary[][]): UserSummary[] {
  const byId = new Map<string, UserSummary>();
  for (const list of lists) for (const user of list) if (!byId.has(user.id)) byId.set(user.id, user);
  return [...byId.values()].sort(compareNewestFirst);
}

function compareNewestFirst(a: UserSummary, b: UserSummary): number {
  return b.timeJoined - a.timeJoined || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Browsing newest first across several tenants, one global order. The core paginates per tenant with
 * a token that means "start at (timeJoined, id), inclusive" (CDI contract §4.4: base64 of
 * "<id>;<timeJoined>"). Our cursor is that position in the merged order, so each page asks every tenant
 * for PAGE_SIZE + 1 users from the same position and keeps the newest.
 */
async function browseNewestFirst(tenants: string[], cursor: string | undefined): Promise<{ users: UserSummary[]; nextCursor?: string }> {
  if (cursor !== undefined && !isPaginationCursor(cursor)) throw badCursorResponse();
  if (tenants.length === 1) {
    const page = await listPage({ tenantId: tenants[0]!, limit: PAGE_SIZE, paginationToken: cursor });
    return { users: page.users, nextCursor: page.nextPaginationToken };
  }
  const pages = await Promise.all(tenants.map((tenantId) => listPage({ tenantId, limit: PAGE_SIZE + 1, paginationToken: cursor })));
  const merged = mergeNewestFirst(pages.map((page) => page.users));
  const users = merged.slice(0, PAGE_SIZE);
  const next = merged[PAGE_SIZE];
  return { users, nextCursor: next ? Buffer.from(`${next.id};${next.timeJoined}`, "utf8").toString("base64") : undefined };
}

/**
 * A cursor is the core's pagination token: standard base64 of "<user id>;<timeJoined>" (the core decodes
 * it as java.util.Base64 and Long.parseLong). A link that was cut short or edited fails this check, and is
 * answered with a 400 page that says what to do instead of sending the core a token it will refuse.
 */
export function isPaginationCursor(cursor: string): boolean {
  if (cursor.length === 0 || cursor.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) return false;
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  return /^[^;]+;[0-9]{1,18}$/.test(decoded);
}

function badCursorResponse(): Response {
  return json(
    { message: "This page of results cannot be opened: the link's cursor is not one Session Desk made (it may have been cut short or edited). Start again from the first page." },
    { status: 400 },
  );
}

/** One page from the core; a token the core still refuses as invalid is the same 400 as one refused here. */
async function listPage(input: Parameters<typeof listUsersNewestFirst>[0]) {
  try {
    return await listUsersNewestFirst(input);
  } catch (error) {
    if (input.paginationToken !== undefined && !(error instanceof Response)) {
      const problem = describeCoreError(error);
      if (problem.status === 400 && /pagination token/i.test(problem.cause)) throw badCursorResponse();
    }
    throw error;
  }
}
