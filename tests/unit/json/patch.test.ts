import * as fastJsonPatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "~/json/canonical";
import { applyPatch, createPatch, invertPatch, PatchError, type Operation } from "~/json/patch";
import { cloneJson } from "~/json/value";
import { deepFreeze, mutate, randomDocument, seeded } from "./generate";

/** Equal as JSON; compares canonical text so "__proto__" keys and key order are handled exactly. */
const sameJson = (a: unknown, b: unknown) => expect(canonicalJson(a)).toBe(canonicalJson(b));

describe("createPatch", () => {
  it("produces RFC 6902 operations from the diff", () => {
    const ops = createPatch({ limits: { seats: 5 }, trial: true }, { limits: { seats: 10 }, plan: "pro" });
    expect(ops).toEqual([
      { op: "replace", path: "/limits/seats", value: 10 },
      { op: "add", path: "/plan", value: "pro" },
      { op: "remove", path: "/trial" },
    ]);
  });

  it("removes trailing array items from the last one down", () => {
    const ops = createPatch({ a: [1, 2, 3, 4], b: 1 }, { a: [1] });
    expect(ops).toEqual([
      { op: "remove", path: "/a/3" },
      { op: "remove", path: "/a/2" },
      { op: "remove", path: "/a/1" },
      { op: "remove", path: "/b" },
    ]);
    sameJson(applyPatch({ a: [1, 2, 3, 4], b: 1 }, ops), { a: [1] });
  });

  it("copies values, so changing the patch later does not change the document it came from", () => {
    const after = { a: { deep: [1] } };
    const ops = createPatch({}, after);
    ((ops[0] as { value: { deep: number[] } }).value.deep).push(2);
    expect(after.a.deep).toEqual([1]);
  });

  it("is empty for equal documents", () => {
    expect(createPatch({ a: 1, b: [1] }, { b: [1], a: 1 })).toEqual([]);
  });
});

describe("applyPatch", () => {
  const doc = deepFreeze({ a: { b: 1 }, list: [1, 2, 3], keep: { x: [1] } });

  it("applies every operation kind without touching the input", () => {
    const ops: Operation[] = [
      { op: "add", path: "/list/1", value: 9 },
      { op: "add", path: "/list/-", value: 10 },
      { op: "remove", path: "/list/0" },
      { op: "replace", path: "/a/b", value: { c: 2 } },
      { op: "copy", from: "/a", path: "/copied" },
      { op: "move", from: "/copied/b", path: "/moved" },
      { op: "test", path: "/moved", value: { c: 2 } },
    ];
    const result = applyPatch(doc, ops) as Record<string, unknown>;
    sameJson(result, { a: { b: { c: 2 } }, list: [9, 2, 3, 10], keep: { x: [1] }, copied: {}, moved: { c: 2 } });
    expect(result.keep).toBe(doc.keep); // untouched subtrees are shared, not copied
  });

  it("keeps the position of a replaced key", () => {
    const result = applyPatch({ a: 1, b: 2, c: 3 }, [{ op: "replace", path: "/b", value: 9 }]);
    expect(Object.keys(result as object)).toEqual(["a", "b", "c"]);
  });

  it("handles keys with / and ~ and the '__proto__' key as data", () => {
    const result = applyPatch(JSON.parse('{"a/b":1,"~":2}'), [
      { op: "replace", path: "/a~1b", value: 3 },
      { op: "remove", path: "/~0" },
      { op: "add", path: "/__proto__", value: { admin: true } },
    ]) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(["a/b", "__proto__"]);
    expect(result["a/b"]).toBe(3);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("replaces the whole document with path ''", () => {
    expect(applyPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }])).toEqual({ b: 2 });
  });

  const failing: [string, unknown[], RegExp][] = [
    ["missing parent", [{ op: "add", path: "/nope/x", value: 1 }], /^Change 1 \(add \/nope\/x\) does not apply: \/nope does not exist$/],
    ["replace a missing key", [{ op: "replace", path: "/zzz", value: 1 }], /\/zzz does not exist/],
    ["remove a missing key", [{ op: "remove", path: "/zzz" }], /\/zzz does not exist/],
    ["index out of range", [{ op: "replace", path: "/list/3", value: 1 }], /\/list has 3 items, so index 3 is out of range/],
    ["add past the end", [{ op: "add", path: "/list/5", value: 1 }], /index 5 is out of range/],
    ["a key on an array", [{ op: "add", path: "/list/x", value: 1 }], /\/list is an array, so "x" must be an index/],
    ["inside a number", [{ op: "add", path: "/a/b/c", value: 1 }], /\/a\/b is a number, so \/a\/b\/c does not exist/],
    ["a failed test", [{ op: "test", path: "/a/b", value: 2 }], /the test failed: \/a\/b/],
    ["a bad pointer", [{ op: "add", path: "a", value: 1 }], /must start with "\/"/],
    ["no value", [{ op: "add", path: "/v" }], /needs a "value"/],
    ["an unknown op", [{ op: "merge", path: "/a" }], /"merge" is not a JSON Patch operation/],
    ["move into itself", [{ op: "move", from: "/a", path: "/a/b/c" }], /cannot be moved inside itself/],
    ["remove the root", [{ op: "remove", path: "" }], /whole document cannot be removed/],
  ];
  it.each(failing)("throws a clear PatchError for %s", (_, ops, message) => {
    let caught: unknown;
    try {
      applyPatch(doc, ops);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PatchError);
    expect((caught as PatchError).message).toMatch(message);
    expect((caught as PatchError).index).toBe(0);
  });

  it("names the failing operation by its position", () => {
    expect(() => applyPatch(doc, [{ op: "add", path: "/ok", value: 1 }, { op: "remove", path: "/gone" }])).toThrow(
      "Change 2 (remove /gone) does not apply: /gone does not exist, so it cannot be removed",
    );
  });
});

