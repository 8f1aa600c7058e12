/**
 * The JSON text editor (monaco, client-only). Monaco's JSON language gives syntax markers; the shared
 * parser (app/json) gives the message shown under the editor, so browser and server agree on what is valid.
 *
 * Monaco owns the text while the person types: it is NOT fed back through a `value` prop. With a
 * controlled value, a keystroke that lands before React re-renders makes the stale value differ from
 * the editor's content, the wrapper replaces the whole text, and the cursor jumps to the end mid-word.
 * Text from elsewhere (the tree view, Format) arrives as a numbered `external` update, applied once as
 * an edit of only the part that differs (so Ctrl+Z still undoes it, and a tree edit in a 1 MiB document
 * does not re-lay-out the whole text).
 *
 * A keystroke costs O(change), not O(document): monaco's own change event only calls `onEdit` (no
 * text). The whole text is read (`getValue`, a 1.7 MB string for a 1 MiB session) and handed to
 * `onChange` once typing pauses for CHANGE_DEBOUNCE_MS; `handle.getText()` reads it at once for the
 * review and Format.
 */
import Editor, { type OnMount } from "@monaco-editor/react";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { tuneJsonLanguage } from "./monaco-loader.client";
import { changedSpan } from "./text-span";
import { pointerAtOffset } from "./pointer-at-offset";

type MonacoEditor = Parameters<OnMount>[0];

export interface ExternalText {
  /** Increases with every change made outside the editor; 0 = none yet. */
  revision: number;
  text: string;
}

const LINE_PX = 19;
/**
 * How long typing must pause before the text goes to the status line, the tree and the dirty flag. Long
 * enough that steady typing (a key every 100–250 ms) does not hand a 1.7 MB text over between keys.
 */
export const CHANGE_DEBOUNCE_MS = 300;

/**
 * Above this many characters (about 180 KiB of data, pretty-printed) the editor leaves out what costs the
 * page's thread work in proportion to the whole document on every change: word wrap (line breaks of every
 * line), folding (ranges of every object from the JSON worker), sticky scroll (an outline of every key),
 * colour boxes. Measured on a 1 MiB session: these made a keystroke take up to 0.8 s. The tree view is the
 * way around a large document.
 */
import { LARGE_TEXT_CHARS } from "./types";
export { LARGE_TEXT_CHARS };
export const LARGE_DOCUMENT_OPTIONS = {
  folding: false,
  stickyScroll: { enabled: false },
  colorDecorators: false,
  occurrencesHighlight: "off" as const,
  links: false,
  // The bracket-pair parse covers the whole document the first time a line is drawn.
  bracketPairColorization: { enabled: false },
  guides: { bracketPairs: false, bracketPairsHorizontal: false, highlightActiveBracketPair: false },
  matchBrackets: "never" as const,
};

export interface CodeEditorHandle {
  /** The editor's current text, including keystrokes not yet handed to onChange. */
  getText(): string | null;
}


/** The session-data schema for monaco's JSON language (app/schema): served with the page, never fetched. */
export interface EditorSchema {
  /** Identifies the schema and version (an address nothing is fetched from). */
  uri: string;
  text: string;
}

/** The main editor's model: the schema applies to this model only (not to the review's diff). */
export const SESSION_MODEL_URI = "inmemory://session-desk/session-data.json";

type JsonDiagnostics = { setDiagnosticsOptions(options: Record<string, unknown>): void };

/**
 * Monaco's JSON language with the schema: markers, hovers and completion from the schema's titles,
 * descriptions and enums. enableSchemaRequest is off, so a $ref is never fetched over the network. Without
 * a schema (another session, a large document) the language checks syntax only.
 */
function configureSchema(monaco: unknown, schema: EditorSchema | null | undefined): void {
  const defaults = (monaco as { languages?: { json?: { jsonDefaults?: JsonDiagnostics } } }).languages?.json?.jsonDefaults;
  if (!defaults) return;
  let parsed: unknown = null;
  try {
    parsed = schema ? JSON.parse(schema.text) : null;
  } catch {
    parsed = null;
  }
  defaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    enableSchemaRequest: false,
    schemaValidation: "error",
    schemas: parsed ? [{ uri: schema!.uri, fileMatch: [SESSION_MODEL_URI], schema: parsed }] : [],
  });
}

