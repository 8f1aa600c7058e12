/**
 * THE write of session data. Every path that changes `sessionDataInDatabase` — the editor, "apply my
 * changes to theirs", overwrite after a conflict, revert, each item of a bulk apply — ends here.
 *
 * Why it is shaped like this: the core's write (`updateSessionDataInDatabase`) is a blind full
 * overwrite. It has no version number and no compare-and-set, so whatever we send replaces whatever
 * the core holds, including a change the app or another staff member made a second ago. So we:
 *
 *  1. re-read the session (it may have ended since the page loaded),
 *  2. compare the fingerprint of what the core holds now with the fingerprint of the data the caller
 *     started from — a mismatch means someone else changed it, and we stop with a conflict rather than
 *     silently discarding their change,
 *  3. skip the write when there is nothing to change,
 *  4. record the audit entry (before, after, RFC 6902 patch, reason) BEFORE calling the core, so a crash
 *     mid-call leaves a visible "outcome unknown" entry,
 *  5. write, then (for a single edit) re-read to record what the core actually holds.
 *
 * Steps 1–5 run under the session's write lock (session-lock.server.ts), so no other Session Desk
 * writer — another tab, another instance, a bulk run, a revert, a revoke — can pass its own check
 * between our check and our write: of N saves made from the same data, one is written and the rest
 * are conflicts.
 *
 * The session must belong to the user the caller names (ownership.server.ts): a handle from a form or
 * a URL is never trusted. The audit entry names the session's real owner, as the core reports it.
 *
 * What remains: the customer's own app writes to the core directly, and the core offers no
 * compare-and-set, so its write can land between our check and our write. For a single edit, one
 * landing right after ours shows in the re-read: the outcome is then "overtaken" (ours was written, and
 * replaced), never "written". A bulk run skips that re-read (`confirm: false`): a later change by
 * someone else is theirs to keep, not the run's.
 */
import { AuditReasonRequiredError, beginAudit, finishAudit } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import { CoreCallNotStartedError } from "~/core/core-pacing.server";
import { describeCoreError, isOutageResponse, type CoreProblem } from "~/core/problems.server";
import { getSessionInfo, updateSessionData, type SessionInfo } from "~/core/sessions.server";
import { countSessionWrite } from "~/observability/metrics.server";
import { applyPatch, byteSize, canonicalJson, describeType, diffJson, fingerprint, formatBytes, isPlainObject, patchFromChanges, type Change } from "~/json";
import type { StaffUser } from "~/staff/roles";
import { checkWriteAgainstSchema, type SchemaOverride, type SchemaOverrideRecord, type SchemaRef } from "~/schema/guard.server";
import type { SchemaIssue } from "~/schema/validator.server";
import { sessionBelongsTo } from "./ownership.server";
import { isSessionLockError, withSessionLock } from "./session-lock.server";

export type WriteAction = "edit" | "revert" | "overwrite-after-conflict" | "bulk-apply-item";

export interface WriteSessionDataInput {
  staff: StaffUser;
  /** The user the caller acts for (the URL's): the session must be theirs, or nothing happens ("not-found"). */
  userId: string;
  sessionHandle: string;
  /**
   * The complete new data: the core replaces the whole object with it. Or, for a change that does not
   * depend on one particular copy of the data (a bulk item), a function that makes it from what the core
   * holds now. It is called only once that data has passed the fingerprint check, so it gives what the
   * caller previewed; and made from the fresh read, the new data shares every untouched part of it,
   * which keeps the diff to the changed path.
   */
  next: Record<string, unknown> | DeriveNext;
  /** fingerprint() of the data the caller's change was made against (what the editor loaded). */
  expectedFingerprint: string;
  reason?: string;
  /** How the audit trail names this write; "edit" when not given. */
  action?: WriteAction;
  /** The bulk run this write belongs to. */
  runId?: string;
  /** The audit entry a revert undoes. */
  revertOf?: string;
  /**
   * Re-read after the write and record what the core holds if it differs (default true). A bulk run
   * turns it off: the re-read can only see a change that landed *after* ours, which is someone else's
   * later write and not a fault of the run, and it would cost every session a third core call.
   */
  confirm?: boolean;
  /**
   * An admin's decision to write data that the session-data schema refuses (app/schema/guard.server.ts),
   * with its reason: honoured for admins only, and recorded in the audit entry with the errors overridden.
   */
  schemaOverride?: SchemaOverride;
}