describe("round trip on generated documents", () => {
  it("applyPatch(before, createPatch(before, after)) equals after, for 400 seeded pairs", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = seeded(seed);
      const before = deepFreeze(randomDocument(random));
      const after = deepFreeze(mutate(random, before));
      const ops = createPatch(before, after);
      sameJson(applyPatch(before, ops), after);
    }
  });

  it("the patches are standard RFC 6902: fast-json-patch applies them the same way", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seeded(seed);
      const before = randomDocument(random, { noProto: true });
      const after = mutate(random, before, { noProto: true });
      const ops = createPatch(before, after);
      const theirs = fastJsonPatch.applyPatch(cloneJson(before), cloneJson(ops) as fastJsonPatch.Operation[], true, true).newDocument;
      sameJson(theirs, after);
    }
  });

  it("generates documents that actually differ most of the time (so the tests mean something)", () => {
    let differing = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const random = seeded(seed);
      const before = randomDocument(random);
      if (canonicalJson(before) !== canonicalJson(mutate(random, before))) differing++;
    }
    expect(differing).toBeGreaterThan(60);
  });
});

describe("invertPatch", () => {
  it("gives the patch that turns after back into before", () => {
    const before = deepFreeze({ limits: { seats: 5 }, trial: true, list: [1, 2, 3] });
    const after = deepFreeze({ limits: { seats: 10 }, plan: "pro", list: [1] });
    const ops = createPatch(before, after);
    const inverse = invertPatch(before, ops);
    sameJson(applyPatch(after, inverse), before);
    expect(inverse).toContainEqual({ op: "replace", path: "/limits/seats", value: 5 });
    expect(inverse).toContainEqual({ op: "remove", path: "/plan" });
    expect(inverse).toContainEqual({ op: "add", path: "/trial", value: true });
  });

  it("inverts move, copy, add with '-', add over an existing key, and test", () => {
    const before = deepFreeze({ a: { b: 1 }, list: [1, 2], c: "old" });
    const ops: Operation[] = [
      { op: "add", path: "/list/-", value: 3 },
      { op: "add", path: "/c", value: "new" },
      { op: "move", from: "/a/b", path: "/list/0" },
      { op: "copy", from: "/list", path: "/a/copy" },
      { op: "test", path: "/c", value: "new" },
      { op: "replace", path: "", value: { whole: true } },
      { op: "replace", path: "", value: { whole: false } },
    ];
    const after = applyPatch(before, ops);
    sameJson(applyPatch(after, invertPatch(before, ops)), before);
  });

  it("reverting a revert gives after again, for 300 seeded pairs", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed * 7919);
      const before = deepFreeze(randomDocument(random));
      const after = deepFreeze(mutate(random, before));
      const ops = createPatch(before, after);
      const revert = invertPatch(before, ops);
      sameJson(applyPatch(after, revert), before);
      const redo = invertPatch(after, revert);
      sameJson(applyPatch(before, redo), after);
    }
  });

  it("throws a PatchError when the patch does not fit before", () => {
    expect(() => invertPatch({}, [{ op: "replace", path: "/a", value: 1 }])).toThrow(PatchError);
  });
});
