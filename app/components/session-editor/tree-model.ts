/**
 * The tree view's model, pure (no React, no DOM): the document flattened into the rows that are open,
 * which nodes start open, and the edits the tree makes.
 *
 * Why rows: a session may hold up to 1 MiB (tens of thousands of nodes). Only the rows of open nodes are
 * listed (collapsed subtrees cost nothing), and the component renders only the rows on screen plus a
 * margin (virtualised), so the page stays light at any size. Edits share structure with the document
 * they change (app/json setAt/deleteAt): untouched subtrees, exact numbers (JsonNumber) included, are the
 * same objects afterwards.
 */
import { deleteAt, getAt, isJsonNumber, isPlainObject, setAt, toPointer, type JsonObject, type PathSegment } from "~/json";

export type NodeKind = "object" | "array" | "string" | "number" | "boolean" | "null";

export interface TreeRow {
  /** The node's JSON Pointer ("" for the root): stable across edits elsewhere, used as the React key. */
  id: string;
  path: PathSegment[];
  /** The key in its object, the index in its array, null for the root. */
  key: string | number | null;
  depth: number;
  kind: NodeKind;
  /** The value itself (for collections too; the row shows a preview only). */
  value: unknown;
  /** Number of keys or items of a collection; 0 for other values. */
  size: number;
  expanded: boolean;
  parentKind: "object" | "array" | null;
}

export function kindOf(value: unknown): NodeKind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (isJsonNumber(value) || typeof value === "number") return "number";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  return "object";
}

function sizeOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  return 0;
}

/**
 * The rows to show: the root, then depth-first every child of every open collection. Work is in
 * proportion to the rows listed, never to the document (a closed collection's contents are not visited).
 */
export function flattenTree(root: JsonObject, expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (value: unknown, path: PathSegment[], key: string | number | null, depth: number, parentKind: TreeRow["parentKind"]) => {
    const id = toPointer(path);
    const kind = kindOf(value);
    const isCollection = kind === "object" || kind === "array";
    const open = isCollection && expanded.has(id);
    rows.push({ id, path, key, depth, kind, value, size: isCollection ? sizeOf(value) : 0, expanded: open, parentKind });
    if (!open) return;
    if (kind === "array") {
      (value as unknown[]).forEach((item, index) => visit(item, [...path, index], index, depth + 1, "array"));
    } else {
      for (const childKey of Object.keys(value as JsonObject)) visit((value as JsonObject)[childKey], [...path, childKey], childKey, depth + 1, "object");
    }
  };
  visit(root, [], null, 0, null);
  return rows;
}

/**
 * Which collections start open: the root, then level by level (breadth first) down to `maxDepth`, each
 * collection whose children still fit in `maxRows` rows. A small document opens as far as `maxDepth`;
 * a large one opens its top level and whatever small collections fit, and never a 7,000-item array.
 */
export function initialExpanded(root: JsonObject, options: { maxDepth?: number; maxRows?: number } = {}): Set<string> {
  const { maxDepth = 3, maxRows = 200 } = options;
  const open = new Set<string>([""]);
  let rows = 1 + sizeOf(root);
  let level: Array<{ value: unknown; path: PathSegment[] }> = [{ value: root, path: [] }];
  for (let depth = 1; depth < maxDepth && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const parent of level) {
      const entries: Array<[PathSegment, unknown]> = Array.isArray(parent.value)
        ? parent.value.map((item, index) => [index, item])
        : Object.keys(parent.value as JsonObject).map((key) => [key, (parent.value as JsonObject)[key]]);
      for (const [key, child] of entries) {
        const kind = kindOf(child);
        if (kind !== "object" && kind !== "array") continue;
        const size = sizeOf(child);
        if (rows + size > maxRows) continue;
        const path = [...parent.path, key];
        open.add(toPointer(path));
        rows += size;
        next.push({ value: child, path });
      }
    }
    level = next;
  }
  return open;
}