/** Memoised: its own keystrokes re-render the workspace (the dirty flag), which must not re-render it. */
export const JsonCodeEditor = memo(function JsonCodeEditor({
  initialText,
  external,
  onChange,
  onEdit,
  handleRef,
  readOnly,
  dark,
  height,
  schema,
  onSchemaMarkers,
}: {
  initialText: string;
  external: ExternalText;
  /** The whole text, once typing pauses (debounced). */
  onChange: (text: string) => void;
  /** Every change the person makes, at once, without the text (cheap: for a dirty flag). */
  onEdit?: () => void;
  handleRef?: { current: CodeEditorHandle | null };
  readOnly: boolean;
  dark: boolean;
  /** CSS height; by default fits the text it opened with, between 10 and 32 lines. */
  height?: string;
  /** The session-data schema to check against as the person types (null: syntax only). */
  schema?: EditorSchema | null;
  /** Where monaco's markers are, as JSON Pointers → messages (for the tree view). */
  onSchemaMarkers?: (invalid: Map<string, string[]>) => void;
}) {
  const [initialLines] = useState(() => initialText.split("\n").length);
  const editorRef = useRef<MonacoEditor | null>(null);
  const appliedRevision = useRef(0);
  /** True while an external update is applied: the editor's change event must not hand it back. */
  const applyingExternal = useRef(false);
  const debounceTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const externalRef = useRef(external);
  externalRef.current = external;
  const applyExternal = (editor: MonacoEditor) => {
    const external = externalRef.current;
    if (external.revision === appliedRevision.current) return;
    appliedRevision.current = external.revision;
    const model = editor.getModel();
    if (!model) return;
    const current = model.getValue();
    if (current === external.text) return;
    const span = changedSpan(current, external.text);
    const start = model.getPositionAt(span.start);
    const end = model.getPositionAt(span.end);
    applyingExternal.current = true;
    try {
      editor.pushUndoStop();
      editor.executeEdits("outside-the-editor", [{ range: { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column }, text: span.text, forceMoveMarkers: true }]);
      editor.pushUndoStop();
    } finally {
      applyingExternal.current = false;
    }
  };
  useEffect(() => {
    if (editorRef.current) applyExternal(editorRef.current);
  });
  // Stable identities: the wrapper re-subscribes on a new onChange and re-applies options on a new object.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onEditRef = useRef(onEdit);
  onEditRef.current = onEdit;
  const onSchemaMarkersRef = useRef(onSchemaMarkers);
  onSchemaMarkersRef.current = onSchemaMarkers;
  const monacoRef = useRef<unknown>(null);
  const [schemaAtMount] = useState(() => schema ?? null);
  const beforeMount = useCallback((monaco: unknown) => {
    monacoRef.current = monaco;
    tuneJsonLanguage(monaco);
    configureSchema(monaco, schemaAtMount);
  }, [schemaAtMount]);
  useEffect(() => {
    if (!handleRef) return;
    handleRef.current = { getText: () => editorRef.current?.getModel()?.getValue() ?? null };
    return () => {
      handleRef.current = null;
    };
  }, [handleRef]);
  useEffect(() => () => clearTimeout(debounceTimer.current), []);
  const handleMount = useCallback((editor: MonacoEditor) => {
    editorRef.current = editor;
    editor.onDidChangeModelContent(() => {
      if (applyingExternal.current) return;
      onEditRef.current?.();
      clearTimeout(debounceTimer.current);
      debounceTimer.current = setTimeout(() => {
        const model = editor.getModel();
        if (model) onChangeRef.current(model.getValue());
      }, CHANGE_DEBOUNCE_MS);
    });
    // Markers (syntax and schema) as places in the data, for the tree view to mark its nodes.
    if (onSchemaMarkersRef.current && monacoRef.current) {
      const monaco = monacoRef.current as { editor: { onDidChangeMarkers(listener: (uris: { toString(): string }[]) => void): { dispose(): void }; getModelMarkers(filter: { resource: unknown }): { message: string; startLineNumber: number; startColumn: number }[] } };
      const report = () => {
        const model = editor.getModel();
        if (!model) return;
        const markers = monaco.editor.getModelMarkers({ resource: model.uri });
        // The whole text is read only when there is something to place (a 1 MiB text is 1.7 MB).
        const text = markers.length > 0 ? model.getValue() : "";
        const invalid = new Map<string, string[]>();
        for (const marker of markers) {
          const pointer = pointerAtOffset(text, model.getOffsetAt({ lineNumber: marker.startLineNumber, column: marker.startColumn }));
          if (pointer === null) continue;
          invalid.set(pointer, [...(invalid.get(pointer) ?? []), marker.message]);
        }
        onSchemaMarkersRef.current?.(invalid);
      };
      const subscription = monaco.editor.onDidChangeMarkers((uris) => {
        if (uris.some((uri) => uri.toString() === editor.getModel()?.uri.toString())) report();
      });
      editor.onDidDispose(() => subscription.dispose());
    }
    applyExternal(editor);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- applyExternal reads only refs
  }, []);
  const [large] = useState(() => initialText.length > LARGE_TEXT_CHARS);
  const options = useMemo(
    () => ({
      ...(large ? LARGE_DOCUMENT_OPTIONS : {}),
      readOnly,
      ariaLabel: readOnly ? "Session data (JSON, read-only)" : "Session data (JSON)",
      minimap: { enabled: false },
      fontSize: 13,
      lineHeight: LINE_PX,
      tabSize: 2,
      scrollBeyondLastLine: false,
      wordWrap: large ? ("off" as const) : ("on" as const),
      renderValidationDecorations: "on" as const,
      formatOnPaste: false,
      automaticLayout: true,
      // Hovers (a schema rule's message) may reach above a short editor: drawn over the page, not clipped.
      fixedOverflowWidgets: true,
      // U+2028 and U+2029 are ordinary characters inside JSON strings. Monaco's default asks to remove
      // them, and accepting would silently change the data: keep them, always, and never ask.
      unusualLineTerminators: "off" as const,
    }),
    [readOnly, large],
  );

  return (
    <Editor
      height={height ?? `${Math.min(Math.max(initialLines + 2, 10), 32) * LINE_PX + 8}px`}
      defaultLanguage="json"
      defaultValue={initialText}
      beforeMount={beforeMount}
      path={schema !== undefined ? SESSION_MODEL_URI : undefined}
      onMount={handleMount}
      theme={dark ? "vs-dark" : "vs"}
      loading={<p className="p-3 text-sm text-slate-500">Loading the editor…</p>}
      wrapperProps={{ "data-testid": "json-code-editor" }}
      options={options}
    />
  );
});
