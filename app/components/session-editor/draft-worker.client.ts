/**
 * The editor's document work (draft-analysis.ts) in a Web Worker, and the page's side of it.
 *
 * How the worker is bundled: this module is imported with `import()` (its own chunk under /build, served
 * by this app like every other script), and that same chunk's URL (`import.meta.url`) starts the worker
 * as a module worker. In the worker, the bottom of this file sees no `document` and answers messages; on
 * the page it only exports. So the worker is the app's own code, from 127.0.0.1, with no extra build step
 * (CSP: worker-src 'self'). If a worker cannot start, the same functions run on the page, after the
 * keystroke's frame.
 */
import type { JsonObject, PathSegment } from "~/json";
import { analyseDraft, analyseOriginal, formatDraft, readOriginal, restoreExactPaths, reviewDraft, valueToTransferText, type DraftAnalysis, type DraftFormat, type DraftOriginal, type DraftReview } from "./draft-analysis";

type Request =
  | { id: number; kind: "init"; originalText: string; maxBytes: number }
  | { id: number; kind: "analyse"; text: string }
  | { id: number; kind: "review"; text: string }
  | { id: number; kind: "format"; text: string };

type Answer = { id: number; result: unknown } | { id: number; error: string };

/** Answers one request; `state` is the worker's (or the fallback's) memory of the original. */
function answer(state: { original?: DraftOriginal; maxBytes: number }, request: Request): unknown {
  switch (request.kind) {
    case "init": {
      state.original = readOriginal(request.originalText);
      state.maxBytes = request.maxBytes;
      return pack(analyseOriginal(state.original));
    }
    case "analyse":
      return pack(analyseDraft(state.original!, request.text, state.maxBytes));
    case "review":
      return reviewDraft(state.original!, request.text, state.maxBytes);
    case "format":
      return formatDraft(request.text, state.maxBytes);
  }
}

/** An analysis on its way to the page: the value as JSON text (see valueToTransferText). */
type PackedAnalysis = (Omit<Extract<DraftAnalysis, { ok: true }>, "value"> & { valueJson: string }) | Extract<DraftAnalysis, { ok: false }>;

function pack(result: DraftAnalysis): PackedAnalysis {
  if (!result.ok) return result;
  const { value, ...rest } = result;
  return { ...rest, valueJson: valueToTransferText(value) };
}

/** Back on the page: the value parsed, its exact numbers JsonNumbers again. */
function unpack(result: PackedAnalysis | DraftAnalysis): DraftAnalysis {
  if (!result.ok || !("valueJson" in result)) return result;
  const { valueJson, ...rest } = result;
  const value = JSON.parse(valueJson) as JsonObject;
  if (rest.exactPaths.length > 0) restoreExactPaths(value, rest.exactPaths as PathSegment[][]);
  return { ...rest, value };
}

export const draftWorkerUrl = import.meta.url;

const inWorker = typeof document === "undefined" && typeof self !== "undefined" && typeof (self as unknown as { postMessage?: unknown }).postMessage === "function";
if (inWorker) {
  const state = { maxBytes: 0 } as { original?: DraftOriginal; maxBytes: number };
  self.addEventListener("message", (event: MessageEvent<Request>) => {
    let reply: Answer;
    try {
      reply = { id: event.data.id, result: answer(state, event.data) };
    } catch (error) {
      reply = { id: event.data.id, error: error instanceof Error ? error.message : String(error) };
    }
    (self as unknown as Worker).postMessage(reply);
  });
}

/** The page's handle on the document work: a worker, or the same functions on the page. */
export interface DraftWorker {
  /** Reads the original; answers the analysis of the original text. */
  init(originalText: string, maxBytes: number): Promise<DraftAnalysis>;
  analyse(text: string): Promise<DraftAnalysis>;
  review(text: string): Promise<DraftReview>;
  format(text: string): Promise<DraftFormat>;
  /** True when the work runs in a Web Worker (false: on the page). */
  readonly offMainThread: boolean;
  dispose(): void;
}


/** Resolves in the page's next idle period (at most 300 ms from now). */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === "function") requestIdleCallback(() => resolve(), { timeout: 300 });
    else setTimeout(resolve, 0);
  });
}

export function startDraftWorker(): DraftWorker {
  let worker: Worker | null = null;
  try {
    worker = new Worker(draftWorkerUrl, { type: "module", name: "session-data" });
  } catch {
    worker = null;
  }
  if (!worker) return mainThreadDraftWorker();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let failed: Error | null = null;
  worker.addEventListener("message", (event: MessageEvent<Answer>) => {
    const waiting = pending.get(event.data.id);
    if (!waiting) return;
    pending.delete(event.data.id);
    if ("error" in event.data) waiting.reject(new Error(event.data.error));
    else waiting.resolve(event.data.result);
  });
  worker.addEventListener("error", (event) => {
    failed = new Error(`The document worker stopped: ${event.message || "it could not load"}`);
    for (const waiting of pending.values()) waiting.reject(failed);
    pending.clear();
  });
  const call = <T>(request: Omit<Request, "id">): Promise<T> => {
    if (failed) return Promise.reject(failed);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker!.postMessage({ ...request, id });
    });
  };
  return {
    offMainThread: true,
    init: async (originalText, maxBytes) => unpack(await call<PackedAnalysis>({ kind: "init", originalText, maxBytes } as Omit<Request, "id">)),
    analyse: async (text) => {
      const packed = await call<PackedAnalysis>({ kind: "analyse", text } as Omit<Request, "id">);
      // Parsed when the page is idle, not in the middle of the person's next keystrokes.
      await whenIdle();
      return unpack(packed);
    },
    review: (text) => call<DraftReview>({ kind: "review", text } as Omit<Request, "id">),
    format: (text) => call<DraftFormat>({ kind: "format", text } as Omit<Request, "id">),
    dispose() {
      worker!.terminate();
      for (const waiting of pending.values()) waiting.reject(new Error("The editor closed"));
      pending.clear();
    },
  };
}

/** The fallback: the same work on the page, each request after the current frame. */
export function mainThreadDraftWorker(): DraftWorker {
  const state = { maxBytes: 0 } as { original?: DraftOriginal; maxBytes: number };
  let nextId = 1;
  const call = <T>(request: Omit<Request, "id">) =>
    new Promise<T>((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(answer(state, { ...request, id: nextId++ } as Request) as T);
        } catch (error) {
          reject(error);
        }
      }, 0),
    );
  return {
    offMainThread: false,
    init: async (originalText, maxBytes) => unpack(await call<PackedAnalysis>({ kind: "init", originalText, maxBytes } as Omit<Request, "id">)),
    analyse: async (text) => unpack(await call<PackedAnalysis>({ kind: "analyse", text } as Omit<Request, "id">)),
    review: (text) => call<DraftReview>({ kind: "review", text } as Omit<Request, "id">),
    format: (text) => call<DraftFormat>({ kind: "format", text } as Omit<Request, "id">),
    dispose() {},
  };
}
