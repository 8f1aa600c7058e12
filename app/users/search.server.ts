/**
 * "Who is this?" from whatever a ticket gives: an email or its prefix, a phone number (with or without
 * its +), a user id (any case) or its first characters, or `provider:google`. Only SDK calls, through
 * app/core: getUser, getUsersNewestFirst with a query, listUsersByAccountInfo, the tenant list, and
 * for an id prefix a bounded scan of the newest users (see `scanForIdPrefix`).
 */
import { json } from "@remix-run/node";
import libphonenumber from "google-libphonenumber";
import { z } from "zod";
import { describeCoreError } from "~/core/problems.server";
import { CORE_MAX_USER_PAGE, getUserById, listTenantIds, listUsersByAccount, listUsersNewestFirst, type UserSearchQuery, type UserSummary } from "~/core/users.server";
import { formatCount } from "~/utils/format";

export const PAGE_SIZE = 25;
/** An email address is at most 320 characters; nothing a ticket identifies a user by is longer. */
export const MAX_QUERY_LENGTH = 320;

export const searchParamsSchema = z.object({
  // The length is checked by `searchUsers`, which answers with a sentence beside the field rather
  // than a 400 page. The cap here only keeps absurd URLs out.
  q: z.string().max(8_000).trim().default(""),
  tenant: z.string().trim().max(128).regex(/^[a-z0-9-]*$/, "Unknown tenant").default(""),
  cursor: z.string().max(512).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type SearchParams = z.infer<typeof searchParamsSchema>;

export type InterpretedQuery =
  | { kind: "browse" }
  | { kind: "too-long"; length: number }
  | { kind: "email"; value: string }
  /** `value`: E.164 ("+" and digits) for the core's prefix search; `typed`: as typed (trimmed), for exact lookups. */
  | { kind: "phone"; value: string; typed: string }
  | { kind: "provider"; value: string }
  /**
   * Anything else: tried as an exact user id (as typed and lower-cased: SuperTokens ids are lower-case
   * UUIDs, tickets often quote them upper-case), as an email prefix, and, when it could be the start
   * of an id (`idPrefix`), against the ids of the newest users.
   */
  | { kind: "text"; value: string; idPrefix?: string; providerHint?: string };

const PHONE = /^\+?[\d\s().-]{6,}$/;
const ID_PREFIX = /^[0-9a-f]{4,}(?:-[0-9a-f]*)*$/i;
/** Third-party ids a plain word most likely means (SuperTokens' built-in providers). */
const KNOWN_PROVIDERS = ["google", "github", "apple", "facebook", "twitter", "discord", "gitlab", "bitbucket", "linkedin", "okta", "active-directory", "boxy-saml", "google-workspaces"];

export function interpretQuery(raw: string): InterpretedQuery {
  const q = raw.trim();
  if (!q) return { kind: "browse" };
  if (q.length > MAX_QUERY_LENGTH) return { kind: "too-long", length: q.length };
  const provider = /^provider:\s*(.+)$/i.exec(q);
  if (provider) return { kind: "provider", value: provider[1]!.trim().toLowerCase() };
  if (q.includes("@")) return { kind: "email", value: q.toLowerCase() };
  if (PHONE.test(q) && /\d{6,}/.test(q.replace(/\D/g, ""))) return { kind: "phone", value: normalisePhone(q), typed: q };
  const text: InterpretedQuery = { kind: "text", value: q };
  if (ID_PREFIX.test(q) && q.length < 36) text.idPrefix = q.toLowerCase();
  if (KNOWN_PROVIDERS.includes(q.toLowerCase())) text.providerHint = `provider:${q.toLowerCase()}`;
  return text;
}

const phoneUtil = libphonenumber.PhoneNumberUtil.getInstance();

/**
 * E.164 as the core stores it. Tickets write numbers without their "+", with "00" for it, or with the
 * national "(0)": libphonenumber (the library the core normalises with) reads all of those once the
 * number is complete. A partial number ("+4915112") is kept as "+" and its digits, for a prefix search.
 */
export function normalisePhone(input: string): string {
  const trimmed = input.trim();
  const international = trimmed.startsWith("+") ? trimmed : `+${trimmed.replace(/^00/, "")}`;
  try {
    const parsed = phoneUtil.parse(international, "ZZ");
    if (phoneUtil.isValidNumber(parsed)) return phoneUtil.format(parsed, libphonenumber.PhoneNumberFormat.E164);
  } catch {
    // Not a number libphonenumber can read: fall back to the digits.
  }
  return `+${international.replace(/\D/g, "")}`;
}

export interface SearchResult {
  interpreted: InterpretedQuery;
  tenants: string[];
  users: UserSummary[];
  /** Opaque cursor for the next page when browsing; absent on the last page and for searches. */
  nextCursor?: string;
  /** Set when the query is exactly one user's id: the page opens that user directly. */
  exactUserId?: string;
  /** A query the page answers with a sentence beside the field instead of a search. */
  problem?: string;
  /** How far an id-prefix search looked (the core has no id search: see `scanForIdPrefix`). */
  idScan?: IdPrefixScan;
}

export async function searchUsers(params: SearchParams): Promise<SearchResult> {
  const tenants = await listTenantIds();
  const interpreted = interpretQuery(params.q);
  const scope = params.tenant && tenants.includes(params.tenant) ? [params.tenant] : tenants;

  if (interpreted.kind === "too-long") {
    return {
      interpreted,
      tenants,
      users: [],
      problem: `That search is ${formatCount(interpreted.length)} characters long; the limit is ${formatCount(MAX_QUERY_LENGTH)} (the longest an email address can be). Paste just the email, phone number or user id.`,
    };
  }

  if (interpreted.kind === "browse") {
    const page = await browseNewestFirst(scope, params.cursor);
    return { interpreted, tenants, ...page };
  }

  // A user id is matched exactly (primary or recipe id); ids never contain "@" or spaces. SuperTokens
  // makes lower-case UUIDs, so an upper-case one (as some tools print them) is tried lower-cased too;
  // an external id may be any case, so the id as typed is tried first.
  if (interpreted.kind === "text" && !/\s/.test(interpreted.value)) {
    for (const candidate of new Set([interpreted.value, interpreted.value.toLowerCase()])) {
      const user = await getUserById(candidate);
      if (user && inScope(user, scope)) return { interpreted, tenants, users: [user], exactUserId: user.id };
    }
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

  // Digits alone read as a phone number, but the start of an id can be digits alone too ("949746…", one
  // id in sixteen): when no one has that number, the digits are tried as the start of an id.
  const idPrefix =
    interpreted.kind === "text" ? interpreted.idPrefix : interpreted.kind === "phone" && users.length === 0 && ID_PREFIX.test(interpreted.typed) && interpreted.typed.length < 36 ? interpreted.typed.toLowerCase() : undefined;
  if (idPrefix) {
    const scan = await scanForIdPrefix(idPrefix, scope);
    return { interpreted, tenants, users: mergeNewestFirst([users, scan.users]), idScan: scan.scan };
  }
  return { interpreted, tenants, users };
}

export interface IdPrefixScan {
  prefix: string;
  /** Users the scan looked at (a user in several tenants counts once per tenant). */
  scanned: number;
  /** True when every user in the tenants was looked at; false when the bound stopped the scan first. */
  complete: boolean;
  limit: number;
}

/** How many users an id-prefix search reads at most: 10 of the core's largest pages (about 2 MB). */
export const ID_PREFIX_SCAN_LIMIT = 5_000;

/**
 * The start of a user id ("3f2a…", as tickets and log lines abbreviate them). Neither the bundled core
 * nor a real one (CDI 5.4, core 11.x: `GET /users` searches only email, phone and provider — see
 * docs/decisions/user-id-prefix-search.md) can search ids, so this reads the user list newest first in
 * the core's largest pages and keeps the ids (primary or any login method's) that start with the
 * prefix. It is bounded: it stops after `ID_PREFIX_SCAN_LIMIT` users or a full page of matches, and the
 * page says how far it looked, so "no match" never claims more than was checked.
 */
export async function scanForIdPrefix(prefix: string, tenants: string[], limit = ID_PREFIX_SCAN_LIMIT): Promise<{ users: UserSummary[]; scan: IdPrefixScan }> {
  const found = new Map<string, UserSummary>();
  let scanned = 0;
  let complete = true;
  for (const tenantId of tenants) {
    let paginationToken: string | undefined;
    do {
      if (scanned >= limit || found.size >= PAGE_SIZE) {
        complete = false;
        break;
      }
      const page = await listUsersNewestFirst({ tenantId, limit: Math.min(CORE_MAX_USER_PAGE, limit - scanned), paginationToken });
      scanned += page.users.length;
      for (const user of page.users) {
        if (user.id.startsWith(prefix) || user.loginMethods.some((method) => method.recipeUserId.startsWith(prefix))) found.set(user.id, user);
      }
      paginationToken = page.nextPaginationToken;
    } while (paginationToken);
    if (!complete) break;
  }
  return { users: [...found.values()], scan: { prefix, scanned, complete, limit } };
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
