// The core's `InputParser`: how it reads JSON bodies and query parameters, including its quirks
// (strings must be real JSON strings, booleans must not be strings, a JSON null counts as invalid
// even for optional fields), with the exact 400 messages.

import { badRequest } from "./http.js";
import { nodeToJs, parseJsonNode, type JNode } from "./json.js";

export type JsonObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Body must be one JSON object; anything else (empty, array, malformed) → "Invalid Json Input". */
export function parseJsonBody(text: string): { value: JsonObject; node: JNode } {
  let node: JNode;
  try {
    node = parseJsonNode(text);
  } catch {
    throw badRequest("Invalid Json Input");
  }
  if (node.t !== "obj") throw badRequest("Invalid Json Input");
  return { value: nodeToJs(node) as JsonObject, node };
}

const invalid = (field: string) => badRequest(`Field name '${field}' is invalid in JSON input`);

/**
 * Gson's `getAsString()` also accepts a one-element array holding a string; the core's check only
 * asks that the serialised value contains a quote. Reproduced because it is cheap.
 */
function asGsonString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.length === 1) return asGsonString(v[0]);
  return undefined;
}

export function reqString(body: JsonObject, field: string): string {
  const v = asGsonString(body[field]);
  if (v === undefined) throw invalid(field);
  return v;
}

export function optString(body: JsonObject, field: string): string | undefined {
  if (!(field in body)) return undefined;
  return reqString(body, field);
}

/** Gson `getAsBoolean()`: a number parses as `Boolean.parseBoolean("1")` = false; strings are rejected. */
function asGsonBoolean(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return false;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] !== "string") return asGsonBoolean(v[0]);
  return undefined;
}

export function reqBoolean(body: JsonObject, field: string): boolean {
  const v = asGsonBoolean(body[field]);
  if (v === undefined) throw invalid(field);
  return v;
}

export function optBoolean(body: JsonObject, field: string): boolean | undefined {
  if (!(field in body)) return undefined;
  return reqBoolean(body, field);
}

export function reqObject(body: JsonObject, field: string): JsonObject {
  const v = body[field];
  if (!isPlainObject(v)) throw invalid(field);
  return v;
}

export function optObject(body: JsonObject, field: string): JsonObject | undefined {
  if (!(field in body)) return undefined;
  return reqObject(body, field);
}

export function reqArray(body: JsonObject, field: string): unknown[] {
  const v = body[field];
  if (!Array.isArray(v)) throw invalid(field);
  return v;
}

export function optArray(body: JsonObject, field: string): unknown[] | undefined {
  if (!(field in body)) return undefined;
  return reqArray(body, field);
}

/** Element of an array that must be a string: the core reports the array's field name. */
export function arrayString(v: unknown, parentField: string): string {
  const s = asGsonString(v);
  if (s === undefined) throw invalid(parentField);
  return s;
}

export function invalidField(field: string): Error {
  return invalid(field);
}

// ---- query parameters (servlet getParameter: first value; "" is a value) ----

export function reqQuery(q: URLSearchParams, field: string): string {
  const v = q.get(field);
  if (v === null) throw badRequest(`Field name '${field}' is missing in GET request`);
  return v;
}

export function optQuery(q: URLSearchParams, field: string): string | undefined {
  return q.get(field) ?? undefined;
}

/** Java `Integer.parseInt`: optional sign, decimal digits, 32-bit range. */
export function optIntQuery(q: URLSearchParams, field: string): number | undefined {
  const v = q.get(field);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`Field name '${field}' must be an int in the GET request`);
  const n = Number(v);
  if (n > 2147483647 || n < -2147483648) throw badRequest(`Field name '${field}' must be an int in the GET request`);
  return n;
}
