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

type DiffEditorInstance = Parameters<DiffOnMount>[0];

const LINE_PX = 19;

/** Tall enough for short documents to show whole, at most `maxLines` before it scrolls. */
function heightFor(original: string, modified: string, maxLines: number): string {
  const lines = Math.max(original.split("\n").length, modified.split("\n").length);
  return `${Math.min(Math.max(lines, 4), maxLines) * LINE_PX + 12}px`;
}

export function JsonDiffView({ original, modified, dark, maxLines = 28, label }: { original: string; modified: string; dark: boolean; maxLines?: number; label: string }) {
  const editorRef = useRef<DiffEditorInstance | null>(null);
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
        height={heightFor(original, modified, maxLines)}
        language="json"
        original={original}
        modified={modified}
        theme={dark ? "vs-dark" : "vs"}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        loading={<p className="p-3 text-sm text-slate-500">Loading the diff…</p>}
        onMount={(editor) => {
          editorRef.current = editor;
        }}
        options={{
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
