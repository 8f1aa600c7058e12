/**
 * The dry run of a bulk run across users, in two passes, each streamed through the database so memory
 * stays flat however many users there are:
 *
 * 1. Resolve: every entry (a pasted email, phone number or id, a user a search found, a user of an
 *    earlier run) is looked up and stored with its verdict — matched, no user, more than one, the same
 *    user as an earlier entry — a page at a time.
 * 2. Plan: the matched users are read back a page at a time; each user's live sessions (every tenant,
 *    every linked login method: getAllSessionHandlesForUser) are judged by the one-user dry run's own
 *    `planItem` — same operations, same fingerprints, same size rule — and stored as the run's items,
 *    each naming its user. The run itself is then a bulk run like any other (app/bulk/engine.server.ts).
 */
import pLimit from "p-limit";
import { getConfig } from "~/config.server";
import { getSessionHandles } from "~/core/sessions.server";
import { CORE_MAX_USER_PAGE, listTenantIds, listUsersNewestFirst, type UserSearchQuery, type UserSummary } from "~/core/users.server";
import type { StaffUser } from "~/staff/roles";
import { interpretQuery } from "~/users/search.server";
import { planItem } from "../plan.server";
import { retryPolicy } from "../retry.server";
import { insertItems, insertPlanningRun, type NewItem } from "../store.server";
import type { BulkOperation } from "../types";
import type { ListEntry } from "./entries";
import { labelOf, resolveEntry } from "./resolve.server";
import { alreadyMatched, discardCrossUserPlanning, insertEntries, markCrossUserPlanned, nextMatchedEntries, setEntrySessions, usersOfRun, type NewEntry } from "./store.server";
import { CROSS_USER_RUN, type UserSource } from "./types";

/** Where the users come from. */
export type UsersInput =
  | { by: "list"; entries: ListEntry[]; fileName?: string }
  | { by: "search"; q: string; tenant: string }
  | { by: "run"; runId: string };

export interface CrossUserPlanInput {
  staff: StaffUser;
  users: UsersInput;
  operation: BulkOperation;
  reason?: string;
  /** Core calls in flight at once (default SESSION_LOAD_CONCURRENCY). */
  concurrency?: number;
}

export interface CrossUserPlan {
  runId: string;
  /** Sessions planned. */
  total: number;
  users: number;
  unresolved: number;
  needsApproval: boolean;
}

/** Entries resolved and stored per batch, and matched users planned per page. */
const ENTRY_BATCH = 200;
const USER_PAGE = 100;
const ITEM_BATCH = 500;

export class SearchQueryError extends Error {}

export async function planCrossUserRun(input: CrossUserPlanInput): Promise<CrossUserPlan> {
  const source: UserSource =
    input.users.by === "list" ? { by: "list", entries: input.users.entries.length, fileName: input.users.fileName } : input.users.by === "search" ? { by: "search", q: input.users.q, tenant: input.users.tenant } : { by: "run", runId: input.users.runId };
  const runId = await insertPlanningRun({ staff: input.staff, userId: CROSS_USER_RUN, operation: input.operation, scope: "all", reason: input.reason, kind: "users", selectionJson: JSON.stringify(source) });
  const limit = pLimit(Math.max(1, input.concurrency ?? getConfig().SESSION_LOAD_CONCURRENCY));
  try {
    const { matched, unresolved } = await resolveUsers(runId, input.users, limit);
    const total = await planSessions(runId, input, limit);
    const { needsApproval } = await markCrossUserPlanned(runId, total);
    return { runId, total, users: matched, unresolved, needsApproval };
  } catch (error) {
    await discardCrossUserPlanning(runId);
    throw error;
  }
}

type Limit = ReturnType<typeof pLimit>;

/** Pass 1: store every entry with what it resolved to. Returns how many users matched and how many entries did not. */
async function resolveUsers(runId: string, users: UsersInput, limit: Limit): Promise<{ matched: number; unresolved: number }> {
  let seq = 0;
  let matched = 0;
  let unresolved = 0;
  /** Stores one batch in order; a user matched before (in this batch or an earlier one) is a duplicate. */
  const store = async (batch: Omit<NewEntry, "seq">[], quietDuplicates: boolean) => {
    const earlier = await alreadyMatched(runId, [...new Set(batch.flatMap((entry) => (entry.status === "matched" && entry.user_id ? [entry.user_id] : [])))]);
    const rows: NewEntry[] = [];
    for (const entry of batch) {
      if (entry.status === "matched" && entry.user_id) {
        if (earlier.has(entry.user_id)) {
          // A search lists a user once per tenant: that is not worth a line in the report.
          if (!quietDuplicates) rows.push({ ...entry, seq: seq++, status: "duplicate" });
          continue;
        }
        earlier.add(entry.user_id);
        matched += 1;
      } else unresolved += 1;
      rows.push({ ...entry, seq: seq++ });
    }
    await insertEntries(runId, rows);
  };

  if (users.by === "list") {
    const tenants = await listTenantIds();
    for (let start = 0; start < users.entries.length; start += ENTRY_BATCH) {
      const slice = users.entries.slice(start, start + ENTRY_BATCH);
      const resolved = await Promise.all(slice.map((entry) => limit(() => resolveEntry(entry, tenants))));
      await store(
        slice.map((entry, i) => {
          const r = resolved[i]!;
          return { input: entry.input, kind: entry.kind === "invalid" ? "id" : entry.kind, status: r.status, user_id: r.userId, label: r.label, candidates_json: r.candidates.length > 0 ? JSON.stringify(r.candidates) : null };
        }),
        false,
      );
    }
  } else if (users.by === "search") {
    for await (const page of searchPages(users.q, users.tenant)) {
      await store(
        page.map((user) => ({ input: labelOf(user), kind: "search" as const, status: "matched" as const, user_id: user.id, label: labelOf(user), candidates_json: null })),
        true,
      );
    }
  } else {
    for (let after = -1; ; ) {
      const page = await usersOfRun(users.runId, after, ENTRY_BATCH);
      if (page.length === 0) break;
      after = page[page.length - 1]!.seq;
      await store(
        page.map((user) => ({ input: user.label ?? user.userId, kind: "run" as const, status: "matched" as const, user_id: user.userId, label: user.label, candidates_json: null })),
        true,
      );
    }
  }
  return { matched, unresolved };
}

