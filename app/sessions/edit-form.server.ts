/**
 * The session page's action, out of the route module: validate the posted form, run one of its three
 * intents through writeSessionData, and answer with a redirect + toast or a SessionEditAnswer.
 *
 * Intents
 * - write: the editor's text, written if the session still holds the data the editor started from.
 * - apply-mine-to-theirs: after a conflict, my patch (original → mine) on top of their current data,
 *   when no path overlaps; the same data the conflict view previewed (checked by fingerprint).
 * - overwrite: after a conflict, my text replaces theirs; audited as "overwrite-after-conflict".
 *
 * The form carries the text the editor started from (`original`) and its fingerprint; the fingerprint is
 * what the conflict check relies on, the text only lets the server rebuild the three-way view. The two
 * must agree, so a stale or edited form cannot smuggle in a different base.
 */
import { json } from "@remix-run/node";
import { z } from "zod";
import { AUDIT_REASON_MAX_LENGTH, AuditReasonRequiredError } from "~/audit/audit.server";
import type { MergePreview, SessionEditAnswer } from "~/components/session-editor/types";
import { getConfig } from "~/config.server";
import { getSessionInfo } from "~/core/sessions.server";
import { canonicalJson, diffJson, fingerprint, layoutJson, parseSessionDataText, rebase, summarizeChanges, type JsonObject } from "~/json";
import type { StaffUser } from "~/staff/roles";
import { SCHEMA_OVERRIDE_REASON_MAX } from "~/schema/guard.server";
import { describeIssues } from "~/schema/rules";
import { formatCount, formatDateTime } from "~/utils/format";
import { redirectWithToast } from "~/utils/toast.server";
import { sessionEditLens, type SessionEditLens } from "~/masking/session-edit.server";
import { NOT_THIS_USERS_SESSION, sessionBelongsTo } from "./ownership.server";
import { findConflictingChange, listSessionHistory } from "./history.server";
import { pointerToKeyPath } from "./paths";
import { failedOutcome, writeSessionData, type WriteAction, type WriteOutcome } from "./write.server";

const fingerprintField = z.string().regex(/^sha256:[0-9a-f]{64}$/, "not a fingerprint");
const common = {
  text: z.string(),
  original: z.string(),
  fingerprint: fingerprintField,
  reason: z.string().max(AUDIT_REASON_MAX_LENGTH, `The reason must be at most ${AUDIT_REASON_MAX_LENGTH} characters.`).optional(),
  /** An admin writing data the session-data schema refuses says why (app/schema/guard.server.ts). */
  schemaOverrideReason: z.string().max(SCHEMA_OVERRIDE_REASON_MAX, `The override reason must be at most ${SCHEMA_OVERRIDE_REASON_MAX} characters.`).optional(),
};
export const sessionEditFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("write"), ...common }),
  z.object({ intent: z.literal("apply-mine-to-theirs"), ...common, theirsFingerprint: fingerprintField }),
  z.object({ intent: z.literal("overwrite"), ...common, theirsFingerprint: fingerprintField }),
]);

const answer = (body: SessionEditAnswer, status: number) => json(body, { status });

