// One text form per JSON value, so that "did anything change?" is a string comparison and the
// fingerprint the browser shows equals the fingerprint the server checks.
//
// Keys are sorted by UTF-16 code units (as Array.prototype.sort does and as RFC 8785 does).
// We serialise by hand rather than sorting a copy and calling JSON.stringify, because JavaScript
// objects always list integer-like keys ("2", "10") first whatever order they were inserted in.
// Strings are written exactly as JSON.stringify writes them (lone surrogates → \udXXX escapes), which
// keeps the output well-formed UTF-16 and stable. Numbers are written as the core holds them: a plain
// number as JSON.stringify writes it, a JsonNumber as its own text (exact-number.ts), so 1.0 and 1 have
// different fingerprints, as they are different bytes in the core.

import { JsonNumber, stringifyJson } from "./exact-number";
import { sha256Hex, utf8Length } from "./sha256";

function sortedKeys(object: Record<string, unknown>): string[] {
  return Object.keys(object).sort();
}

/** Values JSON.stringify drops from objects (and writes as null inside arrays). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

// Most strings need no escaping; quoting them directly is much cheaper than JSON.stringify.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A non-container value exactly as JSON.stringify writes it. */
function primitive(value: unknown): string {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null"; // String(-0) is "0", as in JSON
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("A BigInt cannot be written as JSON");
    default:
      return "null";
  }
}

/**
 * How deep indentation goes in the laid-out forms. Deeper objects and arrays are written compact on
 * their line, so the text stays about as long as the data: indenting every level of data nested 2,000
 * deep would write about 2 * 2,000^2 spaces (4 KB of data became a 15.8 MB page).
 */
export const MAX_INDENTED_DEPTH = 32;

interface Layout {
  /** null: compact. */
  indent: string | null;
  /** Keys sorted (canonical forms) or in the order the data holds them. */
  sortKeys: boolean;
}

/** Serialises `value` by `layout`; indentation stops at MAX_INDENTED_DEPTH. */
function serialize(value: unknown, layout: Layout): string {
  const stack: unknown[] = [];
  const keysOf = layout.sortKeys ? sortedKeys : Object.keys;
  const write = (node: unknown, depth: string, level: number): string => {
    if (typeof node !== "object" || node === null) return primitive(node);
    if (node instanceof JsonNumber) return node.text;
    if (stack.includes(node)) throw new TypeError("The value contains a cycle and cannot be written as JSON");
    const indent = level < MAX_INDENTED_DEPTH ? layout.indent : null;
    const inner = indent === null ? "" : "\n" + depth + indent;
    const close = indent === null ? "" : "\n" + depth;
    const colon = layout.indent === null ? ":" : ": ";
    const next = indent === null ? "" : depth + indent;
    stack.push(node);
    let out: string;
    if (Array.isArray(node)) {
      out = "[";
      for (let i = 0; i < node.length; i++) {
        out += (i > 0 ? "," : "") + inner + (isSkipped(node[i]) ? "null" : write(node[i], next, level + 1));
      }
      out += node.length > 0 ? close + "]" : "]";
    } else {
      const object = node as Record<string, unknown>;
      out = "{";
      let first = true;
      for (const key of keysOf(object)) {
        if (isSkipped(object[key])) continue;
        out += (first ? "" : ",") + inner + quote(key) + colon + write(object[key], next, level + 1);
        first = false;
      }
      out += first ? "}" : close + "}";
    }
    stack.pop();
    return out;
  };
  return write(value, "", 0);
}

/** Compact JSON with object keys sorted recursively. */
export function canonicalJson(value: unknown): string {
  return serialize(value, { indent: null, sortKeys: true });
}

/**
 * JSON with 2-space indentation and sorted keys, laid out like JSON.stringify(value, null, 2) down to
 * MAX_INDENTED_DEPTH levels. Both sides of the diff editor use it, so two versions differ by content,
 * never by formatting.
 */
export function prettyJson(value: unknown): string {
  return serialize(value, { indent: "  ", sortKeys: true });
}

/**
 * The data as it is held (keys in stored order, numbers as the core sent them), laid out like
 * JSON.stringify(value, null, 2) down to MAX_INDENTED_DEPTH levels and compact below, so what a page
 * or an export writes grows with the data and never with the square of its depth. For every view of
 * session data: the user page, the editor's text, audit entries and the export.
 */
export function layoutJson(value: unknown): string {
  return serialize(value, { indent: "  ", sortKeys: false });
}

export const FINGERPRINT_PREFIX = "sha256:";

/**
 * "sha256:" + hex SHA-256 of canonicalJson(value). Equal for equal data whatever the key order;
 * the prefix leaves room to change the algorithm without confusing old and new fingerprints.
 */
export function fingerprint(value: unknown): string {
  return fingerprintOfCanonical(canonicalJson(value));
}

/** fingerprint() for a caller that already has the canonical JSON (and compares it too). */
export function fingerprintOfCanonical(canonical: string): string {
  return FINGERPRINT_PREFIX + sha256Hex(canonical);
}

/** UTF-8 bytes of the compact JSON of `value` (exact numbers included): the size it takes when stored. */
export function byteSize(value: unknown): number {
  const text = stringifyJson(value) as string | undefined;
  return text === undefined ? 0 : utf8Length(text);
}
