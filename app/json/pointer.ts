// JSON Pointer (RFC 6901) helpers. A pointer is "" for the whole document, otherwise "/" followed
// by keys joined with "/", where "~" is written "~0" and "/" is written "~1".

import type { PathSegment } from "./value";

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapePointerToken(token: string): string {
  // Order matters: "~01" means the key "~1", so ~1 is undone before ~0.
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function toPointer(path: readonly PathSegment[]): string {
  let pointer = "";
  for (const segment of path) pointer += "/" + escapePointerToken(String(segment));
  return pointer;
}

export type PointerParse = { ok: true; tokens: string[] } | { ok: false; error: string };

/** Splits a pointer into unescaped tokens (always strings: "0" may be a key or an index). */
export function parsePointer(pointer: string): PointerParse {
  if (pointer === "") return { ok: true, tokens: [] };
  if (!pointer.startsWith("/")) {
    return { ok: false, error: `"${pointer}" is not a JSON Pointer: it must start with "/"` };
  }
  const raw = pointer.slice(1).split("/");
  for (const token of raw) {
    if (/~(?![01])/.test(token)) {
      return { ok: false, error: `"${pointer}" is not a valid JSON Pointer: write "~0" for "~" and "~1" for "/"` };
    }
  }
  return { ok: true, tokens: raw.map(unescapePointerToken) };
}

/** Array index tokens are "0" or digits without a leading zero. */
export function isIndexToken(token: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(token);
}

/** True when `ancestor` names a value that contains the value `descendant` names (not equal). */
export function isAncestorPointer(ancestor: string, descendant: string): boolean {
  if (ancestor === descendant) return false;
  return ancestor === "" || descendant.startsWith(ancestor + "/");
}

/** The pointer one level up; the root has no parent. */
export function parentPointer(pointer: string): string | null {
  if (pointer === "") return null;
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

/** Every proper ancestor of a pointer, from the root down. */
export function ancestorPointers(pointer: string): string[] {
  const out: string[] = [];
  for (let p = parentPointer(pointer); p !== null; p = parentPointer(p)) out.unshift(p);
  return out;
}