export async function runSessionEditForm(input: { staff: StaffUser; userId: string; sessionHandle: string; form: FormData }): Promise<Response> {
  const { staff, userId, sessionHandle } = input;
  const parsed = sessionEditFormSchema.safeParse(Object.fromEntries(input.form));
  if (!parsed.success) {
    const reasonIssue = parsed.error.issues.find((issue) => issue.path[0] === "reason");
    return answer({ kind: "invalid", error: reasonIssue?.message ?? "That request was not understood. Reload the page and try again; nothing was written." }, 400);
  }
  const form = parsed.data;
  const maxBytes = getConfig().MAX_SESSION_DATA_BYTES;
  const mine = parseSessionDataText(form.text, { maxBytes });
  if (!mine.ok) return answer({ kind: "invalid", error: `${mine.error}. Nothing was written.`, line: mine.line, column: mine.column }, 400);
  // The base may legitimately be larger than the limit (the app wrote it); only its shape matters here.
  const original = parseSessionDataText(form.original, { maxBytes: Number.MAX_SAFE_INTEGER });
  // A masked page's fingerprint is sealed (app/masking): its masked text is checked against what the core holds.
  // Read at most once here, and only when masking applies to this staff member (the write re-reads anyway).
  let currentRead: Promise<CurrentRead> | undefined;
  const readOnce = () => (currentRead ??= readCurrent(sessionHandle, userId));
  const lens = await sessionEditLens(staff, sessionHandle, async () => {
    const current = await readOnce();
    return current.status === "ok" ? current.tenantId : undefined;
  });
  const currentData = async () => {
    const current = await readOnce();
    return current.status === "ok" ? current.data : undefined;
  };
  if (!original.ok || !(await lens.baseMatches(original.value, form.fingerprint, currentData))) {
    return answer({ kind: "invalid", error: "The page's copy of the original data does not match its fingerprint. Reload the page; nothing was written." }, 400);
  }
  const reason = form.reason?.trim() || undefined;
  if (!reason && getConfig().AUDIT_REASON_REQUIRED) return answer({ kind: "invalid", error: new AuditReasonRequiredError().message }, 400);
  const here = `/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(sessionHandle)}`;
  const at = { here, sessionHandle, lens };
  const write = (next: JsonObject, expectedFingerprint: string, action: WriteAction) =>
    writeSessionData({ staff, userId, sessionHandle, next, expectedFingerprint, reason, action, schemaOverride: schemaOverrideOf(form.schemaOverrideReason) });

  switch (form.intent) {
    case "write": {
      if (canonicalJson(mine.value) === canonicalJson(original.value)) {
        return answer({ kind: "nothing-to-write", error: "Nothing to write: the data is the same as when you opened it." }, 400);
      }
      const prepared = await prepareMaskedWrite(lens, mine.value, form.fingerprint, readOnce, original.value);
      if (!prepared.ok) return prepared.response;
      const outcome = await write(prepared.next, prepared.expectedFingerprint, "edit");
      return respond(outcome, { ...at, base: original.value, original: original.value, mine: mine.value, fingerprint: form.fingerprint });
    }
    case "apply-mine-to-theirs": {
      const current = await readCurrent(sessionHandle, userId);
      if (current.status !== "ok") return respondToRead(current);
      const theirs = current.data;
      // Masked staff merge in the masked view (what they saw); the hidden values go back on the write.
      const theirsShown = lens.show(theirs);
      const context = { ...at, base: theirsShown, original: original.value, mine: mine.value, fingerprint: form.fingerprint };
      // Changed again since the conflict view was shown: show the new state, write nothing.
      if (!lens.stands(form.theirsFingerprint, theirs)) return conflictAnswer(context, theirs, fingerprint(theirs), true);
      const merged = rebase(original.value, mine.value, theirsShown);
      if (!merged.ok) return conflictAnswer(context, theirs, fingerprint(theirs), false);
      const next = merged.value as JsonObject;
      if (canonicalJson(next) === canonicalJson(theirsShown)) {
        return redirectWithToast(here, { kind: "info", title: "Nothing to write", description: "Their version already contains your changes." });
      }
      const prepared = lens.prepareWrite(next, form.theirsFingerprint, theirs);
      if (!prepared.ok) return answer({ kind: "invalid", error: prepared.error }, 400);
      return respond(await write(prepared.next, prepared.expectedFingerprint, "edit"), context);
    }
    case "overwrite": {
      // Explicit and two-step in the page; audited under its own name so nobody mistakes it for an edit.
      const prepared = await prepareMaskedWrite(lens, mine.value, form.theirsFingerprint, readOnce);
      if (!prepared.ok) return prepared.response;
      const outcome = await write(prepared.next, prepared.expectedFingerprint, "overwrite-after-conflict");
      return respond(outcome, { ...at, base: null, original: original.value, mine: mine.value, fingerprint: form.fingerprint });
    }
  }
}

interface AnswerContext {
  here: string;
  sessionHandle: string;
  /** What the write was applied to, for the toast's summary (null: take it from the audit's "before"). */
  base: JsonObject | null;
  original: JsonObject;
  mine: JsonObject;
  fingerprint: string;
  /** Masks what goes back to the page when values are hidden from this staff member (app/masking). */
  lens: SessionEditLens;
}

