/**
 * Bulk apply's pure part: the key path as staff type it, and one operation applied to many documents.
 * The path logic itself (setAt, deleteAt, parseKeyPath) is tested in tests/unit/json/key-path.test.ts;
 * these are the cases a bulk run meets that those do not cover: the verdict per session, the same key
 * spelled two ways, index-vs-key, and one bad session among good ones.
 */
import { describe, expect, it } from "vitest";
import { applyBulkOperation, parseBulkKeyPath, pathFromStorage } from "~/bulk/operation";
import { describeChange, type BulkOperation } from "~/bulk/types";
import { canonicalJson, type PathSegment } from "~/json";

const pathOf = (input: string): PathSegment[] => {
  const parsed = parseBulkKeyPath(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.path;
};
const set = (input: string, value: unknown): BulkOperation => ({ kind: "set", path: pathOf(input), value });
const del = (input: string): BulkOperation => ({ kind: "delete", path: pathOf(input) });
const setIfMissing = (input: string, value: unknown): BulkOperation => ({ kind: "set-if-missing", path: pathOf(input), value });
const merge = (input: string, value: Record<string, unknown>): BulkOperation => ({ kind: "merge", path: pathOf(input), value });

describe("parseBulkKeyPath", () => {
  it("gives the segments, the pointer and the display form", () => {
    expect(parseBulkKeyPath("featureFlags.beta")).toEqual({ ok: true, path: ["featureFlags", "beta"], pointer: "/featureFlags/beta", display: "featureFlags.beta" });
    expect(parseBulkKeyPath("/a.b/c~1d")).toEqual({ ok: true, path: ["a.b", "c/d"], pointer: "/a.b/c~1d", display: '["a.b"]["c/d"]' });
    expect(parseBulkKeyPath('["a.b"]["c/d"]')).toMatchObject({ path: ["a.b", "c/d"], pointer: "/a.b/c~1d" });
  });

  it("keeps an index ([0]) apart from a key that is a number (.0)", () => {
    expect(pathOf("items[0]")).toEqual(["items", 0]);
    expect(pathOf("items.0")).toEqual(["items", "0"]);
  });

  it.each(["", "   ", "/", "a..b", "featureFlags/beta"])("refuses %j with a message", (input) => {
    const parsed = parseBulkKeyPath(input);
    expect(parsed.ok).toBe(false);
    expect((parsed as { error: string }).error.length).toBeGreaterThan(10);
  });
});

describe("applyBulkOperation", () => {
  it("set: will change (with the diff), already so, or created with its missing parents", () => {
    const op = set("featureFlags.beta", true);
    const changed = applyBulkOperation({ featureFlags: { alpha: 1 }, keep: [1] }, op);
    expect(changed).toMatchObject({ kind: "will-change", next: { featureFlags: { alpha: 1, beta: true }, keep: [1] } });
    expect((changed as { summary: { text: string } }).summary.text).toBe("1 change: + featureFlags.beta");
    expect(applyBulkOperation({ featureFlags: { beta: true } }, op)).toEqual({ kind: "already-so" });
    const created = applyBulkOperation({ other: 1 }, op);
    expect(created).toMatchObject({ kind: "will-change", next: { other: 1, featureFlags: { beta: true } } });
  });

  it("set null is a change where the key is missing, and already so where it is null", () => {
    expect(applyBulkOperation({}, set("x", null)).kind).toBe("will-change");
    expect(applyBulkOperation({ x: null }, set("x", null)).kind).toBe("already-so");
  });

  it("set and delete inside arrays: by index, replacing or removing the item", () => {
    const doc = { items: [{ qty: 1 }, { qty: 2 }] };
    expect(applyBulkOperation(doc, set("items[1].qty", 5))).toMatchObject({ next: { items: [{ qty: 1 }, { qty: 5 }] } });
    expect(applyBulkOperation(doc, set("/items/1/qty", 5))).toMatchObject({ next: { items: [{ qty: 1 }, { qty: 5 }] } });
    expect(applyBulkOperation(doc, del("items[0]"))).toMatchObject({ next: { items: [{ qty: 2 }] } });
    expect(applyBulkOperation(doc, set("items[2]", {}))).toEqual({ kind: "error", error: "items has 2 items, so index 2 is out of range" });
    expect(applyBulkOperation(doc, set("/items/-", {}))).toEqual({ kind: "error", error: 'items is an array, so it has no key "-"; use an index like [0]' });
  });

  it("a number key in an object: .0 names it, [0] is refused as an index into an object", () => {
    const doc = { carts: { "0": "a", "123": "b" } };
    expect(applyBulkOperation(doc, set("carts.0", "z"))).toMatchObject({ next: { carts: { "0": "z", "123": "b" } } });
    expect(applyBulkOperation(doc, set("/carts/123", "z"))).toMatchObject({ next: { carts: { "0": "a", "123": "z" } } });
    expect(applyBulkOperation(doc, set("carts[0]", "z"))).toEqual({ kind: "error", error: 'carts is an object, not an array, so [0] does not apply; to name the key "0" write .0' });
  });

  it("keys with dots and slashes, and keys named like Object's own properties, are data", () => {
    const doc = { "a.b": { "c/d": 1 }, a: { b: { "c/d": 2 } } };
    expect(applyBulkOperation(doc, set('["a.b"]["c/d"]', 9))).toMatchObject({ next: { "a.b": { "c/d": 9 }, a: { b: { "c/d": 2 } } } });
    expect(applyBulkOperation(doc, del("/a.b/c~1d"))).toMatchObject({ next: { "a.b": {}, a: { b: { "c/d": 2 } } } });
    const proto = applyBulkOperation({}, set('["__proto__"].admin', true));
    expect(canonicalJson((proto as { next: unknown }).next)).toBe('{"__proto__":{"admin":true}}');
    expect(applyBulkOperation({ constructor: 1 }, del("constructor"))).toMatchObject({ next: {} });
  });

  it("delete of what is not there, even below a value that is not an object, is already so", () => {
    for (const doc of [{}, { flags: {} }, { flags: "off" }, { flags: [1] }]) expect(applyBulkOperation(doc, del("flags.beta"))).toEqual({ kind: "already-so" });
  });

  it("over many sessions: one whose parent is not an object gets a clear error, the others go on", () => {
    const docs: Record<string, unknown>[] = [{ featureFlags: {} }, { featureFlags: "off" }, { featureFlags: null }, {}, { featureFlags: { beta: true } }, { featureFlags: [true] }];
    const verdicts = docs.map((doc) => {
      const result = applyBulkOperation(doc, set("featureFlags.beta", true));
      return result.kind === "error" ? result.error : result.kind;
    });
    expect(verdicts).toEqual([
      "will-change",
      "featureFlags is a string, not an object, so beta cannot be set inside it",
      "featureFlags is null, not an object, so beta cannot be set inside it",
      "will-change",
      "already-so",
      'featureFlags is an array, so it has no key "beta"; use an index like [0]',
    ]);
  });

  it("never modifies the document it is given, and changes nothing but the target", () => {
    const doc = Object.freeze({ a: Object.freeze({ b: 1, c: Object.freeze([1, 2]) }), z: "keep" });
    const result = applyBulkOperation(doc as Record<string, unknown>, set("a.d", { e: 1 }));
    expect(result).toMatchObject({ next: { a: { b: 1, c: [1, 2], d: { e: 1 } }, z: "keep" } });
    const next = (result as unknown as { next: { a: { c: unknown } } }).next;
    expect(next.a.c).toBe(doc.a.c); // untouched subtrees are shared, hence unchanged
    expect(doc).toEqual({ a: { b: 1, c: [1, 2] }, z: "keep" });
  });

  it("summarises a big value replaced in place with a bounded list", () => {
    const before = { obj: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i])) };
    const result = applyBulkOperation(before, set("obj", Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, -i]))));
    const summary = (result as { summary: { count: number; items: unknown[] } }).summary;
    expect(summary.count).toBe(11); // k0 is 0 and -0: JSON writes both as 0
    expect(summary.items).toHaveLength(5);
  });
});

