// JSON Patch (RFC 6902) for session data: create, apply, invert (for revert), and merge my edit
// onto a document someone else changed meanwhile.

import { applyOperation, applyPatch, PatchError, PatchMisfit, valueAt, type Operation } from "./apply";
import { diffJson, type Change } from "./diff";
import { ancestorPointers, isIndexToken, parentPointer, parsePointer, toPointer } from "./pointer";
import { cloneJson, deepEqual, hasOwn, isPlainObject } from "./value";

export { applyPatch, PatchError, type Operation } from "./apply";

/**
 * The patch that turns `before` into `after`, built from diffJson so the stored patch is exactly
 * the reviewed diff. Values are copied. Array items past the new end are removed from the last one
 * down, so each index is still right when its operation runs.
 */
export function createPatch(before: unknown, after: unknown): Operation[] {
  return patchFromChanges(diffJson(before, after));
}

/** createPatch() for a caller that already has diffJson(before, after) (and shows or counts it). */
export function patchFromChanges(changes: readonly Change[]): Operation[] {
  const ops: Operation[] = [];
  let removals: Operation[] = []; // a run of array removals under one parent, emitted in reverse
  let removalParent: string | null = null;
  const flush = (): void => {
    for (let i = removals.length - 1; i >= 0; i--) ops.push(removals[i]);
    removals = [];
    removalParent = null;
  };
  for (const change of changes) {
    const isArrayRemoval = change.kind === "remove" && typeof change.path[change.path.length - 1] === "number";
    const parent = parentPointer(change.pointer);
    if (!isArrayRemoval || parent !== removalParent) flush();
    if (isArrayRemoval) {
      removalParent = parent;
      removals.push({ op: "remove", path: change.pointer });
    } else if (change.kind === "remove") {
      ops.push({ op: "remove", path: change.pointer });
    } else {
      ops.push({ op: change.kind, path: change.pointer, value: cloneJson(change.after) });
    }
  }
  flush();
  return ops;
}

/**
 * The patch that undoes `ops`: applying it to applyPatch(before, ops) gives back `before`
 * (deep-equal; a re-added object key goes to the end of its object). Needs `before` to know the
 * old values. Throws a PatchError if `ops` do not apply to `before`.
 */
export function invertPatch(before: unknown, ops: readonly Operation[]): Operation[] {
  const inverse: Operation[] = [];
  let current = before;
  // Undo of "put `value` at tokens": replace the old value, or remove what was inserted.
  const undoAdd = (tokens: string[], path: string): Operation => {
    if (tokens.length === 0) return { op: "replace", path: "", value: cloneJson(current) };
    const parent = valueAt(current, tokens.slice(0, -1));
    const last = tokens[tokens.length - 1];
    if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      return { op: "remove", path: toPointer([...tokens.slice(0, -1), index]) };
    }
    if (isPlainObject(parent) && hasOwn(parent, last)) return { op: "replace", path, value: cloneJson(parent[last]) };
    return { op: "remove", path };
  };
  const undoRemove = (tokens: string[], path: string): Operation => ({ op: "add", path, value: cloneJson(valueAt(current, tokens)) });
  ops.forEach((op, index) => {
    try {
      const tokens = pointerTokens(op.path);
      switch (op.op) {
        case "add":
        case "copy":
          inverse.push(undoAdd(tokens, op.path));
          break;
        case "remove":
          inverse.push(undoRemove(tokens, op.path));
          break;
        case "replace":
          inverse.push({ op: "replace", path: op.path, value: cloneJson(valueAt(current, tokens)) });
          break;
        case "move": {
          // A move is a remove then an add; undo the add first, then put the value back.
          const fromTokens = pointerTokens(op.from);
          const undoFrom = undoRemove(fromTokens, op.from);
          const moved = valueAt(current, fromTokens);
          current = applyOperation(current, { op: "remove", path: op.from });
          inverse.push(undoFrom, undoAdd(tokens, op.path));
          current = applyOperation(current, { op: "add", path: op.path, value: moved });
          return;
        }
        case "test":
          break;
      }
      current = applyOperation(current, op);
    } catch (error) {
      if (!(error instanceof PatchMisfit)) throw error;
      throw new PatchError(`Change ${index + 1} (${op.op} ${op.path || '""'}) does not apply: ${error.message}`, index, op);
    }
  });
  return inverse.reverse();
}

