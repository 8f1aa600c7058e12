/**
 * The JSON text editor (monaco, client-only). Monaco's JSON language gives syntax markers; the shared
 * parser (app/json) gives the message shown under the editor, so browser and server agree on what is valid.
 *
 * Monaco owns the text while the person types: it is NOT fed back through a `value` prop. With a
 * controlled value, a keystroke that lands before React re-renders makes the stale value differ from
 * the editor's content, the wrapper replaces the whole text, and the cursor jumps to the end mid-word.
 * Text from elsewhere (the tree view, Format) arrives as a numbered `external` update, applied once as
 * an edit (so Ctrl+Z still undoes it).
 */
import Editor, { type OnMount } from "@monaco-editor/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

type MonacoEditor = Parameters<OnMount>[0];

export interface ExternalText {
  /** Increases with every change made outside the editor; 0 = none yet. */
  revision: number;
  text: string;
}

const LINE_PX = 19;

export function JsonCodeEditor({
  initialText,
  external,
  onChange,
  readOnly,
  dark,
  height,
}: {
  initialText: string;
  external: ExternalText;
  onChange: (text: string) => void;
  readOnly: boolean;
  dark: boolean;
  /** CSS height; by default fits the text it opened with, between 10 and 32 lines. */
  height?: string;
}) {
  const [initialLines] = useState(() => initialText.split("\n").length);
  const editorRef = useRef<MonacoEditor | null>(null);
  const appliedRevision = useRef(0);

  const applyExternal = (editor: MonacoEditor) => {
    if (external.revision === appliedRevision.current) return;
    appliedRevision.current = external.revision;
    const model = editor.getModel();
    if (!model || model.getValue() === external.text) return;
    editor.pushUndoStop();
    editor.executeEdits("outside-the-editor", [{ range: model.getFullModelRange(), text: external.text, forceMoveMarkers: true }]);
    editor.pushUndoStop();
  };
  useEffect(() => {
    if (editorRef.current) applyExternal(editorRef.current);
  });
  // Stable identities: the wrapper re-subscribes on a new onChange and re-applies options on a new object.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const handleChange = useCallback((text: string | undefined) => onChangeRef.current(text ?? ""), []);
  const options = useMemo(
    () => ({
      readOnly,
      ariaLabel: readOnly ? "Session data (JSON, read-only)" : "Session data (JSON)",
      minimap: { enabled: false },
      fontSize: 13,
      lineHeight: LINE_PX,
      tabSize: 2,
      scrollBeyondLastLine: false,
      wordWrap: "on" as const,
      renderValidationDecorations: "on" as const,
      formatOnPaste: false,
      automaticLayout: true,
      // U+2028 and U+2029 are ordinary characters inside JSON strings. Monaco's default asks to remove
      // them, and accepting would silently change the data: keep them, always, and never ask.
      unusualLineTerminators: "off" as const,
    }),
    [readOnly],
  );

  return (
    <Editor
      height={height ?? `${Math.min(Math.max(initialLines + 2, 10), 32) * LINE_PX + 8}px`}
      defaultLanguage="json"
      defaultValue={initialText}
      onMount={(editor) => {
        editorRef.current = editor;
        applyExternal(editor);
      }}
      onChange={handleChange}
      theme={dark ? "vs-dark" : "vs"}
      loading={<p className="p-3 text-sm text-slate-500">Loading the editor…</p>}
      wrapperProps={{ "data-testid": "json-code-editor" }}
      options={options}
    />
  );
}