describe("set only where missing", () => {
  it("adds the key where it is absent, creating missing parents, like the seed's { newKey: \"newValue\", ...currSessionData }", () => {
    expect(applyBulkOperation({ a: 1 }, setIfMissing("newKey", "newValue"))).toMatchObject({ kind: "will-change", next: { a: 1, newKey: "newValue" } });
    const nested = applyBulkOperation({ other: 1 }, setIfMissing("featureFlags.newCheckout", true));
    expect(nested).toMatchObject({ kind: "will-change", next: { other: 1, featureFlags: { newCheckout: true } } });
    expect((nested as { summary: { text: string } }).summary.text).toBe("1 change: + featureFlags");
  });

  it("leaves a session alone where the key is there, whatever its value (an existing value wins, even null or another type)", () => {
    const note = "featureFlags.newCheckout is already there; the existing value wins";
    for (const existing of [false, true, null, "off", 0, {}, [1]]) {
      expect(applyBulkOperation({ featureFlags: { newCheckout: existing } }, setIfMissing("featureFlags.newCheckout", true))).toEqual({ kind: "already-so", note });
    }
  });

  it("a parent that is not an object is the same per-session error as for set", () => {
    expect(applyBulkOperation({ featureFlags: "off" }, setIfMissing("featureFlags.newCheckout", true))).toEqual({
      kind: "error",
      error: "featureFlags is a string, not an object, so newCheckout cannot be set inside it",
    });
  });

  it("over many sessions: the same operation adds, leaves alone or refuses, session by session", () => {
    const docs: Record<string, unknown>[] = [{}, { newKey: "theirs" }, { newKey: null }, { other: 1 }];
    const next = docs.map((doc) => {
      const result = applyBulkOperation(doc, setIfMissing("newKey", "newValue"));
      return result.kind === "will-change" ? result.next : result.kind;
    });
    expect(next).toEqual([{ newKey: "newValue" }, "already-so", "already-so", { other: 1, newKey: "newValue" }]);
  });
});