export type DeriveNext = (current: Record<string, unknown>) => { next: Record<string, unknown> } | { error: string };

export type WriteOutcome =
  /** `schemaErrors`: what the data still breaks in its schema (already so before, or overridden by an admin). */
  | { status: "written"; changes: number; entryId: string; after: Record<string, unknown>; schemaErrors?: SchemaIssue[] }
  /**
   * Ours was written, but the confirming re-read found other data: a change (the customer's app, most
   * likely) landed right after ours. `written` is what we wrote; `current` what the core holds now.
   */
  | { status: "overtaken"; changes: number; entryId: string; written: Record<string, unknown>; current: Record<string, unknown>; currentFingerprint: string }
  | { status: "unchanged" }
  /**
   * The session-data schema refused the change (it would add errors): nothing was written; the audit entry
   * says so. `introduced`: the errors it would add; `remaining`: those the data had already.
   */
  | { status: "schema-refused"; error: string; schema: SchemaRef; introduced: SchemaIssue[]; remaining: SchemaIssue[]; wasValid: boolean }
  /** The session is not the named user's: nothing was written and nothing audited. */
  | { status: "not-found" }
  | { status: "conflict"; theirs: Record<string, unknown>; theirsFingerprint: string }
  | { status: "session-gone" }
  | { status: "failed"; error: string; transient: boolean };

export async function writeSessionData(input: WriteSessionDataInput): Promise<WriteOutcome> {
  // Checked up front so the rule holds the same way for every outcome (conflicts are audited too).
  if (!input.reason?.trim() && getConfig().AUDIT_REASON_REQUIRED) throw new AuditReasonRequiredError();
  // Data given up front is checked before anything else; data made from the fresh read, once it is made.
  const given = typeof input.next === "function" ? undefined : input.next;
  const refused = given === undefined ? undefined : refusal(given);
  if (refused) return countSessionWrite(refused);
  try {
    return countSessionWrite(await withSessionLock(input.sessionHandle, () => writeLocked(input, given)));
  } catch (error) {
    // Another writer held the session for the whole wait (or the lock could not be asked for): nothing
    // was attempted and nothing audited; the caller says "try again" (a bulk run retries it).
    if (isSessionLockError(error)) return countSessionWrite({ status: "failed" as const, error: error.message, transient: true });
    throw error;
  }
}

