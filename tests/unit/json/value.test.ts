import { describe, expect, it } from "vitest";
import { applyPatch } from "~/json/patch";
import { cloneJson, deepEqual, describeType } from "~/json/value";

describe("deepEqual", () => {
  it("ignores key order but not array order", () => {
    expect(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
  });

  it("tells apart values of different types and sizes", () => {
    expect(deepEqual({}, [])).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(1, "1")).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual([1], [1, 2])).toBe(false);
    expect(deepEqual(0, -0)).toBe(true);
  });

  it("compares own keys only, so a '__proto__' key is not matched by the prototype", () => {
    const withProto = JSON.parse('{"__proto__":{}}');
    expect(deepEqual(withProto, { x: 1 })).toBe(false);
    expect(deepEqual({ x: 1 }, withProto)).toBe(false);
    expect(deepEqual(withProto, JSON.parse('{"__proto__":{}}'))).toBe(true);
  });
});

describe("cloneJson", () => {
  it("copies deeply, keeping '__proto__' keys as data", () => {
    const original = JSON.parse('{"a":{"b":[1,{"c":2}]},"__proto__":{"x":1}}');
    const copy = cloneJson(original);
    expect(copy).not.toBe(original);
    expect(copy.a.b).not.toBe(original.a.b);
    expect(deepEqual(copy, original)).toBe(true);
    expect(Object.keys(copy)).toEqual(["a", "__proto__"]);
  });
});

describe("describeType", () => {
  it("names JSON types in words", () => {
    expect([null, [], {}, "", 1, true, false].map(describeType)).toEqual([
      "null", "an array", "an object", "a string", "a number", "true (a boolean)", "false (a boolean)",
    ]);
  });
});

describe("applyPatch isolation", () => {
  it("does not let the document share objects with the patch it came from", () => {
    const ops = [{ op: "add" as const, path: "/a", value: { list: [1] } }];
    const doc = applyPatch({}, ops) as { a: { list: number[] } };
    ops[0].value.list.push(2);
    expect(doc.a.list).toEqual([1]);
  });
});
