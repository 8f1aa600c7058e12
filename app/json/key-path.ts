// Key paths for bulk "set / delete one key in every session". Staff type them by hand, and keys in
// session data can contain dots and slashes, so two spellings are accepted:
//   JSON Pointer:  /featureFlags/beta    /a~1b (key "a/b")    /x~0y (key "x~y")
//   dotted:        featureFlags.beta     ["a.b"].c            items[0]    carts.123 (key "123")
// In the dotted form `[0]` is an array index and `.0` / `["0"]` a key. Pointer tokens are always
// strings; as RFC 6901 says, a digit token indexes an array when it meets one.

import { isIndexToken, parsePointer } from "./pointer";
import {
  cloneJson, copyObject, deepEqual, defineOwn, describeType, hasOwn, isPlainObject,
  type JsonObject, type PathSegment,
} from "./value";

export { toPointer } from "./pointer";

export type KeyPathParse = { ok: true; path: PathSegment[] } | { ok: false; error: string };
export type EditResult = { ok: true; value: JsonObject; changed: boolean } | { ok: false; error: string };

// Characters that cannot appear in an unquoted dotted segment. "/" is excluded so that
// "featureFlags/beta" (a pointer missing its leading slash) is an error, not a key with a slash.
const PLAIN_SEGMENT = /^[^.[\]"'/\\\s]+$/u;

const EXAMPLE = "for example featureFlags.beta or /featureFlags/beta";

export function parseKeyPath(input: string): KeyPathParse {
  const text = input.trim();
  if (text === "") return { ok: false, error: `Enter a key path, ${EXAMPLE}` };
  if (text.startsWith("/")) {
    const parsed = parsePointer(text);
    if (!parsed.ok) return parsed;
    if (parsed.tokens.some((token) => token === "")) {
      return { ok: false, error: `"${text}" has an empty key between slashes; remove the extra "/" (an empty key can be written [""])` };
    }
    return { ok: true, path: parsed.tokens };
  }
  return parseDotted(text);
}

function parseDotted(text: string): KeyPathParse {
  const path: PathSegment[] = [];
  const fail = (at: number, why: string): KeyPathParse => ({
    ok: false, error: `"${text}" is not a valid key path (at character ${at + 1}): ${why}`,
  });
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === "[") {
      const close = findBracketEnd(text, i);
      if (close < 0) return fail(i, `"[" is not closed with a matching "]"`);
      const inside = text.slice(i + 1, close);
      const segment = bracketSegment(inside);
      if (segment === undefined) {
        return fail(i, `inside [ ] write an index like [0] or a quoted key like ["a.b"]`);
      }
      path.push(segment);
      i = close + 1;
    } else if (char === "." || i === 0) {
      const start = char === "." ? i + 1 : i;
      if (char === "." && i === 0) return fail(i, "a key path cannot start with a dot");
      let end = start;
      while (end < text.length && text[end] !== "." && text[end] !== "[") end++;
      const segment = text.slice(start, end);
      if (segment === "") return fail(start, "a key is missing (two dots in a row, or a dot at the end)");
      if (!PLAIN_SEGMENT.test(segment)) {
        return fail(start, `the key "${segment}" contains a space, quote, slash, bracket or backslash; write it as [${JSON.stringify(segment)}]`);
      }
      path.push(segment);
      i = end;
    } else {
      return fail(i, `expected "." or "[" but found "${char}"`);
    }
  }
  return { ok: true, path };
}

/** Index of the "]" closing the bracket at `open`, skipping over a quoted key. */
function findBracketEnd(text: string, open: number): number {
  const quote = text[open + 1];
  if (quote !== '"' && quote !== "'") return text.indexOf("]", open);
  for (let i = open + 2; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return text[i + 1] === "]" ? i + 1 : -1;
  }
  return -1;
}