describe("merge an object into a key", () => {
  it("shallow: the value's keys are set, the target's other keys kept in place, nothing deeper merged", () => {
    const doc = { featureFlags: { alpha: true, beta: false, nested: { keep: 1, drop: 2 } }, z: 1 };
    const result = applyBulkOperation(doc, merge("featureFlags", { beta: true, gamma: 1, nested: { only: 3 } }));
    expect(result).toMatchObject({ kind: "will-change" });
    const next = (result as { next: Record<string, unknown> }).next;
    expect(canonicalJson(next)).toBe(canonicalJson({ featureFlags: { alpha: true, beta: true, nested: { only: 3 }, gamma: 1 }, z: 1 }));
    expect(Object.keys(next.featureFlags as object)).toEqual(["alpha", "beta", "nested", "gamma"]);
    expect(doc.featureFlags.beta).toBe(false); // the input is not modified
  });

  it("already so when every key already has the value; a missing target is created as the value", () => {
    expect(applyBulkOperation({ f: { a: 1, b: 2 } }, merge("f", { a: 1 }))).toEqual({ kind: "already-so" });
    expect(applyBulkOperation({ other: 1 }, merge("prefs.ui", { theme: "dark" }))).toMatchObject({ kind: "will-change", next: { other: 1, prefs: { ui: { theme: "dark" } } } });
  });

  it("a target that is not an object is a per-session error, and that session is left alone", () => {
    for (const [target, type] of [["off", "a string"], [3, "a number"], [null, "null"], [[1, 2], "an array"], [true, "true (a boolean)"]] as const) {
      expect(applyBulkOperation({ featureFlags: target }, merge("featureFlags", { beta: true }))).toEqual({
        kind: "error",
        error: `featureFlags is ${type}, not an object, so nothing can be merged into it; this session is left alone`,
      });
    }
  });

  it("keys of the merged object are data, also ones named like Object's own properties", () => {
    const result = applyBulkOperation({ f: {} }, merge("f", { __proto__x: 1, ["__proto__"]: { admin: true } } as Record<string, unknown>));
    expect(result.kind).toBe("will-change");
  });

  it("describes each operation in one line", () => {
    expect(describeChange({ operation: "set-if-missing", keyPath: "newKey", valueJson: '"newValue"' })).toBe('Set newKey to "newValue" where missing');
    expect(describeChange({ operation: "merge", keyPath: "featureFlags", valueJson: '{"beta":true}' })).toBe('Merge {"beta":true} into featureFlags');
  });
});

describe("stored paths and descriptions", () => {
  it("round-trips a path through storage and refuses a malformed one", () => {
    const path: PathSegment[] = ["a.b", 0, "c/d", "0"];
    expect(pathFromStorage(JSON.stringify(path))).toEqual(path);
    for (const bad of ["[]", "{}", '["a", -1]', '["a", 1.5]', '[null]']) expect(() => pathFromStorage(bad)).toThrow(/Malformed/);
  });

  it("describes the change in one line, cutting long values", () => {
    expect(describeChange({ operation: "delete", keyPath: "cartId", valueJson: null })).toBe("Delete cartId");
    expect(describeChange({ operation: "set", keyPath: "featureFlags.beta", valueJson: "true" })).toBe("Set featureFlags.beta to true");
    expect(describeChange({ operation: "set", keyPath: "x", valueJson: JSON.stringify("y".repeat(100)) })).toMatch(/^Set x to "y{59}…$/);
  });
});