async function respond(outcome: WriteOutcome, context: AnswerContext): Promise<Response> {
  switch (outcome.status) {
    case "written": {
      const summary = context.base ? summarizeChanges(diffJson(context.base, context.lens.show(outcome.after)), { maxItems: 6 }).text : undefined;
      const n = outcome.changes;
      return redirectWithToast(context.here, {
        kind: "success",
        title: `Session data updated — ${formatCount(n)} ${n === 1 ? "change" : "changes"}`,
        description: withSchemaNote(summary ? truncate(summary, 480) : "Their version was overwritten with yours.", outcome.schemaErrors),
      });
    }
    case "overtaken":
      // Not "saved": what staff reviewed is not what the session holds now. Both versions, and the ways on.
      return overtakenAnswer(context, outcome);
    case "unchanged":
      return redirectWithToast(context.here, { kind: "info", title: "Nothing to write", description: "The session already holds this data." });
    case "not-found":
      throw notThisUsersSession();
    case "conflict":
      return conflictAnswer(context, outcome.theirs, outcome.theirsFingerprint, false);
    case "session-gone":
      return answer({ kind: "session-gone", error: "This session has ended or expired, so its data can no longer be changed. Nothing was written." }, 410);
    case "schema-refused":
      return answer(
        {
          kind: "schema-refused",
          error: `${outcome.error} Your edit is still here.`,
          schemaName: outcome.schema.name,
          schemaVersion: outcome.schema.version,
          wasValid: outcome.wasValid,
          introduced: outcome.introduced.map(({ pointer, path, message }) => ({ pointer, path, message })),
          remaining: outcome.remaining.map(({ pointer, path, message }) => ({ pointer, path, message })),
        },
        422,
      );
    case "failed":
      return answer({ kind: "failed", error: `${outcome.error} Your edit is still here.`, transient: outcome.transient }, outcome.transient ? 503 : 502);
  }
}

function mergePreview(context: AnswerContext, theirsReal: JsonObject): MergePreview {
  const theirs = context.lens.show(theirsReal);
  const merged = rebase(context.original, context.mine, theirs);
  if (!merged.ok) return { ok: false, clashes: merged.clashes, paths: merged.clashes.map((pointer) => pointerToKeyPath(pointer, theirs)) };
  const changes = diffJson(theirs, merged.value);
  return { ok: true, text: layoutJson(merged.value), summary: summarizeChanges(changes).text, changes: changes.length };
}

function overtakenAnswer(context: AnswerContext, outcome: Extract<WriteOutcome, { status: "overtaken" }>): Response {
  return answer(
    {
      kind: "overtaken",
      error:
        "Your change was written, but another change landed right after it, so the session no longer holds what you wrote. Compare the versions below; you can re-apply your change on top of the data it holds now.",
      originalText: layoutJson(context.original),
      writtenText: layoutJson(context.lens.show(outcome.written)),
      theirsText: layoutJson(context.lens.show(outcome.current)),
      yoursText: layoutJson(context.mine),
      fingerprint: context.fingerprint,
      theirsFingerprint: context.lens.token(outcome.current),
      merge: mergePreview(context, outcome.current),
      entryId: outcome.entryId,
    },
    200,
  );
}

const notThisUsersSession = () => json({ message: NOT_THIS_USERS_SESSION }, { status: 404 });

