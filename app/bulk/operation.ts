/**
 * One bulk operation applied to one session's data, in memory. Pure: the dry run and the run both use
 * it, so what the preview showed is what gets written. All path logic is app/json's (setAt/deleteAt):
 * nothing but the target path ever changes.
 */
import { deleteAt, diffJson, formatKeyPath, isPlainObject, parseKeyPath, setAt, summarizeChanges, toPointer, type ChangeSummary, type PathSegment } from "~/json";
import type { BulkOperation } from "./types";

export type OperationResult =
  | { kind: "will-change"; next: Record<string, unknown>; summary: ChangeSummary }
  | { kind: "already-so" }
  | { kind: "error"; error: string };

export function applyBulkOperation(doc: Record<string, unknown>, operation: BulkOperation, options: { summary?: boolean } = {}): OperationResult {
  const result = operation.kind === "set" ? setAt(doc, operation.path, operation.value) : deleteAt(doc, operation.path);
  if (!result.ok) return { kind: "error", error: result.error };
  if (!result.changed) return { kind: "already-so" };
  // The preview needs the diff; the run does not (the write records its own patch), so it can skip it.
  // A handful of items is plenty for a preview row; the count stays exact.
  const summary = options.summary === false ? NO_SUMMARY : summarizeChanges(diffJson(doc, result.value), { maxItems: 5 });
  return { kind: "will-change", next: result.value, summary };
}

const NO_SUMMARY: ChangeSummary = { count: 0, text: "", items: [] };

/**
 * The key path as typed (JSON Pointer or dotted). Kept as segments, not as a pointer: in the dotted form
 * `items[0]` is an index and `items.0` a key, a difference a pointer cannot carry.
 */
export function parseBulkKeyPath(input: string): { ok: true; path: PathSegment[]; display: string; pointer: string } | { ok: false; error: string } {
  const parsed = parseKeyPath(input);
  if (!parsed.ok) return parsed;
  if (parsed.path.length === 0) return { ok: false, error: "Name a key, for example featureFlags.beta or /featureFlags/beta" };
  return { ok: true, path: parsed.path, display: formatKeyPath(parsed.path), pointer: toPointer(parsed.path) };
}

/** The editor's limit (app/json/parse.ts): data nested deeper than this is refused, whichever form it came through. */
export const MAX_NESTING_DEPTH = 256;

/** How many objects and arrays deep `value` goes: 0 for a primitive, 1 for {} or [1]. Iterative, so any depth is safe. */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null || !(Array.isArray(node) || isPlainObject(node))) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Stored form of a path (JSON array of segments) back to segments; throws on a malformed row. */
export function pathFromStorage(text: string): PathSegment[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === "string" || (typeof s === "number" && Number.isInteger(s) && s >= 0))) {
    throw new Error(`Malformed stored key path: ${text}`);
  }
  return value as PathSegment[];
}
