import { useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { JsonText } from "~/components/json-text";
import { diffJson, formatBytes, parseSessionDataText, prettyJson, summarizeChanges } from "~/json";
import { JsonCodeEditor } from "./code-editor.client";
import { ConflictPanel } from "./conflict-panel";
import { ReviewPanel, type ReviewSnapshot } from "./review-panel";
import { JsonTreeEditor } from "./tree-editor.client";
import type { SessionEditAnswer } from "./types";
import { UnsavedChangesGuard } from "./unsaved-changes-guard";
import { useEditorsReady } from "./use-client-ready";
import { useDarkMode } from "./use-dark-mode";
import { useSessionDraft } from "./use-session-draft";

type Mode = "edit" | "review" | "conflict";

/**
 * Editing one session's data: monaco text and a tree view of the same document, kept in sync; then the
 * review; then the write (or the conflict view). Mount it with `key={fingerprint}` so a successful
 * write, which reloads the data, starts a fresh edit.
 */
export function SessionDataWorkspace({
  originalText,
  fingerprint,
  maxBytes,
  canEdit,
  reasonRequired,
  answer: latestAnswer,
}: {
  originalText: string;
  fingerprint: string;
  maxBytes: number;
  canEdit: boolean;
  reasonRequired: boolean;
  answer: SessionEditAnswer | undefined;
}) {
  const editorsReady = useEditorsReady();
  const dark = useDarkMode();
  const draft = useSessionDraft(originalText, maxBytes);
  const navigation = useNavigation();
  const [mode, setMode] = useState<Mode>("edit");
  const [review, setReview] = useState<ReviewSnapshot | null>(null);
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  // An answer that was already there when this workspace mounted belongs to the previous data (e.g. the
  // conflict that "Discard my edit and load theirs" just left behind), not to this edit.
  const [staleAnswer] = useState(latestAnswer);
  const answer = latestAnswer === staleAnswer ? undefined : latestAnswer;

  // Each answer from the server: a conflict (or a write overtaken right after) opens the conflict view; anything else goes back to the
  // editor, where the message is shown beside the (unchanged) text.
  useEffect(() => {
    if (!answer) return;
    setMode(answer.kind === "conflict" || answer.kind === "overtaken" ? "conflict" : "edit");
  }, [answer]);

  const openReview = useCallback(() => {
    // Checked on the exact current text (not the deferred one the status line uses).
    const parsed = parseSessionDataText(draft.text, { maxBytes });
    if (!parsed.ok) {
      setReviewError(`${parsed.error}. Fix it before reviewing.`);
      return;
    }
    setReviewError(null);
    setReview({
      text: draft.text,
      prettyOriginal: prettyJson(draft.original),
      prettyEdit: prettyJson(parsed.value),
      summary: summarizeChanges(diffJson(draft.original, parsed.value), { maxItems: 100 }),
    });
    setMode("review");
  }, [draft.text, draft.original, maxBytes]);

  // Ctrl/Cmd+S anywhere on the page (in monaco, the tree or elsewhere) opens the review instead of the
  // browser's "save page".
  const openReviewRef = useRef(openReview);
  openReviewRef.current = openReview;
  useEffect(() => {
    if (!canEdit) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault();
        if (mode === "edit") openReviewRef.current();
      }
    };
    window.addEventListener("keydown", onKeyDown, true);
    return () => window.removeEventListener("keydown", onKeyDown, true);
  }, [canEdit, mode]);

  const serverError = answer && answer.kind !== "conflict" && answer.kind !== "overtaken" ? answer.error : null;
  const status = draft.parsed.ok
    ? `Valid JSON object · ${formatBytes(draft.parsed.bytes)} of ${formatBytes(maxBytes)} · ${draft.changes.length === 0 ? "no changes" : `${draft.changes.length} ${draft.changes.length === 1 ? "change" : "changes"}`}`
    : draft.parsed.error;

  return (
    <div className="space-y-3">
      {canEdit ? <UnsavedChangesGuard dirty={draft.dirty && navigation.state === "idle"} /> : null}
      <div hidden={mode !== "edit"} className="space-y-3">
        <div className="flex flex-wrap items-center gap-2">
          {canEdit ? (
            <>
              <button type="button" className="btn" onClick={draft.format} disabled={!draft.parsed.ok}>
                Format
              </button>
              <button type="button" className="btn-primary" onClick={openReview} title="Ctrl+S / ⌘S">
                Review changes
              </button>
              <span className="text-xs text-slate-500">Ctrl+S / ⌘S opens the review</span>
            </>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-300">You can read this session's data; changing it needs the editor role.</p>
          )}
        </div>
        {serverError || reviewError ? (
          <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100" data-testid="editor-error">
            {reviewError ?? serverError}
          </p>
        ) : null}
        <p aria-live="polite" data-testid="editor-status" className={`text-xs ${draft.parsed.ok ? "text-slate-500" : "font-medium text-rose-700 dark:text-rose-300"}`}>
          {status}
        </p>
        {editorsReady ? (
          <div className="grid gap-3 xl:grid-cols-2">
            <section aria-label="JSON text" className="min-w-0 overflow-hidden rounded-md border border-slate-200 dark:border-slate-800">
              <JsonCodeEditor initialText={originalText} external={draft.external} onChange={draft.setText} readOnly={!canEdit} dark={dark} />
            </section>
            <section aria-label="Tree view" className="min-w-0 space-y-1">
              {!draft.parsed.ok && canEdit ? <p className="text-xs text-amber-700 dark:text-amber-300">The text has an error; the tree shows the last valid version and is read-only until it is fixed.</p> : null}
              <JsonTreeEditor data={draft.lastValid} onChange={draft.setValue} viewOnly={!canEdit || !draft.parsed.ok} dark={dark} />
            </section>
          </div>
        ) : (
          <JsonText value={draft.original} label="Session data" maxHeight="28rem" />
        )}
      </div>
      {mode === "review" && review ? (
        <ReviewPanel
          review={review}
          originalText={originalText}
          fingerprint={fingerprint}
          reason={reason}
          onReasonChange={setReason}
          reasonRequired={reasonRequired}
          onBack={() => setMode("edit")}
          dark={dark}
          editorsReady={editorsReady}
        />
      ) : null}
      {mode === "conflict" && (answer?.kind === "conflict" || answer?.kind === "overtaken") ? (
        <ConflictPanel conflict={answer} reason={reason} onReasonChange={setReason} reasonRequired={reasonRequired} onBack={() => setMode("edit")} dark={dark} editorsReady={editorsReady} />
      ) : null}
    </div>
  );
}
