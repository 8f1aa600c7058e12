// A small seeded generator of JSON documents and edits, so the round-trip tests cover many shapes
// yet fail the same way every run.

export type Random = () => number;

/** mulberry32: tiny, fast, good enough to pick shapes. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

// Keys that trip up naive code: dots, slashes, tildes, brackets, spaces, digits, emoji, "__proto__".
const TRICKY_KEYS = ["a.b", "a/b", "~", "~1", "x[0]", "with space", "0", "10", "2", "émoji😀", "", "__proto__"];
const PLAIN_KEYS = ["plan", "limits", "seats", "trial", "cart", "items", "name", "flags", "beta", "tags"];

export interface GenerateOptions {
  /** Leave out "__proto__" (fast-json-patch refuses it by design). */
  noProto?: boolean;
}

function key(random: Random, options: GenerateOptions): string {
  const pool = random() < 0.3 ? TRICKY_KEYS : PLAIN_KEYS;
  const chosen = pick(random, pool);
  return options.noProto && chosen === "__proto__" ? "proto" : chosen;
}

function setKey(object: Record<string, unknown>, k: string, value: unknown): void {
  Object.defineProperty(object, k, { value, enumerable: true, writable: true, configurable: true });
}

export function randomValue(random: Random, depth: number, options: GenerateOptions = {}): unknown {
  const roll = random();
  if (depth <= 0 || roll < 0.4) {
    return pick(random, [null, true, false, 0, -1, 3.5, 1e21, "", "pro", "ünï", "🎉", "a\nb", 42, "5"]);
  }
  if (roll < 0.7) {
    const object: Record<string, unknown> = {};
    const size = Math.floor(random() * 5);
    for (let i = 0; i < size; i++) setKey(object, key(random, options), randomValue(random, depth - 1, options));
    return object;
  }
  return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth - 1, options));
}

export function randomDocument(random: Random, options: GenerateOptions = {}): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const size = 1 + Math.floor(random() * 6);
  for (let i = 0; i < size; i++) setKey(doc, key(random, options), randomValue(random, 3, options));
  return doc;
}

/** A copy of `value` with a few random edits: changed leaves, added/removed keys, resized arrays. */
export function mutate(random: Random, value: unknown, options: GenerateOptions = {}, depth = 0): unknown {
  if (Array.isArray(value)) {
    const copy = value.map((item) => (random() < 0.3 ? mutate(random, item, options, depth + 1) : item));
    if (random() < 0.2) copy.push(randomValue(random, 2, options));
    if (random() < 0.2 && copy.length > 0) copy.splice(Math.floor(random() * copy.length), 1);
    return copy;
  }
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      if (random() < 0.1) continue; // removed
      const v = (value as Record<string, unknown>)[k];
      setKey(copy, k, random() < 0.3 ? mutate(random, v, options, depth + 1) : v);
    }
    if (random() < 0.3) setKey(copy, key(random, options), randomValue(random, 2, options));
    return copy;
  }
  return random() < 0.5 ? value : randomValue(random, 2 - Math.min(depth, 2), options);
}

/** Freezes a value deeply, so any accidental mutation throws (test files run in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k]);
    Object.freeze(value);
  }
  return value;
}