function pointerTokens(pointer: unknown): string[] {
  if (typeof pointer !== "string") throw new PatchMisfit("each operation needs a JSON Pointer string");
  const parsed = parsePointer(pointer);
  if (!parsed.ok) throw new PatchMisfit(parsed.error);
  return parsed.tokens;
}

/**
 * Pointers an operation depends on: its path, its source for move/copy, and (for an insert or
 * removal at an array index) the array itself, because that shifts every later index.
 */
function touchedPointers(op: Operation): string[] {
  const out = [op.path];
  if (op.op === "move" || op.op === "copy") out.push(op.from);
  const moves = (p: string) => {
    const last = p.slice(p.lastIndexOf("/") + 1);
    return p !== "" && (last === "-" || isIndexToken(last));
  };
  // Conservative: "/carts/123" may be an object key, not an index; then we report a clash too many.
  if ((op.op === "add" || op.op === "remove" || op.op === "move") && moves(op.path)) out.push(parentPointer(op.path)!);
  if (op.op === "move" && moves(op.from)) out.push(parentPointer(op.from)!);
  return out;
}

/** The distinct pointers `ops` write or read, in first-seen order. */
export function patchPaths(ops: readonly Operation[]): string[] {
  return [...new Set(ops.flatMap(touchedPointers))];
}

/** True when both sides made the very same change, which is agreement, not a clash. */
function sameEffect(a: Operation, b: Operation): boolean {
  if (a.path !== b.path || a.op !== b.op) return false;
  const last = a.path.slice(a.path.lastIndexOf("/") + 1);
  if (isIndexToken(last) || last === "-") return a.op === "replace" && deepEqual(a.value, (b as typeof a).value);
  if (a.op === "remove") return true;
  if (a.op === "add" || a.op === "replace") return deepEqual(a.value, (b as typeof a).value);
  return false;
}

/**
 * Pointers where my change and their change overlap: the same location, or one inside the other.
 * Identical changes on both sides do not clash. Sorted; empty means mine can go on top of theirs.
 */
export function findConflicts(mine: readonly Operation[], theirs: readonly Operation[]): string[] {
  // Index their pointers so each of mine is checked against equal, ancestor and descendant
  // pointers without comparing every pair (a large edit can be thousands of operations).
  const byPointer = new Map<string, number[]>();
  theirs.forEach((op, j) => {
    for (const p of touchedPointers(op)) {
      const list = byPointer.get(p);
      if (list) list.push(j);
      else byPointer.set(p, [j]);
    }
  });
  const sorted = [...byPointer.keys()].sort();
  const clashes = new Set<string>();
  mine.forEach((op) => {
    for (const p of touchedPointers(op)) {
      for (const j of byPointer.get(p) ?? []) {
        if (!(p === op.path && p === theirs[j].path && sameEffect(op, theirs[j]))) clashes.add(p);
      }
      for (const ancestor of ancestorPointers(p)) {
        if (byPointer.has(ancestor)) clashes.add(ancestor).add(p);
      }
      const prefix = p === "" ? "" : p + "/";
      for (let k = lowerBound(sorted, prefix); k < sorted.length && sorted[k].startsWith(prefix); k++) {
        if (sorted[k] !== p) clashes.add(sorted[k]).add(p);
      }
    }
  });
  return [...clashes].sort();
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type RebaseResult = { ok: true; value: unknown; ops: Operation[] } | { ok: false; clashes: string[] };

/**
 * Puts my edit (original → mine) on top of the current document (original → theirsNow) when the
 * two touched different places; otherwise lists the pointers that clash. `ops` are the operations
 * actually applied to theirsNow (mine, minus changes they had already made identically).
 */
export function rebase(original: unknown, mine: unknown, theirsNow: unknown): RebaseResult {
  const myOps = createPatch(original, mine);
  const theirOps = createPatch(original, theirsNow);
  const clashes = findConflicts(myOps, theirOps);
  if (clashes.length > 0) return { ok: false, clashes };
  const theirsByPath = new Map<string, Operation[]>();
  for (const op of theirOps) theirsByPath.set(op.path, [...(theirsByPath.get(op.path) ?? []), op]);
  const ops = myOps.filter((op) => !(theirsByPath.get(op.path) ?? []).some((their) => sameEffect(op, their)));
  try {
    return { ok: true, value: applyPatch(theirsNow, ops), ops };
  } catch (error) {
    // Should not happen once no paths overlap; if it does, report the path instead of guessing.
    if (error instanceof PatchError) return { ok: false, clashes: [ops[error.index]?.path ?? ""] };
    throw error;
  }
}
