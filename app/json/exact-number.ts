// Numbers kept exactly as their JSON text was written.
//
// A SuperTokens core stores session data as text and hands it back byte for byte: a Go, Python or Java
// backend's 64-bit id 9223372036854775807, a price 19.990000000000001, 1.0, even 1e400. JavaScript's
// JSON.parse turns those into doubles and JSON.stringify writes the doubles back (9223372036854776000,
// 19.990000000000002, 1, null), so a write of one unrelated key would silently rewrite them all.
//
// So every value whose text a double cannot reproduce is held as a `JsonNumber` carrying that text, and
// every number that round-trips stays a plain `number` (almost all of them, so ordinary data costs
// nothing extra). Parsing uses the `lossless-json` library (docs/decisions/exact-numbers.md says why not
// the platform's JSON.rawJSON: Node 20 has it only behind a V8 flag that NODE_OPTIONS refuses).
//
// Writing: `stringifyJson` writes a JsonNumber's text verbatim. Code we do not own that calls plain
// JSON.stringify (the SDK building its request body) sees `toJSON()`: a marker string with a per-realm
// random nonce, which `restoreExactNumbers` turns back into the number text. The core transport runs that
// on every request body it sends, so the SDK's own stringify is exact too.

import { parse as parseLossless } from "lossless-json";

function randomNonce(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const MARKER_PREFIX = `\u2063exact-number:${randomNonce()}:`;
const MARKER_SUFFIX = "\u2063";
const MARKER_PATTERN = new RegExp(`"${MARKER_PREFIX}(-?[0-9][0-9.eE+-]*)${MARKER_SUFFIX}"`, "g");

/** A JSON number whose text a double would not reproduce, held as that text. Immutable. */
export class JsonNumber {
  readonly text: string;

  constructor(text: string) {
    if (!JSON_NUMBER.test(text)) throw new SyntaxError(`Not a JSON number: ${text.slice(0, 40)}`);
    this.text = text;
    Object.freeze(this);
  }

  /** The nearest double: for arithmetic and comparisons only, never for writing back. */
  valueOf(): number {
    return Number(this.text);
  }

  toString(): string {
    return this.text;
  }

  /** For plain JSON.stringify (the SDK's): a marker that restoreExactNumbers() turns back into the text. */
  toJSON(): string {
    return MARKER_PREFIX + this.text + MARKER_SUFFIX;
  }
}

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

export function isJsonNumber(value: unknown): value is JsonNumber {
  return value instanceof JsonNumber;
}

/** True when `text` reads back from a double as exactly the same text (then a plain number keeps it). */
export function roundTrips(text: string): boolean {
  return String(Number(text)) === text;
}

/** The number for `text`: a plain number when that keeps the text, a JsonNumber otherwise. */
export function numberFromText(text: string): number | JsonNumber {
  return roundTrips(text) ? Number(text) : new JsonNumber(text);
}

/** The JSON text of a number value: a JsonNumber's own text, a double as JSON.stringify writes it. */
export function numberText(value: number | JsonNumber): string {
  if (value instanceof JsonNumber) return value.text;
  return Number.isFinite(value) ? String(value) : "null";
}

// Every number token in JSON text follows one of these (or is the whole text). Inside strings the pattern
// may also match, which only sends that text down the exact path: never a false "all numbers are plain".
const NUMBER_TOKEN = /[:[,]\s*(-?[0-9][0-9.eE+-]*)/g;

/** True when some number in `text` would not survive JSON.parse as written. */
function needsExactParse(text: string): boolean {
  const whole = text.trim();
  if (whole !== "" && (whole[0] === "-" || (whole[0]! >= "0" && whole[0]! <= "9"))) return !roundTrips(whole);
  NUMBER_TOKEN.lastIndex = 0;
  for (let match = NUMBER_TOKEN.exec(text); match; match = NUMBER_TOKEN.exec(text)) {
    if (!roundTrips(match[1]!)) return true;
  }
  return false;
}

/**
 * JSON.parse that keeps every number's text: numbers a double cannot reproduce become JsonNumber. Throws
 * SyntaxError on invalid JSON, like JSON.parse. Duplicate keys with different values are an error here
 * (JSON.parse would keep the last); callers that explain syntax run their own scanner first.
 */
export function parseJson(text: string): unknown {
  // Fast path: when every number reads back as written, JSON.parse is exact and several times faster.
  if (!needsExactParse(text)) return JSON.parse(text);
  return parseLossless(text, null, numberFromText);
}

/**
 * JSON.stringify that writes a JsonNumber's text as it is. Typed and behaving like JSON.stringify:
 * undefined for undefined.
 */
export function stringifyJson(value: unknown, indent?: number | string): string {
  const text: string = JSON.stringify(value, null, indent);
  return text === undefined ? text : restoreExactNumbers(text);
}

/** Turns the markers that JsonNumber.toJSON() left in JSON text back into the numbers' own text. */
export function restoreExactNumbers(text: string): string {
  return text.includes(MARKER_PREFIX) ? text.replace(MARKER_PATTERN, "$1") : text;
}
