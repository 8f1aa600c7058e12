// Small helpers over JSON values shared by every module in app/json.
//
// Session data arrives from JSON.parse, so an object may carry an own key named "__proto__".
// Plain assignment (`obj[key] = v`) with that key would change the object's prototype instead of
// storing data, so every write here goes through `defineOwn`, and every read checks `hasOwn` first.

import { JsonNumber } from "./exact-number";

export type JsonPrimitive = null | boolean | number | JsonNumber | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = Record<string, unknown>;
/** One step of a path: a string names an object key, a number names an array index. */
export type PathSegment = string | number;

/** A JSON object: not null, not an array, and not an exact number (which is a value, not a container). */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Stores `value` under `key` as data, even when the key is "__proto__". */
export function defineOwn(object: JsonObject, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/** A shallow copy that keeps the key order of the original. */
export function copyObject(object: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(object)) defineOwn(out, key, object[key]);
  return out;
}

/** A deep copy of a JSON value (so callers can keep mutating what they passed in). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) defineOwn(out, key, cloneJson(value[key]));
    return out as T;
  }
  return value;
}

/**
 * Equality as the stored text sees it: key order does not matter, array order does, and numbers are equal
 * when their text is (1.0 is not 1: the core would store different bytes).
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true; // a computed -0 equals 0: JSON writes both as 0
  if (a instanceof JsonNumber) return b instanceof JsonNumber && a.text === b.text;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!hasOwn(b, key) || !deepEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false;
}

/** "a string", "an array", "null"… for messages a support person reads. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof JsonNumber) return "a number";
  switch (typeof value) {
    case "object":
      return "an object";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return value ? "true (a boolean)" : "false (a boolean)";
    default:
      return `a ${typeof value}`;
  }
}
