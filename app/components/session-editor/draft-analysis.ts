/**
 * The work on the editor's text that grows with the document: parse and check it as the server will,
 * compare it with the original (changes, dirty), pretty-print both sides and summarise for the review,
 * format. Pure functions of the shared JSON module, run in a Web Worker (draft-worker.client.ts) so that
 * a 1 MiB session never blocks the page; the same functions run on the main thread only if no worker can
 * start.
 *
 * Values cross to the page by structured clone, which turns an exact number (JsonNumber, a class) into a
 * plain `{ text }`: the answer lists where the exact numbers are, and `restoreExactPaths` makes them
 * JsonNumbers again (work in proportion to how many there are, not to the document).
 */
import { reviewExcerpt, type ReviewExcerpt } from "./review-excerpt";
import {
  byteSize, canonicalJson, diffJson, isJsonNumber, isPlainObject, JsonNumber, layoutJson, parseJson, parseSessionDataText, stringifyJson, summarizeChanges,
  type ChangeSummary, type JsonObject, type PathSegment,
} from "~/json";

export interface DraftOriginal {
  value: JsonObject;
  /** Computed on first use (the first edit's check). */
  canonical?: string;
  /** Computed on first use (the review). */
  pretty?: string;
}

export type DraftAnalysis =
  | { ok: true; value: JsonObject; exactPaths: PathSegment[][]; bytes: number; changeCount: number; dirty: boolean }
  | { ok: false; error: string; line?: number; column?: number };

export type DraftReview =
  | {
      ok: true;
      text: string;
      prettyOriginal: string;
      prettyEdit: string;
      summary: ChangeSummary;
      /** For a large document: only the changed regions, for the diff view (see review-excerpt.ts). */
      excerpt: ReviewExcerpt | null;
    }
  | { ok: false; error: string };

export type DraftFormat = { ok: true; text: string } | { ok: false; error: string };

/** Above this many characters of pretty-printed text (about 180 KiB of data), the diff shows an excerpt. */
export const LARGE_REVIEW_CHARS = 300_000;

export function readOriginal(originalText: string): DraftOriginal {
  return { value: parseJson(originalText) as JsonObject };
}

/**
 * The check of the original itself, without checking it: it is what the core holds, read by the server
 * (so the page is usable as soon as the data is parsed once).
 */
export function analyseOriginal(original: DraftOriginal): DraftAnalysis {
  return { ok: true, value: original.value, exactPaths: exactNumberPaths(original.value), bytes: byteSize(original.value), changeCount: 0, dirty: false };
}

/** The paths of every exact number (JsonNumber) in `value`. */
export function exactNumberPaths(value: unknown): PathSegment[][] {
  const paths: PathSegment[][] = [];
  const visit = (node: unknown, path: PathSegment[]) => {
    if (isJsonNumber(node)) paths.push(path);
    else if (Array.isArray(node)) node.forEach((item, index) => visit(item, [...path, index]));
    else if (isPlainObject(node)) for (const key of Object.keys(node)) visit(node[key], [...path, key]);
  };
  visit(value, []);
  return paths;
}

/**
 * Makes the values at `paths` JsonNumbers again (in place): the number's text as a string (from
 * `valueToTransferText`), or the `{ text }` object a structured clone of a JsonNumber leaves.
 */
export function restoreExactPaths(value: JsonObject, paths: readonly PathSegment[][]): JsonObject {
  for (const path of paths) {
    if (path.length === 0) continue;
    let parent: unknown = value;
    for (const segment of path.slice(0, -1)) parent = (parent as Record<string, unknown>)[segment as string];
    const last = path[path.length - 1]!;
    const held = (parent as Record<string, unknown>)[last as string] as string | { text: string };
    const text = typeof held === "string" ? held : held.text;
    // defineProperty: "__proto__" is an ordinary key of session data.
    Object.defineProperty(parent, last, { value: new JsonNumber(text), enumerable: true, writable: true, configurable: true });
  }
  return value;
}

/**
 * The value as JSON text for the trip to the page, every exact number written as a string of its text
 * (at `exactNumberPaths`). The page's JSON.parse of this is about twice as fast as receiving the object
 * by structured clone, and it runs on the page's thread after every pause in typing.
 */
export function valueToTransferText(value: JsonObject): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
    // `this[key]` is the value before toJSON(): a JsonNumber is sent as its own text.
    const held = this[key];
    return held instanceof JsonNumber ? held.text : converted;
  });
}

export function analyseDraft(original: DraftOriginal, text: string, maxBytes: number): DraftAnalysis {
  const parsed = parseSessionDataText(text, { maxBytes });
  if (!parsed.ok) return parsed;
  const changes = diffJson(original.value, parsed.value);
  // Formatting and key order are not changes: the canonical forms decide.
  original.canonical ??= canonicalJson(original.value);
  const dirty = changes.length > 0 || canonicalJson(parsed.value) !== original.canonical;
  return { ok: true, value: parsed.value, exactPaths: exactNumberPaths(parsed.value), bytes: parsed.bytes, changeCount: changes.length, dirty };
}

export function reviewDraft(original: DraftOriginal, text: string, maxBytes: number): DraftReview {
  const parsed = parseSessionDataText(text, { maxBytes });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  // Both sides in the order the editor's text has (the stored order, or A→Z when chosen): layoutJson keeps it.
  original.pretty ??= layoutJson(original.value);
  const prettyEdit = layoutJson(parsed.value);
  const large = original.pretty.length > LARGE_REVIEW_CHARS || prettyEdit.length > LARGE_REVIEW_CHARS;
  return {
    ok: true,
    text,
    prettyOriginal: original.pretty,
    prettyEdit,
    summary: summarizeChanges(diffJson(original.value, parsed.value), { maxItems: 100 }),
    excerpt: large ? reviewExcerpt(original.pretty, prettyEdit) : null,
  };
}

export function formatDraft(text: string, maxBytes: number): DraftFormat {
  const parsed = parseSessionDataText(text, { maxBytes });
  return parsed.ok ? { ok: true, text: stringifyJson(parsed.value, 2) } : { ok: false, error: parsed.error };
}
