import { describe, expect, it } from "vitest";
import { JsonNumber, parseJson, stringifyJson, type JsonObject } from "~/json";
import { createRng, megabyteDocument } from "../../../local-core/seed-data";
import { applyTreeEdit, convertValue, flattenTree, initialExpanded, kindOf, pointersAlong } from "~/components/session-editor/tree-model";

const doc = (): JsonObject => ({ plan: "free", limits: { seats: 5, storage: "10GB" }, tags: ["a", "b"], trial: true, none: null });

describe("flattenTree: the rows of open nodes", () => {
  it("lists the root, then depth-first the children of open collections only", () => {
    const rows = flattenTree(doc(), new Set(["", "/limits"]));
    expect(rows.map((row) => [row.id, row.depth, row.kind, row.expanded])).toEqual([
      ["", 0, "object", true],
      ["/plan", 1, "string", false],
      ["/limits", 1, "object", true],
      ["/limits/seats", 2, "number", false],
      ["/limits/storage", 2, "string", false],
      ["/tags", 1, "array", false],
      ["/trial", 1, "boolean", false],
      ["/none", 1, "null", false],
    ]);
    expect(rows.find((row) => row.id === "/tags")).toMatchObject({ size: 2, key: "tags", parentKind: "object", path: ["tags"] });
  });

  it("gives array items their index as key and escapes pointers", () => {
    const rows = flattenTree({ "a/b": [{ "~x": 1 }] }, new Set(["", "/a~1b", "/a~1b/0"]));
    expect(rows.map((row) => [row.id, row.key, row.parentKind])).toEqual([
      ["", null, null],
      ["/a~1b", "a/b", "object"],
      ["/a~1b/0", 0, "array"],
      ["/a~1b/0/~0x", "~x", "object"],
    ]);
  });

  it("shows an exact number as a number, keeping the JsonNumber", () => {
    const value = parseJson('{"id": 9223372036854775807, "price": 1.0}') as JsonObject;
    const rows = flattenTree(value, new Set([""]));
    expect(rows.slice(1).map((row) => row.kind)).toEqual(["number", "number"]);
    expect(rows[1]!.value).toBeInstanceOf(JsonNumber);
    expect(kindOf(new JsonNumber("1e400"))).toBe("number");
  });

  it("costs rows, not document: a closed 7,000-item array is one row", () => {
    const big = megabyteDocument(createRng(1));
    const rows = flattenTree(big, initialExpanded(big));
    expect(rows.length).toBeLessThanOrEqual(200);
    expect(rows.find((row) => row.id === "/events")).toMatchObject({ expanded: false, kind: "array" });
    expect((rows.find((row) => row.id === "/events")!.size)).toBeGreaterThan(6000);
  });
});

describe("initialExpanded: what starts open", () => {
  it("opens a small document down to the depth limit", () => {
    const value = { a: { b: { c: { d: 1 } } }, list: [1, 2] };
    expect([...initialExpanded(value, { maxDepth: 3 })].sort()).toEqual(["", "/a", "/a/b", "/list"]);
  });

  it("opens only what fits in the row budget, breadth first, skipping large collections", () => {
    const value = { small: { x: 1 }, huge: Array.from({ length: 500 }, (_, i) => i), medium: Array.from({ length: 50 }, (_, i) => ({ i })) };
    const open = initialExpanded(value, { maxRows: 100 });
    expect(open.has("")).toBe(true);
    expect(open.has("/small")).toBe(true);
    expect(open.has("/huge")).toBe(false);
    expect(open.has("/medium")).toBe(true);
    // 1 + 3 + 1 + 50 = 55 rows so far; 45 more items of /medium (1 row each) fit.
    const rows = flattenTree(value, open);
    expect(rows.length).toBeLessThanOrEqual(100);
  });
});

