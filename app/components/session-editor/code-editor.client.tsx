/**
 * The JSON text editor (monaco, client-only). Monaco's JSON language gives syntax markers; the shared
 * parser (app/json) gives the message shown under the editor, so browser and server agree on what is valid.
 */
import Editor, { type OnValidate } from "@monaco-editor/react";

export interface MonacoMarker {
  message: string;
  startLineNumber: number;
  startColumn: number;
}

export function JsonCodeEditor({
  value,
  onChange,
  readOnly,
  dark,
  onMarkers,
  height = "28rem",
}: {
  value: string;
  onChange: (text: string) => void;
  readOnly: boolean;
  dark: boolean;
  onMarkers?: (markers: MonacoMarker[]) => void;
  height?: string;
}) {
  const handleValidate: OnValidate = (markers) => onMarkers?.(markers.map(({ message, startLineNumber, startColumn }) => ({ message, startLineNumber, startColumn })));
  return (
    <Editor
      height={height}
      defaultLanguage="json"
      value={value}
      onChange={(text) => onChange(text ?? "")}
      onValidate={handleValidate}
      theme={dark ? "vs-dark" : "vs"}
      loading={<p className="p-3 text-sm text-slate-500">Loading the editor…</p>}
      wrapperProps={{ "data-testid": "json-code-editor" }}
      options={{
        readOnly,
        ariaLabel: readOnly ? "Session data (JSON, read-only)" : "Session data (JSON)",
        minimap: { enabled: false },
        fontSize: 13,
        tabSize: 2,
        scrollBeyondLastLine: false,
        wordWrap: "on",
        renderValidationDecorations: "on",
        formatOnPaste: false,
        automaticLayout: true,
      }}
    />
  );
}