/**
 * The search page's queries, every page of them: an email or its domain ("@globex.com", "globex.com"),
 * a phone number, `provider:google`, in one tenant or all. Empty text means every user of the tenant
 * (a tenant must then be chosen).
 */
async function* searchPages(q: string, tenant: string) {
  const tenants = await listTenantIds();
  if (tenant && !tenants.includes(tenant)) throw new SearchQueryError(`There is no tenant “${tenant}”.`);
  const interpreted = interpretQuery(q);
  let query: UserSearchQuery | undefined;
  switch (interpreted.kind) {
    case "browse":
      if (!tenant) throw new SearchQueryError("Type a search (an email domain such as @globex.com, a phone number, provider:google) or choose a tenant.");
      break;
    case "too-long":
      throw new SearchQueryError("That search is too long: type an email domain, a phone number or provider:name.");
    case "phone":
      query = { phone: interpreted.value };
      break;
    case "provider":
      query = { provider: interpreted.value };
      break;
    default:
      query = { email: interpreted.value.replace(/^@+/, "") };
  }
  for (const tenantId of tenant ? [tenant] : tenants) {
    if (query) {
      // The core's search has no pagination and stops at 1,000 rows per login-method table (CDI §4.4;
      // the bundled core does the same). An answer that large may be cut short, so the tenant's users are
      // then read in full, page by page, and matched here the way the core matches.
      const found = await listUsersNewestFirst({ tenantId, query });
      if (found.users.length < CORE_SEARCH_CAP) {
        if (found.users.length > 0) yield found.users;
        continue;
      }
    }
    let paginationToken: string | undefined;
    do {
      const page = await listUsersNewestFirst({ tenantId, limit: CORE_MAX_USER_PAGE, paginationToken });
      const matching = query ? page.users.filter((user) => matchesSearch(user, query)) : page.users;
      if (matching.length > 0) yield matching;
      paginationToken = page.nextPaginationToken;
    } while (paginationToken);
  }
}

/** The most users the core's search answers with (1,000 rows per login-method table). */
const CORE_SEARCH_CAP = 1000;

/** The core's search rules: an email tag as a prefix or after "@", a phone or provider as a prefix (case-insensitive, as SQL LIKE). */
export function matchesSearch(user: UserSummary, query: UserSearchQuery): boolean {
  return user.loginMethods.some((method) => {
    if (query.email !== undefined) {
      const tag = query.email.toLowerCase();
      const email = method.email?.toLowerCase();
      if (!email || !(email.startsWith(tag) || email.includes(`@${tag}`))) return false;
    }
    if (query.phone !== undefined && !method.phoneNumber?.startsWith(query.phone)) return false;
    if (query.provider !== undefined && !method.thirdParty?.id.toLowerCase().startsWith(query.provider.toLowerCase())) return false;
    return true;
  });
}

/** Pass 2: the sessions of every matched user, judged and stored a page of users at a time. Returns the number of sessions. */
async function planSessions(runId: string, input: CrossUserPlanInput, limit: Limit): Promise<number> {
  const policy = retryPolicy();
  let nextSeq = 0;
  const buffer: NewItem[] = [];
  const flush = async () => {
    while (buffer.length > 0) await insertItems(runId, buffer.splice(0, ITEM_BATCH));
  };
  for (let after = -1; ; ) {
    const users = await nextMatchedEntries(runId, after, USER_PAGE);
    if (users.length === 0) break;
    after = users[users.length - 1]!.seq;
    const counts = await Promise.all(
      users.map(async (entry) => {
        const handles = await limit(() => getSessionHandles(entry.user_id));
        // The user's block of seqs, taken at once: a user's sessions stay together in the run's order.
        const first = nextSeq;
        nextSeq += handles.length;
        const planInput = { staff: input.staff, userId: entry.user_id, operation: input.operation, scope: { kind: "all" as const } };
        await Promise.all(
          handles.map((handle, i) =>
            limit(async () => {
              const item = await planItem(planInput, handle, first + i, undefined, policy);
              buffer.push({ ...item, user_id: entry.user_id });
            }),
          ),
        );
        return { seq: entry.seq, sessions: handles.length };
      }),
    );
    await flush();
    await setEntrySessions(runId, counts);
  }
  await flush();
  return nextSeq;
}
