// Turning the text staff typed into session data, with errors a support person can act on.

import { byteSize } from "./canonical";
import { parseJson } from "./exact-number";
import { formatBytes } from "./format";
import { utf8Length } from "./sha256";
import { findSyntaxProblem, lineAndColumn } from "./json-syntax";
import { describeType, isPlainObject, type JsonObject } from "./value";

export interface ParseSessionDataOptions {
  /** Largest allowed size, in UTF-8 bytes of the compact JSON that will be stored. */
  maxBytes: number;
  /** Deepest allowed nesting of objects and arrays (default 256). */
  maxDepth?: number;
}

export type ParseSessionDataResult =
  | { ok: true; value: JsonObject; bytes: number }
  | { ok: false; error: string; line?: number; column?: number };

// Text this much larger than the limit is refused before parsing, to bound the work. Pretty
// printing rarely more than triples the size, so anything that could fit still gets parsed.
const TEXT_SLACK = 8;

/** How one caller words its refusals; everything else about parsing is shared. */
interface Wording {
  /** "data" or "value", as in "The data is 2 MiB; the limit is 1 MiB". */
  noun: string;
  empty: string;
  tooLongText: (size: string, limit: string) => string;
  /** A refusal of the parsed value's shape, checked before its size. */
  shape?: (value: unknown) => string | undefined;
}

/**
 * The one way typed JSON becomes a value: BOM dropped, empty and far-too-long text refused before any
 * parsing, every syntax mistake (duplicate keys and nesting too) with its line and column, numbers kept
 * as typed (exact-number.ts), then the shape and the compact size checked.
 */
function parseTypedJson(text: string, maxBytes: number, maxDepth: number, wording: Wording): { ok: true; value: unknown; bytes: number } | { ok: false; error: string; line?: number; column?: number } {
  // A byte-order mark is invisible, comes from saved files, and JSON.parse rejects it.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === "") return { ok: false, error: wording.empty };
  if (source.length > maxBytes * TEXT_SLACK) {
    return { ok: false, error: wording.tooLongText(formatBytes(utf8Length(source)), formatBytes(maxBytes)) };
  }
  const problem = findSyntaxProblem(source, maxDepth);
  if (problem) {
    const { line, column } = lineAndColumn(source, problem.offset);
    // Positions are in `source`, without the BOM, which editors do not show either.
    return { ok: false, error: `Line ${line}, column ${column}: ${problem.message}`, line, column };
  }
  let value: unknown;
  try {
    value = parseJson(source);
  } catch (error) {
    // The scanner and the parser should agree; if they ever do not, say so rather than guess.
    return { ok: false, error: `The ${wording.noun} is not valid JSON: ${(error as Error).message}` };
  }
  const misfit = wording.shape?.(value);
  if (misfit) return { ok: false, error: misfit };
  const bytes = byteSize(value);
  if (bytes > maxBytes) {
    let size = formatBytes(bytes);
    let limit = formatBytes(maxBytes);
    if (size === limit) {
      size = `${bytes} bytes`;
      limit = `${maxBytes} bytes`;
    }
    return { ok: false, error: `The ${wording.noun} is ${size}; the limit is ${limit}` };
  }
  return { ok: true, value, bytes };
}

/**
 * Parses the editor's text. Accepts only a JSON object (session data is a map of keys), rejects
 * duplicate keys (JSON.parse would silently drop all but the last) and data whose compact form is
 * larger than `maxBytes`. Every number is kept as typed (exact-number.ts).
 */
export function parseSessionDataText(text: string, options: ParseSessionDataOptions): ParseSessionDataResult {
  return parseTypedJson(text, options.maxBytes, options.maxDepth ?? 256, {
    noun: "data",
    empty: "The data is empty. Enter a JSON object; {} is an empty one.",
    tooLongText: (size, limit) => `The text is ${size}; the limit for the data is ${limit}`,
    shape: (value) => (isPlainObject(value) ? undefined : `The data must be a JSON object (in { }), not ${describeType(value)}`),
  }) as ParseSessionDataResult;
}

export interface ParseJsonValueOptions {
  /** Largest allowed size, in UTF-8 bytes of the value's compact JSON. */
  maxBytes: number;
  /** Deepest allowed nesting of objects and arrays inside the value (default 256). */
  maxDepth?: number;
}

export type ParseJsonValueResult = { ok: true; value: unknown; bytes: number } | { ok: false; error: string; line?: number; column?: number };

/**
 * Parses one JSON value of any type (an object, array, text, number, true, false or null) by the same
 * rules as parseSessionDataText, for values staff type that become part of session data, such as the
 * bulk form's value, so that no form accepts what the editor would refuse.
 */
export function parseJsonValueText(text: string, options: ParseJsonValueOptions): ParseJsonValueResult {
  return parseTypedJson(text, options.maxBytes, options.maxDepth ?? 256, {
    noun: "value",
    empty: 'The value is empty. Type it as JSON, e.g. true, 42, "text", null or {"a": 1}',
    tooLongText: (size, limit) => `The value is ${size}; the limit is ${limit}`,
  });
}
