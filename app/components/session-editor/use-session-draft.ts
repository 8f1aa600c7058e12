import { useCallback, useEffect, useRef, useState } from "react";
import type { ExternalText } from "./code-editor.client";
import type { DraftAnalysis, DraftFormat, DraftReview } from "./draft-analysis";
import type { DraftWorker } from "./draft-worker.client";
import { stringifyJson, type JsonObject } from "~/json";

export interface SessionDraft {
  /** The check of the latest text handed over (as the server will check it); null until the first. */
  analysis: DraftAnalysis | null;
  /** The last text that parsed, as data: what the tree shows (null until the original is read). */
  treeValue: JsonObject | null;
  /** True when the text means different data from the original (formatting alone is not a change). */
  dirty: boolean;
  /** A newer text than the one `analysis` describes is being checked. */
  checking: boolean;
  /** Changes made outside the text editor (tree view, Format), for it to apply once each. */
  external: ExternalText;
  /** The text editor's text, when typing pauses. */
  setText(text: string): void;
  /** The text editor changed (a keystroke): cheap, no text. */
  markEdited(): void;
  /** Replaces the text with a document (from the tree view), keeping the person's key order. */
  setValue(value: JsonObject): void;
  /** Pretty-prints `text` (the editor's current text) in place, when it parses. */
  format(text: string): Promise<DraftFormat>;
  /** Parses `text` and prepares the review's diff and summary (off the page's thread). */
  review(text: string): Promise<DraftReview>;
}

/**
 * The edit in progress: one text (owned by monaco), from which the status line, the tree, the dirty flag
 * and the review are derived. Everything that reads the whole document — parse, check, diff, canonical
 * comparison, pretty-printing — runs in a Web Worker (draft-worker.client.ts); at most one request is in
 * flight, and texts typed meanwhile collapse into the latest.
 */
export function useSessionDraft(originalText: string, maxBytes: number): SessionDraft {
  const workerRef = useRef<DraftWorker | null>(null);
  const ready = useRef<Promise<DraftWorker> | null>(null);
  const [analysis, setAnalysis] = useState<DraftAnalysis | null>(null);
  const [treeValue, setTreeValue] = useState<JsonObject | null>(null);
  const [external, setExternal] = useState<ExternalText>({ revision: 0, text: originalText });
  /** The text handed over last, and whether the editor changed since (a keystroke not yet handed over). */
  const latestText = useRef(originalText);
  const [editedSinceHandover, setEditedSinceHandover] = useState(false);
  const [checking, setChecking] = useState(false);
  const inFlight = useRef(false);
  const queued = useRef<{ text: string; seq: number } | null>(null);

  useEffect(() => {
    let disposed = false;
    // The worker module is its own chunk: importing it here also gives the URL the worker starts from.
    const started = import("./draft-worker.client").then((module) => {
      const worker = module.startDraftWorker();
      if (disposed) worker.dispose();
      else workerRef.current = worker;
      return worker;
    });
    ready.current = started;
    started
      .then((worker) => worker.init(originalText, maxBytes))
      .then((result) => {
        if (disposed) return;
        setAnalysis(result);
        if (result.ok) setTreeValue(result.value);
      })
      .catch((error: unknown) => {
        if (!disposed) setAnalysis({ ok: false, error: `The data could not be read in the browser: ${error instanceof Error ? error.message : String(error)}` });
      });
    return () => {
      disposed = true;
      workerRef.current?.dispose();
      workerRef.current = null;
    };
  }, [originalText, maxBytes]);

  /** Every text sent for checking gets the next number; the tree takes no value older than its own edit. */
  const sequence = useRef(0);
  const treeEditedAt = useRef(0);
  const analyse = useCallback((text: string) => {
    const seq = ++sequence.current;
    if (inFlight.current) {
      queued.current = { text, seq };
      return;
    }
    send({ text, seq });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- send only uses refs and state setters
  }, []);
  const send = (request: { text: string; seq: number }) => {
    inFlight.current = true;
    setChecking(true);
    void ready.current!
      .then((worker) => worker.analyse(request.text))
      .then(
        (result) => {
          // A result for a text that is no longer the latest still updates the status: it is the newest known.
          setAnalysis(result);
          if (result.ok && request.seq >= treeEditedAt.current) setTreeValue(result.value);
        },
        () => undefined,
      )
      .finally(() => {
        inFlight.current = false;
        const next = queued.current;
        queued.current = null;
        if (next) send(next);
        else setChecking(false);
      });
  };

  const setText = useCallback(
    (text: string) => {
      latestText.current = text;
      setEditedSinceHandover(false);
      analyse(text);
    },
    [analyse],
  );
  const markEdited = useCallback(() => setEditedSinceHandover(true), []);
  const replaceText = useCallback(
    (text: string) => {
      latestText.current = text;
      setExternal((previous) => ({ revision: previous.revision + 1, text }));
      analyse(text);
    },
    [analyse],
  );
  const setValue = useCallback(
    (value: JsonObject) => {
      // The tree shows its own edit at once; the check of the new text follows (and an older one in flight
      // must not put the previous value back meanwhile).
      setTreeValue(value);
      replaceText(stringifyJson(value, 2));
      treeEditedAt.current = sequence.current;
    },
    [replaceText],
  );
  const format = useCallback(
    async (text: string) => {
      const worker = await ready.current!;
      const result = await worker.format(text);
      if (result.ok) replaceText(result.text);
      return result;
    },
    [replaceText],
  );
  const review = useCallback(async (text: string) => (await ready.current!).review(text), []);

  const dirty = editedSinceHandover || (analysis?.ok ? analysis.dirty : latestText.current !== originalText);
  return { analysis, treeValue, dirty, checking: checking || editedSinceHandover, external, setText, markEdited, setValue, format, review };
}
