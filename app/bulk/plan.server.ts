/**
 * The dry run: what the operation would do to each session in scope, written nowhere but our own
 * database. Each session's verdict is stored with the fingerprint of the data it was made against,
 * and the run checks that fingerprint again before every write — so what was previewed is what is
 * applied, and a session that changed in between is reported, not overwritten.
 *
 * Memory does not grow with the number of sessions: a bounded pool reads them, and verdicts go to the
 * database in batches; only the handles (short strings) are held for the whole run.
 */
import { getConfig } from "~/config.server";
import { isOutageResponse } from "~/core/problems.server";
import { getSessionHandles, getSessionInfo, type SessionInfo } from "~/core/sessions.server";
import { canonicalJson, fingerprint, fingerprintOfCanonical, formatBytes, utf8Length } from "~/json";
import type { StaffUser } from "~/staff/roles";
import { checkWriteAgainstSchema } from "~/schema/guard.server";
import { describeIssues } from "~/schema/rules";
import { sessionBelongsTo } from "~/sessions/ownership.server";
import { applyBulkOperation } from "./operation";
import { backoffMs, classifyFailure, retryPolicy, sleep } from "./retry.server";
import { discardPlanningRun, insertItems, insertPlanningRun, markPlanned, type NewItem } from "./store.server";
import type { BulkOperation, BulkScope, RetryWhich } from "./types";

const INSERT_BATCH = 200;

export interface PlanInput {
  staff: StaffUser;
  userId: string;
  operation: BulkOperation;
  scope: BulkScope;
  reason?: string;
  parentRunId?: string;
  retryOf?: RetryWhich;
  /** Reads in flight at once (default SESSION_LOAD_CONCURRENCY). */
  concurrency?: number;
}

export async function planBulkApply(input: PlanInput): Promise<{ runId: string; total: number }> {
  const { scope } = input;
  const listed = await getSessionHandles(input.userId, scope.kind === "tenant" ? scope.tenantId : undefined);
  const handles = scope.kind === "selected" ? [...new Set(scope.handles)] : listed;
  // Selected handles come from a form: one that is not this user's is never touched.
  const members = scope.kind === "selected" ? new Set(listed) : undefined;
  const runId = await insertPlanningRun({
    staff: input.staff,
    userId: input.userId,
    operation: input.operation,
    scope: scope.kind,
    tenantId: scope.kind === "tenant" ? scope.tenantId : undefined,
    reason: input.reason,
    parentRunId: input.parentRunId,
    retryOf: input.retryOf,
  });
  try {
    const policy = retryPolicy();
    const buffer: NewItem[] = [];
    const flush = () => insertItems(runId, buffer.splice(0, buffer.length));
    let next = 0;
    const worker = async () => {
      while (next < handles.length) {
        const seq = next++;
        buffer.push(await planItem(input, handles[seq]!, seq, members, policy));
        if (buffer.length >= INSERT_BATCH) await flush();
      }
    };
    const concurrency = Math.max(1, input.concurrency ?? getConfig().SESSION_LOAD_CONCURRENCY);
    await Promise.all(Array.from({ length: Math.min(concurrency, handles.length) }, worker));
    await flush();
    await markPlanned(runId, handles.length);
    return { runId, total: handles.length };
  } catch (error) {
    await discardPlanningRun(runId);
    throw error;
  }
}

export async function planItem(input: PlanInput, handle: string, seq: number, members: Set<string> | undefined, policy: { maxRetries: number; baseMs: number }): Promise<NewItem> {
  const base = { seq, session_handle: handle, tenant_id: null, plan_error: null, fingerprint: null, doc_json: null, result_fingerprint: null, summary_json: null };
  let info: SessionInfo | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      info = await getSessionInfo(handle);
      break;
    } catch (error) {
      const failure = await classifyFailure(error);
      if (failure.transient && attempt < policy.maxRetries) {
        await sleep(backoffMs(attempt + 1, policy.baseMs));
        continue;
      }
      // The core is down, not one session: the dry run as a whole cannot be trusted; stop and say so.
      if (isOutageResponse(error)) throw error;
      return { ...base, plan: "error", plan_error: `Could not read this session: ${failure.error}` };
    }
  }
  if (!info) return { ...base, plan: "ended" };
  const withTenant = { ...base, tenant_id: info.tenantId };
  // (The run's write checks it again, as every write does: writeSessionData answers "not-found".)
  if (members && !members.has(handle) && !(await sessionBelongsTo(info, input.userId))) {
    return { ...withTenant, plan: "error", plan_error: "This session belongs to another user; it is left alone." };
  }
  const doc = info.sessionDataInDatabase;
  const result = applyBulkOperation(doc, input.operation);
  if (result.kind === "error") return { ...withTenant, plan: "error", plan_error: result.error };
  // The editor's size limit holds for the data as the change leaves it: a session this change would take
  // past it is reported now, in the dry run, not when the write is refused.
  const next = result.kind === "will-change" ? canonicalJson(result.next) : null;
  const maxBytes = getConfig().MAX_SESSION_DATA_BYTES;
  if (next !== null && utf8Length(next) > maxBytes) {
    return { ...withTenant, plan: "error", plan_error: `With this change the data would be ${formatBytes(utf8Length(next))}; the limit is ${formatBytes(maxBytes)}. It is left alone.` };
  }
  // The session-data schema (app/schema): a change that would add errors to a session is shown with the
  // errors and skipped by the run, as the single-session write would refuse it.
  if (result.kind === "will-change") {
    const schemaCheck = await checkWriteAgainstSchema({ tenantId: info.tenantId, before: doc, next: result.next, staff: input.staff });
    if (schemaCheck.status === "refused") {
      return {
        ...withTenant,
        plan: "schema-violation",
        plan_error: `Would violate the schema "${schemaCheck.schema.name}" (version ${schemaCheck.schema.version}): ${describeIssues(schemaCheck.introduced)}. The run skips this session.`.slice(0, 2000),
        fingerprint: fingerprint(doc),
        summary_json: JSON.stringify(result.summary),
      };
    }
  }
  // No copy of the data is kept: the run makes the write from its own read, which it only goes on with
  // when that read has this same fingerprint (and so gives this same result).
  return {
    ...withTenant,
    plan: result.kind,
    // Why a session is left alone ("set only where missing" where the key is there): the dry run shows it.
    plan_error: result.kind === "already-so" ? (result.note ?? null) : null,
    fingerprint: fingerprint(doc),
    result_fingerprint: next !== null ? fingerprintOfCanonical(next) : null,
    summary_json: result.kind === "will-change" ? JSON.stringify(result.summary) : null,
  };
}
