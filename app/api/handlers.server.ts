/**
 * What each /api/v1 route does once its guard has passed: parse the input with the route's zod schema,
 * call the same domain function the pages call (search, listing, the conflict-checked write, the bulk
 * plan and engine, the audit query), and shape the answer. The route modules in app/routes/api.v1.* are
 * the guard plus one call here.
 */
import { queryAudit } from "~/audit/audit.server";
import { applyRun, cancelRun, resumeRun } from "~/bulk/engine.server";
import { parseChangeForm } from "~/bulk/form.server";
import { planBulkApply } from "~/bulk/plan.server";
import { getRun, getRunRow, listChangeGroups, listItems, type ItemFilter } from "~/bulk/store.server";
import { parseUserList } from "~/bulk/cross-user/entries";
import { planCrossUserRun, SearchQueryError, type UsersInput } from "~/bulk/cross-user/plan.server";
import { approvalOf, entryCounts, listEntries, sourceOf, userReport } from "~/bulk/cross-user/store.server";
import { CROSS_USER_RUN, UNRESOLVED_STATUSES } from "~/bulk/cross-user/types";
import { ITEMS_PAGE_SIZE, PLAN_VERDICTS, type ItemOutcome, type PlanVerdict } from "~/bulk/types";
import { getConfig } from "~/config.server";
import { loadFromCore } from "~/core/problems.server";
import { getSessionInfo, type SessionInfo } from "~/core/sessions.server";
import { getUserById, type UserSummary } from "~/core/users.server";
import { fingerprint, parseSessionDataText, stringifyJson } from "~/json";
import { maskChangeGroups, maskRunItems, maskRunSummary } from "~/masking/bulk-views.server";
import { getSessionDataMasker, type SessionDataMasker } from "~/masking/policy.server";
import { sessionEditLens } from "~/masking/session-edit.server";
import { sessionBelongsTo } from "~/sessions/ownership.server";
import { listUserSessions } from "~/sessions/list.server";
import { writeSessionData } from "~/sessions/write.server";
import { searchUsers } from "~/users/search.server";
import type { ApiCaller } from "./guard.server";
import { invalidInput, parseParams, parseQuery, readJsonBody } from "./input.server";
import { apiJson, problem } from "./problem.server";
import {
  auditQuerySchema,
  crossUserUsersQuerySchema,
  planBulkRunBodySchema,
  planCrossUserRunBodySchema,
  runParamsSchema,
  runQuerySchema,
  runReportQuerySchema,
  sessionParamsSchema,
  userParamsSchema,
  userSearchQuerySchema,
  writeSessionBodySchema,
} from "./schemas.server";

const pathOf = (request: Request) => new URL(request.url).pathname;
const pageCount = (total: number, size = ITEMS_PAGE_SIZE) => Math.max(1, Math.ceil(total / size));

/**
 * A session as the API shows it. The one place the API turns a core session into its view, so a rule
 * about what staff may see of session data (masking, issue #17 §2) applies here as it does on the pages.
 */
function sessionView(info: SessionInfo, masker: SessionDataMasker) {
  const ref = { sessionHandle: info.sessionHandle, tenantId: info.tenantId };
  return {
    sessionHandle: info.sessionHandle,
    userId: info.userId,
    recipeUserId: info.recipeUserId,
    tenantId: info.tenantId,
    timeCreated: info.timeCreated,
    expiry: info.expiry,
    // What this staff member may see (masking, app/masking); a masked view carries a sealed fingerprint.
    data: masker.mask(ref, info.sessionDataInDatabase),
    fingerprint: masker.sealFingerprint(ref, info.sessionDataInDatabase),
    accessTokenPayload: info.accessTokenPayload,
  };
}

async function loadUser(request: Request, userId: string): Promise<UserSummary> {
  const user = await loadFromCore(() => getUserById(userId));
  if (!user) throw problem("not-found", `No user with the id “${userId}” exists on this core.`, { instance: pathOf(request) });
  return user;
}

export async function searchUsersAnswer(request: Request): Promise<Response> {
  const query = parseQuery(request, userSearchQuerySchema);
  const result = await loadFromCore(() => searchUsers({ q: query.q.trim(), tenant: query.tenant, cursor: query.cursor, page: 1 }));
  return apiJson({ users: result.users, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}), ...(result.problem ? { problem: result.problem } : {}) });
}

export async function userAnswer(request: Request, params: unknown, caller: ApiCaller): Promise<Response> {
  const { userId } = parseParams(request, userParamsSchema, params);
  const user = await loadUser(request, userId);
  const { sessions, endedWhileLoading } = await loadFromCore(() => listUserSessions(user.id));
  const masker = await getSessionDataMasker(caller.staff);
  return apiJson({ user, sessions: sessions.map((session) => sessionView(session, masker)), endedWhileLoading });
}

