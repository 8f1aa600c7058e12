/**
 * A read-only monaco DiffEditor (client-only). Both sides should be prettyJson() output, so the line
 * diff shows changes of content, never of formatting or key order.
 *
 * Unmount workaround (monaco ≥ 0.51 with @monaco-editor/react 4.7, monaco-react#647): disposing the
 * models before the diff widget lets go of them throws "TextModel got disposed before DiffEditorWidget
 * model got reset". We keep the models (the library then leaves them alone), and in our own cleanup —
 * which React runs before the child's — detach them with setModel(null) and only then dispose them.
 */
import { DiffEditor, type DiffOnMount } from "@monaco-editor/react";
import { useEffect, useRef } from "react";
import { tuneJsonLanguage } from "./monaco-loader.client";
import { LARGE_DOCUMENT_OPTIONS, LARGE_TEXT_CHARS } from "./code-editor.client";

type DiffEditorInstance = Parameters<DiffOnMount>[0];

const LINE_PX = 19;

/** Tall enough for short documents to show whole, at most `maxLines` before it scrolls. */
function heightFor(original: string, modified: string, maxLines: number): string {
  const lines = Math.max(original.split("\n").length, modified.split("\n").length);
  return `${Math.min(Math.max(lines, 4), maxLines) * LINE_PX + 12}px`;
}

/**
 * Above this many characters on a side (about 180 KiB of data) the diff shows only the changed regions
 * with a few lines around them (the rest folds into "n hidden lines" bars that open on a click), without
 * word wrap, folding or sticky scroll. Laying out and decorating every line of two 1.7 MB texts took the
 * page's thread over half a second at a stretch when a 1 MiB session's review opened. (The editor's
 * review passes an excerpt of the changed regions instead, review-excerpt.ts; the conflict, overtaken and
 * revert views pass whole texts and rely on these options.)
 */
const LARGE_DIFF_OPTIONS = {
  ...LARGE_DOCUMENT_OPTIONS,
  hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 3, revealLineCount: 20 },
  wordWrap: "off" as const,
};

export function JsonDiffView({
  original,
  modified,
  dark,
  maxLines = 28,
  label,
  lineNumbers,
}: {
  original: string;
  modified: string;
  dark: boolean;
  maxLines?: number;
  label: string;
  /** When the texts are excerpts: each line's number in the whole text (0 for a marker line, shown blank). */
  lineNumbers?: { original: number[]; modified: number[] };
}) {
  const editorRef = useRef<DiffEditorInstance | null>(null);
  const large = original.length > LARGE_TEXT_CHARS || modified.length > LARGE_TEXT_CHARS;
  useEffect(
    () => () => {
      const editor = editorRef.current;
      if (!editor) return;
      const models = editor.getModel();
      editor.setModel(null);
      models?.original.dispose();
      models?.modified.dispose();
      editorRef.current = null;
    },
    [],
  );
  return (
    <div role="group" aria-label={label} className="overflow-hidden rounded-md border border-slate-200 dark:border-slate-800">
      <DiffEditor
        height={large ? `${maxLines * LINE_PX + 12}px` : heightFor(original, modified, maxLines)}
        language="json"
        original={original}
        modified={modified}
        theme={dark ? "vs-dark" : "vs"}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        loading={<p className="p-3 text-sm text-slate-500">Loading the diff…</p>}
        beforeMount={tuneJsonLanguage}
        onMount={(editor) => {
          editorRef.current = editor;
          if (lineNumbers) {
            const label = (numbers: number[]) => (line: number) => (numbers[line - 1] ? String(numbers[line - 1]) : "");
            editor.getOriginalEditor().updateOptions({ lineNumbers: label(lineNumbers.original) });
            editor.getModifiedEditor().updateOptions({ lineNumbers: label(lineNumbers.modified) });
          }
        }}
        options={{
          ...(large ? LARGE_DIFF_OPTIONS : {}),
          readOnly: true,
          originalEditable: false,
          renderSideBySide: true,
          minimap: { enabled: false },
          fontSize: 13,
          lineHeight: LINE_PX,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          ignoreTrimWhitespace: false,
          renderOverviewRuler: false,
          // As in the code editor: U+2028/U+2029 in the data are kept and never prompted about.
          unusualLineTerminators: "off",
        }}
      />
    </div>
  );
}