/** Steps 1–5, with the session's write lock held. */
async function writeLocked(input: WriteSessionDataInput, given: Record<string, unknown> | undefined): Promise<WriteOutcome> {
  const action = input.action ?? "edit";
  // The real owner once the session is read (the URL may name a linked login method); until then the caller's.
  let owner = input.userId;
  const audit = (details: { before?: unknown; after?: unknown; patch?: unknown[]; tenantId?: string; schemaOverride?: SchemaOverrideRecord }) =>
    beginAudit({
      staff: input.staff,
      action,
      target: { userId: owner, sessionHandle: input.sessionHandle, tenantId: details.tenantId },
      reason: input.reason,
      before: details.before,
      after: details.after,
      patch: details.patch,
      runId: input.runId,
      revertOf: input.revertOf,
      schemaOverride: details.schemaOverride,
    });

  // 1. What does the core hold now?
  let current: SessionInfo | undefined;
  try {
    current = await getSessionInfo(input.sessionHandle);
    // Not this user's session: as if it did not exist, and nothing recorded under the wrong user.
    if (current && !(await sessionBelongsTo(current, input.userId))) return { status: "not-found" };
  } catch (error) {
    // A bulk run stopped before this session's read was sent: not a failure, nothing to report here.
    if (error instanceof CoreCallNotStartedError) throw error;
    // Nothing was attempted, so there is no audit entry: the caller shows the error (or retries).
    return await failedOutcome(error);
  }
  if (!current) {
    const entryId = await audit({ after: given });
    await finishAudit(entryId, { status: "session-gone", error: "The session ended or expired before the write; nothing was written." });
    return { status: "session-gone" };
  }
  owner = current.userId;
  const before = current.sessionDataInDatabase;

  // 2. Has anyone changed it since the caller read it?
  const theirsFingerprint = fingerprint(before);
  if (theirsFingerprint !== input.expectedFingerprint) {
    const entryId = await audit({ before, after: given, tenantId: current.tenantId });
    await finishAudit(entryId, {
      status: "conflict",
      error: `The data changed since it was loaded (expected ${input.expectedFingerprint}, the core holds ${theirsFingerprint}); nothing was written.`,
    });
    return { status: "conflict", theirs: before, theirsFingerprint };
  }

  let next: Record<string, unknown>;
  let diff: Change[] | undefined;
  if (given !== undefined) {
    // Written as a change to what the core holds, not as the page's whole text: what staff did not touch
    // keeps its stored place and bytes, even when they edited a view that sorts keys.
    diff = diffJson(before, given);
    next = inStoredOrder(before, given, diff);
  } else {
    // Nothing has been attempted yet, so a change that cannot be made here leaves no audit entry.
    const made = (input.next as DeriveNext)(before);
    if ("error" in made) return { status: "failed", error: `${made.error.replace(/\.?$/, ".")} Nothing was written.`, transient: false };
    const refusedMade = refusal(made.next);
    if (refusedMade) return refusedMade;
    next = made.next;
  }

  // 3. Nothing to change: no write. Recorded as "already so" so a bulk run accounts for every session.
  // The diff ignores key order as the fingerprint does, so "no changes" is "same canonical JSON".
  diff ??= diffJson(before, next);
  if (diff.length === 0) {
    const entryId = await audit({ before, patch: [], tenantId: current.tenantId });
    await finishAudit(entryId, { status: "already-so" });
    return { status: "unchanged" };
  }

  // 3b. The session-data schema: a write may not add errors (unless an admin overrides, with a reason).
  // Judged on exactly what would be written, with the lock held, so what was checked is what is written.
  const schemaCheck = await checkWriteAgainstSchema({ tenantId: current.tenantId, before, next, staff: input.staff, override: input.schemaOverride });
  if (schemaCheck.status === "refused") {
    const entryId = await audit({ before, patch: patchFromChanges(diff), tenantId: current.tenantId });
    await finishAudit(entryId, { status: "schema-refused", error: schemaCheck.message.slice(0, 3900) });
    const { schema, introduced, remaining, wasValid } = schemaCheck;
    return { status: "schema-refused", error: schemaCheck.message, schema, introduced, remaining, wasValid };
  }
  const schemaErrors = schemaCheck.status === "no-worse" || schemaCheck.status === "overridden" ? schemaCheck.remaining : undefined;

  // 4. Say what we are about to do, before doing it.
  const changes = diff.length;
  // `after` is left out: the entry derives it from `before` and the patch (BeginAuditInput.after).
  const entryId = await audit({ before, patch: patchFromChanges(diff), tenantId: current.tenantId, schemaOverride: schemaCheck.status === "overridden" ? schemaCheck.record : undefined });

  // 5. Write.
  let written: boolean;
  try {
    written = await updateSessionData(input.sessionHandle, next);
  } catch (error) {
    const outcome = await failedOutcome(error);
    // The core may or may not have applied it (e.g. a timeout after it wrote): "failed" with the
    // cause, and the re-read on the next attempt will show the truth.
    await finishAudit(entryId, { status: "failed", error: outcome.error });
    return outcome;
  }
  if (!written) {
    await finishAudit(entryId, { status: "session-gone", error: "The session ended or expired before the write; nothing was written." });
    return { status: "session-gone" };
  }

  if (input.confirm === false) {
    await finishAudit(entryId, { status: "written" });
    return { status: "written", changes, entryId, after: next, schemaErrors };
  }

  // 6. Confirm: what does the core hold now? No Session Desk writer can have come in (we hold the
  // lock), so other data here is a write by the app itself, landed right after ours.
  let note: string | undefined;
  let overtakenBy: Record<string, unknown> | undefined;
  try {
    const confirmed = await getSessionInfo(input.sessionHandle);
    if (!confirmed) note = "The write was accepted, but the session ended right after it, so the result could not be confirmed.";
    else if (canonicalJson(confirmed.sessionDataInDatabase) !== canonicalJson(next)) overtakenBy = confirmed.sessionDataInDatabase;
  } catch (error) {
    note = `The write was accepted, but re-reading it failed: ${(await failedOutcome(error)).error}`;
  }
  if (overtakenBy) {
    await finishAudit(entryId, {
      status: "overtaken",
      error: "This change was written, but another change landed right after it: the core now holds different data (recorded here).",
      after: overtakenBy,
    });
    return { status: "overtaken", changes, entryId, written: next, current: overtakenBy, currentFingerprint: fingerprint(overtakenBy) };
  }
  await finishAudit(entryId, { status: "written", error: note });
  return { status: "written", changes, entryId, after: next, schemaErrors };
}