function bracketSegment(inside: string): PathSegment | undefined {
  if (isIndexToken(inside)) return Number(inside);
  if (inside.length >= 2 && inside.startsWith('"') && inside.endsWith('"')) {
    try {
      const key: unknown = JSON.parse(inside);
      return typeof key === "string" ? key : undefined;
    } catch {
      return undefined;
    }
  }
  if (inside.length >= 2 && inside.startsWith("'") && inside.endsWith("'")) {
    return inside.slice(1, -1).replace(/\\(['\\])/g, "$1");
  }
  return undefined;
}

/** Display form: limits.seats, items[2].name, ["a.b"].c. parseKeyPath(formatKeyPath(p)) gives p back. */
export function formatKeyPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_SEGMENT.test(segment)) out += (out === "" ? "" : ".") + segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

type Container = JsonObject | unknown[];
const NOT_FOUND = Symbol("not found");

/** The object key or array index `segment` names in `container`, or NOT_FOUND. */
function resolve(container: Container, segment: PathSegment): string | number | typeof NOT_FOUND {
  if (Array.isArray(container)) {
    const index = typeof segment === "number" ? segment : isIndexToken(segment) ? Number(segment) : -1;
    return Number.isInteger(index) && index >= 0 && index < container.length ? index : NOT_FOUND;
  }
  return typeof segment === "string" && hasOwn(container, segment) ? segment : NOT_FOUND;
}

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isPlainObject(value);
}

/** The value at `path`, or undefined when nothing is there. */
export function getAt(doc: unknown, path: readonly PathSegment[]): unknown {
  let node: unknown = doc;
  for (const segment of path) {
    if (!isContainer(node)) return undefined;
    const key = resolve(node, segment);
    if (key === NOT_FOUND) return undefined;
    node = Array.isArray(node) ? node[key as number] : node[key as string];
  }
  return node;
}

function checkRoot(doc: unknown, path: readonly PathSegment[]): string | null {
  if (path.length === 0) return `The key path is empty; name a key, ${EXAMPLE}`;
  if (!isPlainObject(doc)) return `The session data is ${describeType(doc)}, not an object`;
  return null;
}

function where(path: readonly PathSegment[], depth: number): string {
  return depth === 0 ? "The session data" : formatKeyPath(path.slice(0, depth));
}

/** Copy of `container` with `key` set to `value`; an existing key keeps its position. */
function withChild(container: Container, key: string | number, value: unknown): Container {
  if (Array.isArray(container)) {
    const copy = container.slice();
    copy[key as number] = value;
    return copy;
  }
  const copy = copyObject(container);
  defineOwn(copy, key as string, value);
  return copy;
}

/**
 * Sets `value` at `path`, creating missing parent objects. Returns a new document that shares
 * every untouched subtree with `doc`; `doc` itself is never modified.
 */
export function setAt(doc: unknown, path: readonly PathSegment[], value: unknown): EditResult {
  const rootProblem = checkRoot(doc, path);
  if (rootProblem) return { ok: false, error: rootProblem };
  const build = (node: Container, depth: number): Container | string | null => {
    const segment = path[depth];
    const last = depth === path.length - 1;
    const key = resolve(node, segment);
    if (Array.isArray(node) && key === NOT_FOUND) {
      if (typeof segment === "string" && !isIndexToken(segment)) {
        return `${where(path, depth)} is an array, so it has no key "${segment}"; use an index like [0]`;
      }
      return `${where(path, depth)} has ${node.length} item${node.length === 1 ? "" : "s"}, so index ${segment} is out of range`;
    }
    if (!Array.isArray(node) && typeof segment === "number") {
      return `${where(path, depth)} is an object, not an array, so [${segment}] does not apply; to name the key "${segment}" write .${segment}`;
    }
    if (key === NOT_FOUND) {
      // A missing key: create it, with empty objects for any missing parents below it.
      const rest = path.slice(depth + 1);
      const index = rest.findIndex((s) => typeof s === "number");
      if (index >= 0) {
        return `${formatKeyPath(path.slice(0, depth + 1 + index))} does not exist, so index [${rest[index]}] cannot be set; an index needs an existing array`;
      }
      let created: unknown = cloneJson(value);
      for (let i = rest.length - 1; i >= 0; i--) {
        const parent: JsonObject = {};
        defineOwn(parent, rest[i] as string, created);
        created = parent;
      }
      return withChild(node, segment, created);
    }
    const child = Array.isArray(node) ? node[key as number] : node[key as string];
    if (last) return deepEqual(child, value) ? null : withChild(node, key, cloneJson(value));
    if (!isContainer(child)) {
      return `${formatKeyPath(path.slice(0, depth + 1))} is ${describeType(child)}, not an object, so ${formatKeyPath(path.slice(depth + 1))} cannot be set inside it`;
    }
    const updated = build(child, depth + 1);
    return updated === null || typeof updated === "string" ? updated : withChild(node, key, updated);
  };
  const result = build(doc as JsonObject, 0);
  if (typeof result === "string") return { ok: false, error: result };
  if (result === null) return { ok: true, value: doc as JsonObject, changed: false };
  return { ok: true, value: result as JsonObject, changed: true };
}

/**
 * Deletes the value at `path` (an array item is removed and later items move up). Deleting
 * something that is not there, including below a value that is not an object, is not an error:
 * the result is the same document with changed: false, which is what a bulk delete wants.
 */
export function deleteAt(doc: unknown, path: readonly PathSegment[]): EditResult {
  const rootProblem = checkRoot(doc, path);
  if (rootProblem) return { ok: false, error: rootProblem };
  const remove = (node: unknown, depth: number): Container | null => {
    if (!isContainer(node)) return null;
    const key = resolve(node, path[depth]);
    if (key === NOT_FOUND) return null;
    if (depth === path.length - 1) {
      if (Array.isArray(node)) return node.filter((_, i) => i !== key);
      const copy: JsonObject = {};
      for (const k of Object.keys(node)) if (k !== key) defineOwn(copy, k, node[k]);
      return copy;
    }
    const child = Array.isArray(node) ? node[key as number] : node[key as string];
    const updated = remove(child, depth + 1);
    return updated === null ? null : withChild(node, key, updated);
  };
  const result = remove(doc, 0);
  if (result === null) return { ok: true, value: doc as JsonObject, changed: false };
  return { ok: true, value: result as JsonObject, changed: true };
}
