import { Form, Link, useNavigation, useRevalidator } from "@remix-run/react";
import { ConfirmSubmit } from "~/components/confirm-submit";
import { JsonDiffView } from "./diff-editor.client";
import { ReasonField } from "./reason-field";
import type { SessionEditAnswer } from "./types";

type Conflict = Extract<SessionEditAnswer, { kind: "conflict" }>;
type Overtaken = Extract<SessionEditAnswer, { kind: "overtaken" }>;

/**
 * Someone changed the data after the editor loaded it. Shows the original, their version now and mine,
 * with both diffs, and the ways on: apply my changes on top of theirs (only when no path overlaps),
 * overwrite theirs (explicit, two clicks, audited as an overwrite), or start again from theirs.
 *
 * The same view serves "overtaken": my change was written, but another one (the customer's app) landed
 * right after it. Then it shows what I wrote against what the session holds now, and the same ways on:
 * re-apply my changes on top of the current data, write mine over it again, or load the current data.
 */
export function ConflictPanel({
  conflict,
  reason,
  onReasonChange,
  reasonRequired,
  onBack,
  dark,
  editorsReady,
}: {
  conflict: Conflict | Overtaken;
  reason: string;
  onReasonChange: (value: string) => void;
  reasonRequired: boolean;
  onBack: () => void;
  dark: boolean;
  editorsReady: boolean;
}) {
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const busy = navigation.state === "submitting";
  const fields = { text: conflict.yoursText, original: conflict.originalText, fingerprint: conflict.fingerprint, theirsFingerprint: conflict.theirsFingerprint, reason };
  const overtaken = conflict.kind === "overtaken";
  return (
    <section aria-labelledby="conflict-heading" className="card space-y-4 border-amber-400 p-4 dark:border-amber-700" data-testid={overtaken ? "overtaken-panel" : "conflict-panel"}>
      <div>
        <h2 id="conflict-heading" className="text-lg font-semibold">
          {overtaken ? "Your change was written, but another change landed right after it" : "Conflict: the data changed while you were editing"}
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">{conflict.error}</p>
        {overtaken ? <p className="text-xs text-slate-500">Audit entry {conflict.entryId} records both versions.</p> : null}
        {!overtaken && conflict.theirChange ? (
          <p className="text-xs">
            <Link className="text-indigo-700 hover:underline dark:text-indigo-300" to={`/audit/${conflict.theirChange.entryId}`}>
              Their change in the audit trail →
            </Link>
          </p>
        ) : null}
      </div>
      <div className="space-y-4">
        {overtaken ? (
          <div className="space-y-1">
            <h3 className="text-sm font-semibold">What you wrote → what the session holds now</h3>
            {editorsReady ? <JsonDiffView original={conflict.writtenText} modified={conflict.theirsText} dark={dark} maxLines={16} label="The later change" /> : null}
          </div>
        ) : (
          <div className="space-y-1">
            <h3 className="text-sm font-semibold">Their change: original → theirs now</h3>
            {editorsReady ? <JsonDiffView original={conflict.originalText} modified={conflict.theirsText} dark={dark} maxLines={16} label="Their change" /> : null}
          </div>
        )}
        <div className="space-y-1">
          <h3 className="text-sm font-semibold">Your change: original → yours</h3>
          {editorsReady ? <JsonDiffView original={conflict.originalText} modified={conflict.yoursText} dark={dark} maxLines={16} label="Your change" /> : null}
        </div>
      </div>
      {conflict.merge.ok ? (
        <div className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
          <p>
            {overtaken
              ? "Your changes can go on top of the data the session holds now. Re-applying them writes "
              : "Your changes touch different places than theirs, so they can go on top of their version. Applying them writes "}
            {conflict.merge.changes} {conflict.merge.changes === 1 ? "change" : "changes"} to {overtaken ? "the current" : "their"} data:{" "}
            <span className="mono">{conflict.merge.summary}</span>
          </p>
        </div>
      ) : (
        <div className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100" data-testid="conflict-clashes">
          <p>
            {overtaken
              ? "Your changes and the later change touch the same places, so yours cannot simply be re-applied on top:"
              : "Your changes and theirs touch the same places, so yours cannot simply be applied on top:"}
          </p>
          <ul className="mono mt-1 list-inside list-disc">
            {conflict.merge.paths.map((path) => (
              <li key={path}>{path}</li>
            ))}
          </ul>
        </div>
      )}
      <ReasonField id="conflict-reason" value={reason} onChange={onReasonChange} required={reasonRequired} />
      <div className="flex flex-wrap items-center gap-2">
        <Form method="post" replace>
          <input type="hidden" name="intent" value="apply-mine-to-theirs" />
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <button type="submit" className="btn-primary" disabled={!conflict.merge.ok || busy}>
            {overtaken ? "Re-apply my changes on top of the current data" : "Apply my changes to theirs"}
          </button>
        </Form>
        {overtaken ? (
          <ConfirmSubmit intent="overwrite" label="Write mine over it again" confirmLabel="Click again to replace the later change with yours" fields={fields} danger />
        ) : (
          <ConfirmSubmit intent="overwrite" label="Overwrite theirs" confirmLabel="Click again to overwrite their changes" fields={fields} danger />
        )}
        {overtaken ? null : (
          <button type="button" className="btn" onClick={onBack} disabled={busy}>
            Back to editing
          </button>
        )}
        <button type="button" className="btn" onClick={() => revalidator.revalidate()} disabled={busy}>
          {overtaken ? "Load the current data" : "Discard my edit and load theirs"}
        </button>
      </div>
    </section>
  );
}