/**
 * The editor's limits, for every path whatever computed the data (a bulk change, a revert): the core
 * would store anything, and the app would then have to load it on every request.
 */
/**
 * `given` laid out as `before` is held: `changes` (before → given) applied to `before`, so untouched keys
 * keep their order and their values their exact text; new keys come last. Falls back to `given` if the
 * result is not the same data (it always should be).
 */
function inStoredOrder(before: Record<string, unknown>, given: Record<string, unknown>, changes: Change[]): Record<string, unknown> {
  if (changes.length === 0) return before;
  try {
    const laid = applyPatch(before, patchFromChanges(changes));
    return isPlainObject(laid) && canonicalJson(laid) === canonicalJson(given) ? laid : given;
  } catch {
    return given;
  }
}

function refusal(next: unknown): { status: "failed"; error: string; transient: false } | undefined {
  if (!isPlainObject(next)) return { status: "failed", error: `Session data must be a JSON object, not ${describeType(next)}. Nothing was written.`, transient: false };
  const maxBytes = getConfig().MAX_SESSION_DATA_BYTES;
  const nextBytes = byteSize(next);
  if (nextBytes > maxBytes) {
    return { status: "failed", error: `The data would be ${formatBytes(nextBytes)}; the limit is ${formatBytes(maxBytes)}. Nothing was written.`, transient: false };
  }
  return undefined;
}

/**
 * A core error as a "failed" outcome. Connection errors, 5xx and 429 are transient (worth retrying); a
 * wrong API key or CDI version is not. The outage (503 Response that callCore throws) is turned into a
 * failure here so the editor can keep the person's text beside the message instead of leaving the page.
 */
export async function failedOutcome(error: unknown): Promise<{ status: "failed"; error: string; transient: boolean }> {
  let problem: CoreProblem;
  if (isOutageResponse(error)) {
    const body = (await error.clone().json().catch(() => null)) as { coreProblem?: CoreProblem } | null;
    problem = body?.coreProblem ?? describeCoreError(new Error("No SuperTokens core available to query"));
  } else if (error instanceof Response) {
    throw error;
  } else {
    problem = describeCoreError(error);
  }
  const transient = problem.kind === "unreachable" || problem.kind === "transient";
  return { status: "failed", error: `${problem.cause} ${problem.advice}`, transient };
}
