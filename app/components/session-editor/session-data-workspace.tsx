import { useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { JsonText } from "~/components/json-text";
import { formatBytes } from "~/json";
import { JsonCodeEditor, type CodeEditorHandle } from "./code-editor.client";
import { ConflictPanel } from "./conflict-panel";
import { ReviewPanel, type ReviewSnapshot } from "./review-panel";
import { JsonTreeEditor } from "./tree-editor.client";
import type { SessionEditAnswer } from "./types";
import { UnsavedChangesGuard } from "./unsaved-changes-guard";
import { useEditorsReady } from "./use-client-ready";
import { useDarkMode } from "./use-dark-mode";
import { useSessionDraft } from "./use-session-draft";
import { SchemaRefusal } from "~/components/schema/schema-refusal";
import type { SessionSchemaView } from "~/schema/page.server";
import type { EditorSchema } from "./code-editor.client";
import { LARGE_TEXT_CHARS } from "./types";

type Mode = "edit" | "review" | "conflict";

/** Before the editors start, the page shows the data as text; a long document only in part (it is in the editor a moment later). */
const FALLBACK_PREVIEW_CHARS = 50_000;

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
  schema = null,
  canOverrideSchema = false,
}: {
  originalText: string;
  fingerprint: string;
  maxBytes: number;
  canEdit: boolean;
  reasonRequired: boolean;
  answer: SessionEditAnswer | undefined;
  /** The session-data schema that applies (app/schema), with where the stored data breaks it. */
  schema?: SessionSchemaView | null;
  /** Admins may write a change the schema refuses, with a reason. */
  canOverrideSchema?: boolean;
}) {
  // Live schema checks in monaco, except above the large-document threshold, where they would cost every
  // keystroke work in proportion to the whole document: the server still checks every write.
  const [liveSchema] = useState<EditorSchema | null>(() =>
    schema && originalText.length <= LARGE_TEXT_CHARS ? { uri: `inmemory://session-desk/schemas/${schema.id}/${schema.version}.json`, text: schema.text } : null,
  );
  const [schemaMarkers, setSchemaMarkers] = useState<Map<string, string[]> | undefined>(undefined);
  const editorsReady = useEditorsReady();
  const dark = useDarkMode();
  const draft = useSessionDraft(originalText, maxBytes);
  const navigation = useNavigation();
  const [mode, setMode] = useState<Mode>("edit");
  const [review, setReview] = useState<ReviewSnapshot | null>(null);
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [preparingReview, setPreparingReview] = useState(false);
  const codeEditor = useRef<CodeEditorHandle | null>(null);
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

  const { review: prepareReview, format: formatText } = draft;
  const openReview = useCallback(async () => {
    // Checked on the exact current text, keystrokes not yet handed over included, in the worker.
    const text = codeEditor.current?.getText() ?? originalText;
    setPreparingReview(true);
    try {
      const prepared = await prepareReview(text);
      if (!prepared.ok) {
        setReviewError(`${prepared.error}. Fix it before reviewing.`);
        return;
      }
      setReviewError(null);
      setReview({ text: prepared.text, prettyOriginal: prepared.prettyOriginal, prettyEdit: prepared.prettyEdit, summary: prepared.summary, excerpt: prepared.excerpt });
      setMode("review");
    } catch (error) {
      setReviewError(`The review could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setPreparingReview(false);
    }
  }, [prepareReview, originalText]);
  const format = useCallback(() => {
    const text = codeEditor.current?.getText();
    if (text !== null && text !== undefined) void formatText(text);
  }, [formatText]);

  // Ctrl/Cmd+S anywhere on the page (in monaco, the tree or elsewhere) opens the review instead of the
  // browser's "save page".
  const openReviewRef = useRef(openReview);
  openReviewRef.current = openReview;
  useEffect(() => {
    if (!canEdit) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault();
        if (mode === "edit") void openReviewRef.current();
      }
    };
    window.addEventListener("keydown", onKeyDown, true);
    return () => window.removeEventListener("keydown", onKeyDown, true);
  }, [canEdit, mode]);

  const serverError = answer && answer.kind !== "conflict" && answer.kind !== "overtaken" && answer.kind !== "schema-refused" ? answer.error : null;
  const analysis = draft.analysis;
  const valid = analysis?.ok ?? true;
  const status = !analysis
    ? "Checking the data…"
    : analysis.ok
      ? `Valid JSON object · ${formatBytes(analysis.bytes)} of ${formatBytes(maxBytes)} · ${analysis.changeCount === 0 ? "no changes" : `${analysis.changeCount} ${analysis.changeCount === 1 ? "change" : "changes"}`}`
      : analysis.error;

  return (
    <div className="space-y-3">
      {canEdit ? <UnsavedChangesGuard dirty={draft.dirty && navigation.state === "idle"} /> : null}
      <div hidden={mode !== "edit"} className="space-y-3">
        <div className="flex flex-wrap items-center gap-2">
          {canEdit ? (
            <>
              <button type="button" className="btn" onClick={format} disabled={!analysis?.ok}>
                Format
              </button>
              <button type="button" className="btn-primary" onClick={() => void openReview()} disabled={preparingReview} title="Ctrl+S / ⌘S">
                {preparingReview ? "Preparing the review…" : "Review changes"}
              </button>
              <span className="text-xs text-slate-500">Ctrl+S / ⌘S opens the review</span>
            </>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-300">You can read this session's data; changing it needs the editor role.</p>
          )}
        </div>
        {schema ? (
          <div className="text-xs text-slate-600 dark:text-slate-300" data-testid="schema-status">
            <p>
              Checked against the schema “{schema.name}” (version {schema.version}
              {schema.source === "file" ? ", from file" : ""})
              {liveSchema ? " as you type: hover a marked place for the rule, Ctrl+Space for the keys and values it allows." : ". Live checks are off for a document this large (over 300,000 characters); the schema is checked when you write."}
            </p>
            {schema.issues.length > 0 ? (
              <p className="font-medium text-amber-800 dark:text-amber-200" data-testid="stored-schema-issues">
                The stored data already breaks it in {schema.issues.length} {schema.issues.length === 1 ? "place" : "places"}: {schema.issues.slice(0, 3).map((issue) => `${issue.path}: ${issue.message}`).join("; ")}
                {schema.issues.length > 3 ? "; …" : ""}. A change may leave these, but not add to them.
              </p>
            ) : null}
          </div>
        ) : null}
        {answer?.kind === "schema-refused" ? (
          <SchemaRefusal answer={answer} canOverride={canOverrideSchema} text={review?.text ?? null} originalText={originalText} fingerprint={fingerprint} reason={reason} />
        ) : null}
        {serverError || reviewError ? (
          <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100" data-testid="editor-error">
            {reviewError ?? serverError}
          </p>
        ) : null}
        <p aria-live="polite" data-testid="editor-status" className={`text-xs ${valid ? "text-slate-500" : "font-medium text-rose-700 dark:text-rose-300"}`}>
          {status}
        </p>
        {editorsReady ? (
          <div className="grid gap-3 xl:grid-cols-2">
            <section aria-label="JSON text" className="min-w-0 overflow-hidden rounded-md border border-slate-200 dark:border-slate-800">
              <JsonCodeEditor initialText={originalText} external={draft.external} onChange={draft.setText} onEdit={draft.markEdited} handleRef={codeEditor} readOnly={!canEdit} dark={dark} schema={liveSchema} onSchemaMarkers={setSchemaMarkers} />
            </section>
            <section aria-label="Tree view" className="min-w-0 space-y-1">
              {!valid && canEdit ? <p className="text-xs text-amber-700 dark:text-amber-300">The text has an error; the tree shows the last valid version and is read-only until it is fixed.</p> : null}
              {draft.treeValue ? (
                <JsonTreeEditor data={draft.treeValue} onChange={draft.setValue} viewOnly={!canEdit || !valid} dark={dark} invalid={liveSchema ? schemaMarkers : undefined} />
              ) : (
                <p className="p-3 text-sm text-slate-500">Reading the data…</p>
              )}
            </section>
          </div>
        ) : (
          <JsonText text={originalText.length > FALLBACK_PREVIEW_CHARS ? `${originalText.slice(0, FALLBACK_PREVIEW_CHARS)}\n…` : originalText} label="Session data" maxHeight="28rem" />
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