async function conflictAnswer(context: AnswerContext, theirs: JsonObject, theirsFingerprint: string, changedAgain: boolean): Promise<Response> {
  const merge = mergePreview(context, theirs);
  // Who and when, when the audit trail knows (the change came through Session Desk); and the session's
  // history as it is now, conflict included, since the page keeps the editor rather than reloading.
  const [theirChange, history] = await Promise.all([findConflictingChange(context.sessionHandle, theirsFingerprint), listSessionHistory(context.sessionHandle, undefined, context.lens)]);
  const who = theirChange
    ? `${theirChange.staffName} (${theirChange.staffEmail}) changed this session's data through Session Desk at ${formatDateTime(Date.parse(theirChange.at))}`
    : "This session's data was changed outside Session Desk (by the app or the user's device; the core does not record who or when)";
  const error = changedAgain
    ? `The session's data changed again while you were looking at the conflict: ${who.charAt(0).toLowerCase()}${who.slice(1)}. Nothing was written; review the new version below.`
    : `${who}, after you opened it. Nothing was written. Compare the versions below and choose how to go on.`;
  return answer(
    {
      kind: "conflict",
      error,
      originalText: layoutJson(context.original),
      theirsText: layoutJson(context.lens.show(theirs)),
      yoursText: layoutJson(context.mine),
      fingerprint: context.fingerprint,
      theirsFingerprint: context.lens.token(theirs),
      merge,
      theirChange,
      history,
    },
    409,
  );
}

type CurrentRead = { status: "ok"; data: JsonObject; tenantId: string } | { status: "gone" } | { status: "failed"; outcome: WriteOutcome };

/** The session's data now, for "apply mine to theirs"; a session that is not `userId`'s is a 404. */
async function readCurrent(sessionHandle: string, userId: string): Promise<CurrentRead> {
  try {
    const info = await getSessionInfo(sessionHandle);
    if (info && !(await sessionBelongsTo(info, userId))) throw notThisUsersSession();
    return info ? { status: "ok", data: info.sessionDataInDatabase, tenantId: info.tenantId } : { status: "gone" };
  } catch (error) {
    return { status: "failed", outcome: await failedOutcome(error) };
  }
}

function respondToRead(read: Exclude<CurrentRead, { status: "ok" }>): Response {
  if (read.status === "gone") return answer({ kind: "session-gone", error: "This session has ended or expired, so its data can no longer be changed. Nothing was written." }, 410);
  const failed = read.outcome as Extract<WriteOutcome, { status: "failed" }>;
  return answer({ kind: "failed", error: `${failed.error} Nothing was written; your edit is still here.`, transient: failed.transient }, failed.transient ? 503 : 502);
}

/** An admin's override reason from the form, when given. */
function schemaOverrideOf(reason: string | undefined): { reason: string } | undefined {
  const trimmed = reason?.trim();
  return trimmed ? { reason: trimmed } : undefined;
}

/** A written change to data that still breaks its schema says so: which errors remain. */
function withSchemaNote(description: string, schemaErrors: { path: string; message: string }[] | undefined): string {
  if (!schemaErrors || schemaErrors.length === 0) return description;
  const n = schemaErrors.length;
  return `${description} The data still breaks its schema in ${n} ${n === 1 ? "place" : "places"}: ${truncate(describeIssues(schemaErrors, 3), 400)}.`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * For a masked page: what the core holds now decides the write (the page's sealed fingerprint is checked
 * against it, and the hidden values are put back from it). For an unmasked page, the edit as it is.
 */
async function prepareMaskedWrite(
  lens: SessionEditLens,
  mine: JsonObject,
  pageFingerprint: string,
  read: () => Promise<CurrentRead>,
  base?: JsonObject,
): Promise<{ ok: true; next: JsonObject; expectedFingerprint: string } | { ok: false; response: Response }> {
  if (!lens.masked) return { ok: true, next: mine, expectedFingerprint: pageFingerprint };
  // A base with the page's own fingerprint is the real data (nothing was hidden from the page, or it was
  // loaded during a reveal): the write's fingerprint check makes sure the core still holds it.
  if (base && fingerprint(base) === pageFingerprint) {
    const prepared = lens.prepareWrite(mine, pageFingerprint, base);
    return prepared.ok ? prepared : { ok: false, response: answer({ kind: "invalid", error: prepared.error }, 400) };
  }
  const current = await read();
  // Gone: the write finds it gone too, and records that in the audit trail as for any edit.
  if (current.status === "gone") return { ok: true, next: mine, expectedFingerprint: pageFingerprint };
  if (current.status !== "ok") return { ok: false, response: respondToRead(current) };
  const prepared = lens.prepareWrite(mine, pageFingerprint, current.data);
  return prepared.ok ? prepared : { ok: false, response: answer({ kind: "invalid", error: prepared.error }, 400) };
}
