// Applying RFC 6902 JSON Patch operations without modifying the input. Each operation copies only
// the objects and arrays on its path; everything else is shared with the input document.

import { isIndexToken, parsePointer } from "./pointer";
import { cloneJson, copyObject, deepEqual, defineOwn, describeType, hasOwn, isPlainObject, type JsonObject } from "./value";

export type Operation =
  | { op: "add"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "replace"; path: string; value: unknown }
  | { op: "move"; from: string; path: string }
  | { op: "copy"; from: string; path: string }
  | { op: "test"; path: string; value: unknown };

/** Thrown when an operation is malformed or does not fit the document. */
export class PatchError extends Error {
  constructor(
    message: string,
    /** 0-based position of the failing operation. */
    readonly index: number,
    readonly operation: unknown,
  ) {
    super(message);
    this.name = "PatchError";
  }
}

/** A reason without the "Change N" prefix; applyPatch adds that. */
class Misfit extends Error {}

type Container = JsonObject | unknown[];

function tokensOf(pointer: unknown, field: string): string[] {
  if (typeof pointer !== "string") throw new Misfit(`"${field}" must be a JSON Pointer string`);
  const parsed = parsePointer(pointer);
  if (!parsed.ok) throw new Misfit(parsed.error);
  return parsed.tokens;
}

function pointerOf(tokens: readonly string[], length = tokens.length): string {
  return tokens.slice(0, length).map((t) => "/" + t.replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** Array index a token names, or a Misfit. `allowEnd` accepts "-" and the length (for add). */
function arrayIndex(array: unknown[], token: string, at: string, allowEnd: boolean): number {
  if (allowEnd && token === "-") return array.length;
  if (!isIndexToken(token)) throw new Misfit(`${at} is an array, so "${token}" must be an index like 0`);
  const index = Number(token);
  const limit = allowEnd ? array.length : array.length - 1;
  if (index > limit) throw new Misfit(`${at} has ${array.length} item${array.length === 1 ? "" : "s"}, so index ${index} is out of range`);
  return index;
}

function childOf(node: unknown, tokens: readonly string[], depth: number): unknown {
  const token = tokens[depth];
  const at = pointerOf(tokens, depth) || "the document";
  if (Array.isArray(node)) return node[arrayIndex(node, token, at, false)];
  if (isPlainObject(node)) {
    if (!hasOwn(node, token)) throw new Misfit(`${pointerOf(tokens, depth + 1)} does not exist`);
    return node[token];
  }
  throw new Misfit(`${at} is ${describeType(node)}, so ${pointerOf(tokens, depth + 1)} does not exist`);
}

/** The value at a pointer; throws a Misfit naming the first missing step. */
export function valueAt(doc: unknown, tokens: readonly string[]): unknown {
  let node = doc;
  for (let depth = 0; depth < tokens.length; depth++) node = childOf(node, tokens, depth);
  return node;
}

/** Copies the containers down to the parent of the last token and lets `edit` change that copy. */
function editParent(doc: unknown, tokens: readonly string[], edit: (parent: Container, token: string, at: string) => void): unknown {
  const rec = (node: unknown, depth: number): unknown => {
    const at = pointerOf(tokens, depth) || "the document";
    if (!Array.isArray(node) && !isPlainObject(node)) {
      throw new Misfit(`${at} is ${describeType(node)}, so ${pointerOf(tokens, depth + 1)} does not exist`);
    }
    const copy: Container = Array.isArray(node) ? node.slice() : copyObject(node);
    if (depth === tokens.length - 1) {
      edit(copy, tokens[depth], at);
      return copy;
    }
    const child = childOf(node, tokens, depth);
    const updated = rec(child, depth + 1);
    if (Array.isArray(copy)) copy[Number(tokens[depth])] = updated;
    else defineOwn(copy, tokens[depth], updated);
    return copy;
  };
  return rec(doc, 0);
}

function add(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  return editParent(doc, tokens, (parent, token, at) => {
    if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, at, true), 0, value);
    else defineOwn(parent, token, value);
  });
}

function remove(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) throw new Misfit("the whole document cannot be removed");
  return editParent(doc, tokens, (parent, token, at) => {
    if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, at, false), 1);
    else if (!hasOwn(parent, token)) throw new Misfit(`${pointerOf(tokens)} does not exist, so it cannot be removed`);
    else delete parent[token];
  });
}

function replace(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  return editParent(doc, tokens, (parent, token, at) => {
    if (Array.isArray(parent)) parent[arrayIndex(parent, token, at, false)] = value;
    else if (!hasOwn(parent, token)) throw new Misfit(`${pointerOf(tokens)} does not exist, so it cannot be replaced`);
    else defineOwn(parent, token, value); // an existing key keeps its position
  });
}

function valueField(op: Record<string, unknown>): unknown {
  if (!("value" in op) || op.value === undefined) throw new Misfit(`a "${String(op.op)}" needs a "value"`);
  return cloneJson(op.value); // the document must not share objects with the patch
}

/** Applies one operation; throws a Misfit when it does not fit. */
export function applyOperation(doc: unknown, operation: unknown): unknown {
  if (!isPlainObject(operation)) throw new Misfit("an operation must be an object");
  const tokens = tokensOf(operation.path, "path");
  switch (operation.op) {
    case "add":
      return add(doc, tokens, valueField(operation));
    case "remove":
      return remove(doc, tokens);
    case "replace":
      valueAt(doc, tokens); // a clear "does not exist" before anything else
      return replace(doc, tokens, valueField(operation));
    case "move": {
      const from = tokensOf(operation.from, "from");
      const fromPointer = operation.from as string;
      if (fromPointer !== operation.path && (operation.path as string).startsWith(fromPointer + "/")) {
        throw new Misfit(`${fromPointer} cannot be moved inside itself`);
      }
      const value = valueAt(doc, from);
      return add(remove(doc, from), tokens, value);
    }
    case "copy":
      return add(doc, tokens, cloneJson(valueAt(doc, tokensOf(operation.from, "from"))));
    case "test": {
      const expected = valueField(operation);
      const actual = valueAt(doc, tokens);
      if (!deepEqual(actual, expected)) throw new Misfit(`the test failed: ${operation.path || "the document"} is not the expected value`);
      return doc;
    }
    default:
      throw new Misfit(`"${String(operation.op)}" is not a JSON Patch operation (add, remove, replace, move, copy, test)`);
  }
}

function label(operation: unknown): string {
  if (!isPlainObject(operation)) return "";
  return ` (${String(operation.op)} ${typeof operation.path === "string" ? operation.path || '""' : "?"})`;
}

/**
 * Applies `ops` in order and returns the new document; `doc` and `ops` are not modified.
 * Throws a PatchError such as "Change 2 (replace /limits/seats) does not apply: /limits does not exist".
 */
export function applyPatch(doc: unknown, ops: readonly unknown[]): unknown {
  if (!Array.isArray(ops)) throw new PatchError("A patch must be a list of operations", -1, ops);
  let current = doc;
  ops.forEach((operation, index) => {
    try {
      current = applyOperation(current, operation);
    } catch (error) {
      if (!(error instanceof Misfit)) throw error;
      throw new PatchError(`Change ${index + 1}${label(operation)} does not apply: ${error.message}`, index, operation);
    }
  });
  return current;
}

export { Misfit as PatchMisfit };
