import { useCallback, useDeferredValue, useMemo, useRef, useState } from "react";
import type { ExternalText } from "./code-editor.client";
import { canonicalJson, diffJson, parseJson, parseSessionDataText, stringifyJson, summarizeChanges, type Change, type ChangeSummary, type JsonObject, type ParseSessionDataResult } from "~/json";

export interface SessionDraft {
  /** The data the editor started from (what the loader read) — the review's left side. */
  original: JsonObject;
  text: string;
  /** For the text editor's own changes (it already shows them). */
  setText(text: string): void;
  /** Changes made outside the text editor (tree view, Format), for it to apply once each. */
  external: ExternalText;
  /** Replaces the text with a document (from the tree view), keeping the person's key order. */
  setValue(value: JsonObject): void;
  /** The text, parsed and checked exactly as the server will (shared module). */
  parsed: ParseSessionDataResult;
  /** The last text that parsed: what the tree shows while the text has an error. */
  lastValid: JsonObject;
  /** True when the text means different data from the original (formatting alone is not a change). */
  dirty: boolean;
  changes: Change[];
  summary: ChangeSummary;
  format(): void;
}

/** The edit in progress: one text, from which the tree, the dirty flag and the review are derived. */
export function useSessionDraft(originalText: string, maxBytes: number): SessionDraft {
  // Exact parse and stringify (app/json/exact-number.ts): 9223372036854775807 and 1.0 stay as written.
  const original = useMemo(() => parseJson(originalText) as JsonObject, [originalText]);
  const originalCanonical = useMemo(() => canonicalJson(original), [original]);
  const [text, setText] = useState(originalText);
  const [external, setExternal] = useState<ExternalText>({ revision: 0, text: originalText });
  const replaceText = useCallback((next: string) => {
    setText(next);
    setExternal((previous) => ({ revision: previous.revision + 1, text: next }));
  }, []);
  // Parsing a large document on every keystroke would make typing lag; React parses the latest text
  // when it has time, and the review always re-checks the final text.
  const deferredText = useDeferredValue(text);
  const parsed = useMemo(() => parseSessionDataText(deferredText, { maxBytes }), [deferredText, maxBytes]);
  const lastValidRef = useRef<JsonObject>(original);
  if (parsed.ok) lastValidRef.current = parsed.value;
  const lastValid = lastValidRef.current;
  const changes = useMemo(() => (parsed.ok ? diffJson(original, parsed.value) : []), [original, parsed]);
  const dirty = parsed.ok ? canonicalJson(parsed.value) !== originalCanonical : text !== originalText;
  const setValue = useCallback((value: JsonObject) => replaceText(stringifyJson(value, 2)), [replaceText]);
  const format = useCallback(() => {
    // The current text, not the deferred parse: formatting must never drop the last keystrokes.
    const current = parseSessionDataText(text, { maxBytes });
    if (current.ok) replaceText(stringifyJson(current.value, 2));
  }, [text, maxBytes, replaceText]);
  return { original, text, setText, external, setValue, parsed, lastValid, dirty, changes, summary: useMemo(() => summarizeChanges(changes, { maxItems: 100 }), [changes]), format };
}
