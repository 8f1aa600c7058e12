import { useCallback, useDeferredValue, useMemo, useRef, useState } from "react";
import { canonicalJson, diffJson, parseSessionDataText, summarizeChanges, type Change, type ChangeSummary, type JsonObject, type ParseSessionDataResult } from "~/json";

export interface SessionDraft {
  /** The data the editor started from (what the loader read) — the review's left side. */
  original: JsonObject;
  text: string;
  setText(text: string): void;
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
  const original = useMemo(() => JSON.parse(originalText) as JsonObject, [originalText]);
  const originalCanonical = useMemo(() => canonicalJson(original), [original]);
  const [text, setText] = useState(originalText);
  // Parsing a large document on every keystroke would make typing lag; React parses the latest text
  // when it has time, and the review always re-checks the final text.
  const deferredText = useDeferredValue(text);
  const parsed = useMemo(() => parseSessionDataText(deferredText, { maxBytes }), [deferredText, maxBytes]);
  const lastValidRef = useRef<JsonObject>(original);
  if (parsed.ok) lastValidRef.current = parsed.value;
  const lastValid = lastValidRef.current;
  const changes = useMemo(() => (parsed.ok ? diffJson(original, parsed.value) : []), [original, parsed]);
  const dirty = parsed.ok ? canonicalJson(parsed.value) !== originalCanonical : text !== originalText;
  const setValue = useCallback((value: JsonObject) => setText(JSON.stringify(value, null, 2)), []);
  const format = useCallback(() => {
    if (parsed.ok) setText(JSON.stringify(parsed.value, null, 2));
  }, [parsed]);
  return { original, text, setText, setValue, parsed, lastValid, dirty, changes, summary: useMemo(() => summarizeChanges(changes, { maxItems: 100 }), [changes]), format };
}