/** One session of the named user; a handle of anyone else's is the same 404 as an unknown one. */
export async function sessionAnswer(request: Request, params: unknown, caller: ApiCaller): Promise<Response> {
  const { userId, sessionHandle } = parseParams(request, sessionParamsSchema, params);
  const info = await loadFromCore(() => getSessionInfo(sessionHandle));
  if (!info || !(await loadFromCore(() => sessionBelongsTo(info, userId)))) {
    throw problem("not-found", "This user has no live session with that handle (it may have ended or expired).", { instance: pathOf(request) });
  }
  return apiJson(sessionView(info, await getSessionDataMasker(caller.staff)));
}

/**
 * PUT a session's data: the editor's write (writeSessionData) with the caller's expected fingerprint, by
 * the editor's rules (parse, object, nesting, size, exact numbers), audited as the staff member via the token.
 */
export async function writeSessionAnswer(request: Request, params: unknown, caller: ApiCaller): Promise<Response> {
  const { userId, sessionHandle } = parseParams(request, sessionParamsSchema, params);
  const body = await readJsonBody(request, writeSessionBodySchema);
  const instance = pathOf(request);
  // The same checks as the editor's text (nesting, size), on the exact text of the data as sent.
  const checked = parseSessionDataText(stringifyJson(body.data), { maxBytes: getConfig().MAX_SESSION_DATA_BYTES });
  if (!checked.ok) return problem("write-refused", `${checked.error}. Nothing was written.`, { instance });
  const reason = body.reason?.trim() || undefined;
  if (!reason && getConfig().AUDIT_REASON_REQUIRED) {
    return invalidInput(request, [{ path: "reason", message: "A reason is required for every change; say why, e.g. the ticket number" }]);
  }
  // Masked staff edit the masked view (as on the editor page): hidden values go back before the write,
  // and changing, deleting or inventing one is refused (app/masking/session-edit.server.ts).
  // One read serves both the tenant (for tenant-scoped patterns) and the hidden values put back.
  let currentRead: ReturnType<typeof getSessionInfo> | undefined;
  const readOnce = () => (currentRead ??= loadFromCore(() => getSessionInfo(sessionHandle)));
  const lens = await sessionEditLens(caller.staff, sessionHandle, async () => (await readOnce())?.tenantId);
  let next = checked.value;
  let expectedFingerprint = body.expectedFingerprint;
  if (lens.masked) {
    const current = await readOnce();
    if (current) {
      const prepared = lens.prepareWrite(next, expectedFingerprint, current.sessionDataInDatabase);
      if (!prepared.ok) return problem("write-refused", prepared.error, { instance });
      next = prepared.next;
      expectedFingerprint = prepared.expectedFingerprint;
    }
  }
  const outcome = await writeSessionData({ staff: caller.staff, userId, sessionHandle, next, expectedFingerprint, reason, action: "edit" });
  switch (outcome.status) {
    case "written":
      return apiJson({ status: "written", changes: outcome.changes, auditEntryId: outcome.entryId, data: lens.show(outcome.after), fingerprint: lens.token(outcome.after) });
    case "overtaken":
      return apiJson({ status: "overtaken", changes: outcome.changes, auditEntryId: outcome.entryId, data: lens.show(outcome.current), fingerprint: lens.token(outcome.current) });
    case "unchanged":
      return apiJson({ status: "unchanged", changes: 0, auditEntryId: null, data: lens.show(next), fingerprint: lens.token(next) });
    case "not-found":
      return problem("not-found", "This user has no session with that handle. Nothing was changed.", { instance });
    case "conflict":
      return problem("conflict", "The session's data changed since it was read (someone else, or the app, wrote it). Nothing was written; `current` is what it holds now.", {
        instance,
        extensions: { current: lens.show(outcome.theirs), currentFingerprint: lens.token(outcome.theirs) },
      });
    case "session-gone":
      return problem("session-gone", "This session has ended or expired, so its data can no longer be changed. Nothing was written.", { instance });
    case "failed":
      return outcome.transient
        ? problem("core-unavailable", outcome.error, { instance, headers: { "Retry-After": "5" } })
        : problem("write-refused", outcome.error, { instance });
    default: {
      // Any other refusal of the shared write (e.g. the session data schema's, issue #17 §1): its words, nothing written.
      const refused = outcome as { status: string; error?: string; introduced?: unknown };
      return problem("write-refused", refused.error ?? `The write was refused (${refused.status}); nothing was written.`, { instance, extensions: refused.introduced ? { schemaIssues: refused.introduced } : {} });
    }
  }
}

