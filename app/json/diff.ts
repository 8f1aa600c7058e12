// Structural diff of two JSON values, and a short human summary of it.
//
// The browser shows this diff before a write, and the server derives the stored patch from the
// same function, so what staff reviewed is what gets written.

import { JsonNumber } from "./exact-number";
import { formatKeyPath } from "./key-path";
import { previewValue } from "./format";
import { toPointer } from "./pointer";
import { hasOwn, isPlainObject, type PathSegment } from "./value";

export type ChangeKind = "add" | "remove" | "replace";

export interface Change {
  kind: ChangeKind;
  /** Object keys as strings, array indexes as numbers. */
  path: PathSegment[];
  /** The same location as an RFC 6901 JSON Pointer. */
  pointer: string;
  /** Old value (remove, replace). Shared with the input, not copied: treat as read-only. */
  before?: unknown;
  /** New value (add, replace). Shared with the input, not copied: treat as read-only. */
  after?: unknown;
}

/**
 * Every difference between `before` and `after`, in path order (keys sorted, indexes ascending).
 * Objects compare by key, ignoring key order. Arrays compare index by index: when lengths differ,
 * the common indexes are compared and the extra ones reported as added or removed. A change of
 * type (object → string, array → object) is one replace at that path.
 */
export function diffJson(before: unknown, after: unknown): Change[] {
  const changes: Change[] = [];
  const path: PathSegment[] = [];
  const emit = (kind: ChangeKind, a: unknown, b: unknown): void => {
    const at = path.slice();
    const change: Change = { kind, path: at, pointer: toPointer(at) };
    if (kind !== "add") change.before = a;
    if (kind !== "remove") change.after = b;
    changes.push(change);
  };
  const walk = (a: unknown, b: unknown): void => {
    if (a === b) return; // also skips unchanged subtrees shared by reference, which keeps big documents fast
    if (Array.isArray(a) && Array.isArray(b)) {
      const common = Math.min(a.length, b.length);
      for (let i = 0; i < common; i++) {
        path.push(i);
        walk(a[i], b[i]);
        path.pop();
      }
      for (let i = common; i < a.length; i++) {
        path.push(i);
        emit("remove", a[i], undefined);
        path.pop();
      }
      for (let i = common; i < b.length; i++) {
        path.push(i);
        emit("add", undefined, b[i]);
        path.pop();
      }
      return;
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = Object.keys(a);
      for (const key of Object.keys(b)) if (!hasOwn(a, key)) keys.push(key);
      keys.sort();
      for (const key of keys) {
        path.push(key);
        if (!hasOwn(b, key)) emit("remove", a[key], undefined);
        else if (!hasOwn(a, key)) emit("add", undefined, b[key]);
        else walk(a[key], b[key]);
        path.pop();
      }
      return;
    }
    // Two exact numbers are the same value when their text is (exact-number.ts).
    if (a instanceof JsonNumber && b instanceof JsonNumber && a.text === b.text) return;
    // Different types, or two different primitives (a computed -0 equals 0, as JSON writes both as 0).
    emit("replace", a, b);
  };
  walk(before, after);
  return changes;
}

export type ChangeSymbol = "+" | "~" | "−";

export interface ChangeSummaryItem {
  symbol: ChangeSymbol;
  /** Display path such as limits.seats, items[2].name or ["a.b"].c; "(whole document)" for the root. */
  path: string;
  /** Short values: the new value for "+", the old value for "−", "old → new" for "~". */
  detail: string;
}

export interface ChangeSummary {
  count: number;
  /** One line, e.g. "3 changes: + plan, ~ limits.seats 5 → 10, − trial"; "No changes" when empty. */
  text: string;
  items: ChangeSummaryItem[];
}

const SYMBOL: Record<ChangeKind, ChangeSymbol> = { add: "+", replace: "~", remove: "−" };
const KIND_ORDER: Record<ChangeKind, number> = { add: 0, replace: 1, remove: 2 };

/** Orders paths segment by segment: indexes numerically, keys by code unit, shorter first. */
export function comparePaths(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * A summary for reviews, toasts and audit lists. Items are grouped as additions, replacements,
 * then removals, each group in path order, so the same changes always read the same way. At most
 * `maxItems` items are listed (default 20); `count` is always the full number.
 */
export function summarizeChanges(changes: readonly Change[], options: { maxItems?: number } = {}): ChangeSummary {
  const maxItems = Math.max(0, options.maxItems ?? 20);
  const count = changes.length;
  if (count === 0) return { count, text: "No changes", items: [] };
  const ordered = changes
    .slice()
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || comparePaths(a.path, b.path))
    .slice(0, maxItems);
  const items = ordered.map((change): ChangeSummaryItem => {
    const path = change.path.length === 0 ? "(whole document)" : formatKeyPath(change.path);
    const detail =
      change.kind === "replace"
        ? `${previewValue(change.before)} → ${previewValue(change.after)}`
        : previewValue(change.kind === "add" ? change.after : change.before);
    return { symbol: SYMBOL[change.kind], path, detail };
  });
  // The one-line text shows values only for replacements: "+ plan" and "− trial" say enough for a
  // toast, and "5 → 10" is the part that matters. The items carry the values for fuller lists.
  const listed = items.map((item) => (item.symbol === "~" ? `~ ${item.path} ${item.detail}` : `${item.symbol} ${item.path}`));
  if (count > items.length) listed.push(`… and ${count - items.length} more`);
  const text = `${count} change${count === 1 ? "" : "s"}: ${listed.join(", ")}`;
  return { count, text, items };
}
