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

/** Serialises with sorted keys; `indent` null means compact. */
function serialize(value: unknown, indent: string | null): string {
  const stack: unknown[] = [];
  const write = (node: unknown, depth: string): string => {
    if (typeof node !== "object" || node === null) return primitive(node);
    if (node instanceof JsonNumber) return node.text;
    if (stack.includes(node)) throw new TypeError("The value contains a cycle and cannot be written as JSON");
    const inner = indent === null ? "" : "\n" + depth + indent;
    const close = indent === null ? "" : "\n" + depth;
    const colon = indent === null ? ":" : ": ";
    const next = indent === null ? "" : depth + indent;
    stack.push(node);
    let out: string;
    if (Array.isArray(node)) {
      out = "[";
      for (let i = 0; i < node.length; i++) {
        out += (i > 0 ? "," : "") + inner + (isSkipped(node[i]) ? "null" : write(node[i], next));
      }
      out += node.length > 0 ? close + "]" : "]";
    } else {
      const object = node as Record<string, unknown>;
      out = "{";
      let first = true;
      for (const key of sortedKeys(object)) {
        if (isSkipped(object[key])) continue;
        out += (first ? "" : ",") + inner + quote(key) + colon + write(object[key], next);
        first = false;
      }
      out += first ? "}" : close + "}";
    }
    stack.pop();
    return out;
  };
  return write(value, "");
}

/** Compact JSON with object keys sorted recursively. */
export function canonicalJson(value: unknown): string {
  return serialize(value, null);
}

/**
 * JSON with 2-space indentation and sorted keys, laid out like JSON.stringify(value, null, 2).
 * Both sides of the diff editor use it, so two versions differ by content, never by formatting.
 */
export function prettyJson(value: unknown): string {
  return serialize(value, "  ");
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