/** A single-user dry run, by the bulk form's own rules (parseChangeForm): the same refusals, the same plan. */
export async function planRunAnswer(request: Request, params: unknown, caller: ApiCaller): Promise<Response> {
  const { userId } = parseParams(request, userParamsSchema, params);
  const body = await readJsonBody(request, planBulkRunBodySchema);
  const user = await loadUser(request, userId);
  const parsed = parseChange(body, user.tenantIds);
  if (!parsed.ok) {
    const errors = Object.entries(parsed.errors).map(([path, message]) => ({ path: path === "scope" ? "scope" : path, message: String(message) }));
    return invalidInput(request, errors);
  }
  const plan = await planBulkApply({ staff: caller.staff, userId: user.id, operation: parsed.operation, scope: parsed.scope, reason: parsed.reason });
  const run = await getRun(plan.runId);
  const masker = await getSessionDataMasker(caller.staff);
  return apiJson({ run: run && maskRunSummary(masker, run) }, { status: 201, headers: { Location: `/api/v1/bulk-runs/${plan.runId}` } });
}

/** The change of a dry run, by the bulk form's rules (parseChangeForm): the same refusals as the pages. */
function parseChange(fields: { keyPath: string; operation: string; value?: unknown; reason?: string; scope?: string; tenantId?: string; handles?: string[] }, tenantIds: string[]) {
  const form = new FormData();
  form.set("intent", "dry-run");
  form.set("keyPath", fields.keyPath);
  form.set("operation", fields.operation);
  form.set("value", fields.value === undefined ? "" : stringifyJson(fields.value));
  form.set("scope", fields.scope ?? "all");
  form.set("tenantId", fields.tenantId ?? "");
  form.set("reason", fields.reason ?? "");
  for (const handle of fields.handles ?? []) form.append("handle", handle);
  return parseChangeForm(form, tenantIds);
}

/**
 * A dry run across users (admins: the bulk scope): the users by a search, a list of emails, phone numbers
 * or ids, or an earlier run's users; the change by the one-user form's rules. Every entry is resolved and
 * the unresolved ones are in the answer. A run over BULK_APPROVAL_THRESHOLD sessions waits for a second
 * admin's approval, given in the app only.
 */
export async function planCrossUserRunAnswer(request: Request, caller: ApiCaller): Promise<Response> {
  const body = await readJsonBody(request, planCrossUserRunBodySchema);
  const change = parseChange(body, []);
  if (!change.ok) return invalidInput(request, Object.entries(change.errors).map(([path, message]) => ({ path, message: String(message) })));
  let users: UsersInput;
  switch (body.users.by) {
    case "search":
      users = { by: "search", q: body.users.q.trim(), tenant: body.users.tenant };
      break;
    case "run":
      if (!(await getRunRow(body.users.runId))) return invalidInput(request, [{ path: "users.runId", message: "There is no bulk run with that id." }]);
      users = { by: "run", runId: body.users.runId };
      break;
    case "list": {
      // The pasted list's own rules (classification, limits), one entry per line.
      const list = parseUserList(body.users.entries.join("\n"));
      if (!list.ok) return invalidInput(request, [{ path: "users.entries", message: list.error }]);
      users = { by: "list", entries: list.entries };
      break;
    }
  }
  let plan;
  try {
    plan = await loadFromCore(() => planCrossUserRun({ staff: caller.staff, users, operation: change.operation, reason: change.reason }));
  } catch (error) {
    if (error instanceof SearchQueryError) return invalidInput(request, [{ path: "users.q", message: error.message }]);
    throw error;
  }
  const run = await getRun(plan.runId);
  const masker = await getSessionDataMasker(caller.staff);
  return apiJson({ run: run && maskRunSummary(masker, run), crossUser: await crossUserDetails(plan.runId) }, { status: 201, headers: { Location: `/api/v1/bulk-runs/${plan.runId}` } });
}

/** What a run across users adds to its answer: how the users were chosen, the approval, the entries. */
async function crossUserDetails(runId: string) {
  const row = await getRunRow(runId);
  if (!row || row.kind !== "users") return undefined;
  const [entries, unresolved] = await Promise.all([entryCounts(runId), listEntries(runId, UNRESOLVED_STATUSES, 1)]);
  return { source: sourceOf(row) as Record<string, unknown> | null, approval: approvalOf(row), entries, unresolved };
}

async function loadRun(request: Request, params: unknown) {
  const { runId } = parseParams(request, runParamsSchema, params);
  const run = await getRun(runId);
  if (!run) throw problem("not-found", "There is no bulk run with that id.", { instance: pathOf(request) });
  return run;
}

