/**
 * One bulk operation applied to one session's data, in memory. Pure: the dry run and the run both use
 * it, so what the preview showed is what gets written. All path logic is app/json's (setAt/deleteAt):
 * nothing but the target path ever changes.
 */
import {
  deleteAt, describeType, diffJson, formatKeyPath, getAt, isPlainObject, parseKeyPath, setAt, summarizeChanges, toPointer,
  type ChangeSummary, type EditResult, type JsonObject, type PathSegment,
} from "~/json";
import type { BulkOperation } from "./types";

export type OperationResult =
  | { kind: "will-change"; next: Record<string, unknown>; summary: ChangeSummary }
  /** Nothing to write. `note` says why a session is left alone when it is not simply "already so". */
  | { kind: "already-so"; note?: string }
  | { kind: "error"; error: string };

export function applyBulkOperation(doc: Record<string, unknown>, operation: BulkOperation, options: { summary?: boolean } = {}): OperationResult {
  const result = editFor(doc, operation);
  if ("leftAlone" in result) return { kind: "already-so", note: result.leftAlone };
  if (!result.ok) return { kind: "error", error: result.error };
  if (!result.changed) return { kind: "already-so" };
  // The preview needs the diff; the run does not (the write records its own patch), so it can skip it.
  // A handful of items is plenty for a preview row; the count stays exact.
  const summary = options.summary === false ? NO_SUMMARY : summarizeChanges(diffJson(doc, result.value), { maxItems: 5 });
  return { kind: "will-change", next: result.value, summary };
}

const NO_SUMMARY: ChangeSummary = { count: 0, text: "", items: [] };

/**
 * The four operations, each as an edit of the whole document:
 * - set: the value at the path, creating missing parent objects.
 * - set-if-missing: the same, but only where nothing is at the path; an existing value wins, even null
 *   or one of another type (the seed's `{ newKey: "newValue", ...currSessionData }`). Such a session is
 *   left alone, with a note the dry run shows.
 * - merge: a shallow merge of an object into the object at the path (`{ ...target, ...value }`): each of
 *   the value's keys is set, the target's other keys are kept, nothing deeper is merged. A missing target
 *   is created as the value (merging into nothing). A target that is not an object (a string, a number,
 *   an array, null) is a per-session error: that session is left alone, the others are merged.
 * - delete: the value at the path; a missing one is already so.
 */
function editFor(doc: Record<string, unknown>, operation: BulkOperation): EditResult | { leftAlone: string } {
  switch (operation.kind) {
    case "set":
      return setAt(doc, operation.path, operation.value);
    case "delete":
      return deleteAt(doc, operation.path);
    case "set-if-missing": {
      if (getAt(doc, operation.path) !== undefined) return { leftAlone: `${formatKeyPath(operation.path)} is already there; the existing value wins` };
      return setAt(doc, operation.path, operation.value);
    }
    case "merge": {
      const target = getAt(doc, operation.path);
      if (target !== undefined && !isPlainObject(target)) {
        return { ok: false, error: `${formatKeyPath(operation.path)} is ${describeType(target)}, not an object, so nothing can be merged into it; this session is left alone` };
      }
      let current: EditResult = { ok: true, value: doc as JsonObject, changed: false };
      for (const [key, value] of Object.entries(operation.value)) {
        const next = setAt(current.value, [...operation.path, key], value);
        if (!next.ok) return next;
        current = { ok: true, value: next.value, changed: current.changed || next.changed };
      }
      return current;
    }
  }
}

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