/** The pointers of `path`'s ancestors and itself, for opening the way to a node. */
export function pointersAlong(path: readonly PathSegment[]): string[] {
  return path.map((_, index) => toPointer(path.slice(0, index + 1)));
}

export type TreeEdit =
  /** Replace the value at `path` (its key stays). */
  | { op: "set"; path: PathSegment[]; value: unknown }
  /** Rename an object's key, keeping its place among the keys, and optionally set a new value. */
  | { op: "rename"; path: PathSegment[]; newKey: string; value?: unknown }
  | { op: "delete"; path: PathSegment[] }
  /** Add a key to the object at `path` (at the end) or an item to the array at `path` (`key` ignored). */
  | { op: "add"; path: PathSegment[]; key?: string; value: unknown };

export type TreeEditResult = { ok: true; value: JsonObject } | { ok: false; error: string };

/** Applies one edit of the tree to the document; the result shares every untouched subtree with it. */
export function applyTreeEdit(doc: JsonObject, edit: TreeEdit): TreeEditResult {
  switch (edit.op) {
    case "set": {
      if (edit.path.length === 0) return isPlainObject(edit.value) ? { ok: true, value: edit.value } : { ok: false, error: "The root must stay an object" };
      return done(setAt(doc, edit.path, edit.value));
    }
    case "delete": {
      if (edit.path.length === 0) return { ok: false, error: "The root cannot be deleted" };
      return done(deleteAt(doc, edit.path));
    }
    case "add": {
      const target = getAt(doc, edit.path);
      if (Array.isArray(target)) return done(setAt(doc, edit.path, [...target, edit.value]));
      if (!isPlainObject(target)) return { ok: false, error: "Only an object or an array can get a new entry" };
      const key = edit.key ?? "";
      if (key === "") return { ok: false, error: "Give the new key a name" };
      if (Object.prototype.hasOwnProperty.call(target, key)) return { ok: false, error: `There is already a key "${key}" here` };
      return done(setAt(doc, [...edit.path, key], edit.value));
    }
    case "rename": {
      const parentPath = edit.path.slice(0, -1);
      const oldKey = edit.path[edit.path.length - 1];
      const parent = getAt(doc, parentPath);
      if (typeof oldKey !== "string" || !isPlainObject(parent)) return { ok: false, error: "Only a key of an object can be renamed" };
      if (edit.newKey === "") return { ok: false, error: "A key needs a name" };
      if (edit.newKey !== oldKey && Object.prototype.hasOwnProperty.call(parent, edit.newKey)) return { ok: false, error: `There is already a key "${edit.newKey}" here` };
      const renamed: JsonObject = {};
      for (const key of Object.keys(parent)) {
        const value = key === oldKey ? ("value" in edit ? edit.value : parent[key]) : parent[key];
        // defineProperty: a key named "__proto__" is an ordinary key of session data, not a prototype.
        Object.defineProperty(renamed, key === oldKey ? edit.newKey : key, { value, enumerable: true, writable: true, configurable: true });
      }
      if (parentPath.length === 0) return { ok: true, value: renamed };
      return done(setAt(doc, parentPath, renamed));
    }
  }
}

function done(result: ReturnType<typeof setAt>): TreeEditResult {
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
}

/** A new value of `kind` for a type change, keeping what can be kept (text of a number, etc.). */
export function convertValue(value: unknown, kind: NodeKind): unknown {
  if (kindOf(value) === kind) return value;
  switch (kind) {
    case "string":
      return value === null ? "" : typeof value === "object" ? "" : String(value);
    case "number": {
      const n = typeof value === "string" ? Number(value.trim()) : typeof value === "boolean" ? Number(value) : NaN;
      return Number.isFinite(n) && (typeof value !== "string" || value.trim() !== "") ? n : 0;
    }
    case "boolean":
      return value === "true" || value === 1 || value === true;
    case "null":
      return null;
    case "object":
      return {};
    case "array":
      return [];
  }
}