/** A run with its dry run read as groups of identical change (as its page shows it). */
export async function runAnswer(request: Request, params: unknown, caller: ApiCaller): Promise<Response> {
  const run = await loadRun(request, params);
  const { page } = parseQuery(request, runQuerySchema);
  const { groups, total } = await listChangeGroups(run.id, undefined, page);
  const masker = await getSessionDataMasker(caller.staff);
  const crossUser = run.userId === CROSS_USER_RUN ? await crossUserDetails(run.id) : undefined;
  return apiJson({ run: maskRunSummary(masker, run), ...(crossUser ? { crossUser } : {}), groups: maskChangeGroups(masker, run.tenantId, groups), page, pageCount: pageCount(total) });
}

/** A run across users: each matched user with their sessions counted by outcome, or the unresolved entries. */
export async function crossUserUsersAnswer(request: Request, params: unknown, caller: ApiCaller): Promise<Response> {
  const run = await loadRun(request, params);
  if (run.userId !== CROSS_USER_RUN) throw problem("not-found", "This run is one user's: it has no users to list (its sessions are in …/report).", { instance: pathOf(request) });
  const { show, page } = parseQuery(request, crossUserUsersQuerySchema);
  const counts = await entryCounts(run.id);
  const masker = await getSessionDataMasker(caller.staff);
  if (show === "unresolved") {
    const total = UNRESOLVED_STATUSES.reduce((sum, status) => sum + counts[status], 0);
    return apiJson({ run: maskRunSummary(masker, run), entries: await listEntries(run.id, UNRESOLVED_STATUSES, page), page, pageCount: pageCount(total) });
  }
  return apiJson({ run: maskRunSummary(masker, run), users: await userReport(run.id, { page }), page, pageCount: pageCount(counts.matched) });
}

export async function runReportAnswer(request: Request, params: unknown, caller: ApiCaller): Promise<Response> {
  const run = await loadRun(request, params);
  const { show, page } = parseQuery(request, runReportQuerySchema);
  const filter: ItemFilter =
    show === "all"
      ? { by: "all" }
      : (PLAN_VERDICTS as readonly string[]).includes(show)
        ? { by: "plan", value: show as PlanVerdict }
        : { by: "outcome", value: show as ItemOutcome | "pending" };
  const { items, total } = await listItems(run.id, filter, page);
  const masker = await getSessionDataMasker(caller.staff);
  return apiJson({ run: maskRunSummary(masker, run), items: maskRunItems(masker, items), total, page, pageCount: pageCount(total) });
}

export type RunAction = "apply" | "cancel" | "resume";

/** Apply, cancel or resume: the run page's buttons, through the same engine functions. */
export async function runActionAnswer(request: Request, params: unknown, caller: ApiCaller, action: RunAction): Promise<Response> {
  const run = await loadRun(request, params);
  const instance = pathOf(request);
  let result: string;
  switch (action) {
    case "apply": {
      // Four-eyes: the engine refuses it anyway; this says why, and where the approval is given.
      if ((await getRunRow(run.id))?.approval_status === "pending") {
        return problem("not-applicable", `This run across users has ${run.progress.total} sessions, more than one admin may apply alone: a second admin must approve it in the app (Bulk, then the run) first. Nothing was started.`, { instance, extensions: { approval: "pending" } });
      }
      const started = await applyRun(run.id, caller.staff);
      if (started.status !== "started") {
        return problem("not-applicable", `This run cannot be applied now: it is ${run.progress.status} (a dry run is applied once; a large cross-user run may wait for a second admin's approval). Nothing was started.`, { instance });
      }
      result = "started";
      break;
    }
    case "cancel": {
      const cancelled = await cancelRun(run.id, caller.staff);
      if (cancelled === "not-running") return problem("not-applicable", `This run is not running (it is ${run.progress.status}); nothing to cancel.`, { instance });
      result = cancelled;
      break;
    }
    case "resume": {
      const resumed = await resumeRun(run.id, caller.staff);
      if (resumed.status !== "resumed") return problem("not-applicable", `This run is not interrupted (it is ${run.progress.status}); nothing to resume.`, { instance });
      result = "resumed";
      break;
    }
  }
  const now = await getRun(run.id);
  return apiJson({ result, run: now && maskRunSummary(await getSessionDataMasker(caller.staff), now) }, { status: 202 });
}

export async function auditAnswer(request: Request, caller: ApiCaller): Promise<Response> {
  const query = parseQuery(request, auditQuerySchema);
  const { pageSize, ...filters } = query;
  const [page, masker] = await Promise.all([queryAudit({ ...filters, pageSize }), getSessionDataMasker(caller.staff)]);
  // Entries carry session data (before, after, patch): masked for this reader, as on the audit page.
  return apiJson({ ...page, entries: page.entries.map((entry) => ({ ...masker.maskAuditEntry(entry), viaApiToken: entry.viaApiToken ?? null })) });
}