describe("applyTreeEdit", () => {
  it("sets a nested value and shares every untouched subtree", () => {
    const before: JsonObject = { ...doc(), big: { deep: [1, 2, 3] } };
    const result = applyTreeEdit(before, { op: "set", path: ["limits", "storage"], value: "20GB" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.limits).toEqual({ seats: 5, storage: "20GB" });
    expect(result.value.big).toBe(before.big);
    expect(before.limits).toEqual({ seats: 5, storage: "10GB" });
  });

  it("keeps exact numbers elsewhere untouched (same objects, same text)", () => {
    const before = parseJson('{"id": 9223372036854775807, "nested": {"p": 19.990000000000001}, "plan": "free"}') as JsonObject;
    const result = applyTreeEdit(before, { op: "set", path: ["plan"], value: "pro" });
    if (!result.ok) throw new Error(result.error);
    expect(result.value.id).toBe(before.id);
    expect(stringifyJson(result.value)).toBe('{"id":9223372036854775807,"nested":{"p":19.990000000000001},"plan":"pro"}');
  });

  it("renames a key in place, keeping the order of keys", () => {
    const result = applyTreeEdit(doc(), { op: "rename", path: ["limits"], newKey: "quota" });
    if (!result.ok) throw new Error(result.error);
    expect(Object.keys(result.value)).toEqual(["plan", "quota", "tags", "trial", "none"]);
    expect(result.value.quota).toEqual({ seats: 5, storage: "10GB" });
  });

  it("renames and sets the value in one step; refuses a name that exists", () => {
    const renamed = applyTreeEdit(doc(), { op: "rename", path: ["limits", "seats"], newKey: "seatsPaid", value: 3 });
    if (!renamed.ok) throw new Error(renamed.error);
    expect(renamed.value.limits).toEqual({ seatsPaid: 3, storage: "10GB" });
    expect(applyTreeEdit(doc(), { op: "rename", path: ["plan"], newKey: "trial" })).toEqual({ ok: false, error: 'There is already a key "trial" here' });
  });

  it("a key named __proto__ stays an ordinary key", () => {
    const before = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as JsonObject;
    const result = applyTreeEdit(before, { op: "rename", path: ["a"], newKey: "b" });
    if (!result.ok) throw new Error(result.error);
    expect(Object.keys(result.value)).toEqual(["__proto__", "b"]);
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it("adds a key at the end of an object and an item at the end of an array", () => {
    const added = applyTreeEdit(doc(), { op: "add", path: [], key: "seatsPaid", value: null });
    if (!added.ok) throw new Error(added.error);
    expect(Object.keys(added.value).at(-1)).toBe("seatsPaid");
    expect(added.value.seatsPaid).toBeNull();
    const item = applyTreeEdit(doc(), { op: "add", path: ["tags"], value: null });
    if (!item.ok) throw new Error(item.error);
    expect(item.value.tags).toEqual(["a", "b", null]);
    expect(applyTreeEdit(doc(), { op: "add", path: [], key: "plan", value: 1 })).toEqual({ ok: false, error: 'There is already a key "plan" here' });
    expect(applyTreeEdit(doc(), { op: "add", path: ["plan"], key: "x", value: 1 }).ok).toBe(false);
  });

  it("deletes a key or an item; never the root", () => {
    const deleted = applyTreeEdit(doc(), { op: "delete", path: ["trial"] });
    if (!deleted.ok) throw new Error(deleted.error);
    expect("trial" in deleted.value).toBe(false);
    const item = applyTreeEdit(doc(), { op: "delete", path: ["tags", 0] });
    if (!item.ok) throw new Error(item.error);
    expect(item.value.tags).toEqual(["b"]);
    expect(applyTreeEdit(doc(), { op: "delete", path: [] }).ok).toBe(false);
  });
});

describe("helpers", () => {
  it("pointersAlong lists the ancestors' pointers and the node's", () => {
    expect(pointersAlong(["a", 0, "b/c"])).toEqual(["/a", "/a/0", "/a/0/b~1c"]);
  });

  it("convertValue keeps what can be kept", () => {
    expect(convertValue(42, "string")).toBe("42");
    expect(convertValue("12.5", "number")).toBe(12.5);
    expect(convertValue("abc", "number")).toBe(0);
    expect(convertValue("true", "boolean")).toBe(true);
    expect(convertValue({ a: 1 }, "array")).toEqual([]);
    expect(convertValue("x", "null")).toBeNull();
  });
});
