import { describe, expect, it } from "vitest";
import { diffJson, summarizeChanges, type Change } from "~/json/diff";
import { deepFreeze } from "./generate";

const brief = (changes: Change[]) => changes.map((c) => [c.kind, c.pointer, c.before, c.after]);

describe("diffJson", () => {
  it("reports add, remove and replace with full paths and pointers", () => {
    const changes = diffJson({ limits: { seats: 5 }, trial: true }, { limits: { seats: 10 }, plan: "pro" });
    expect(changes).toEqual([
      { kind: "replace", path: ["limits", "seats"], pointer: "/limits/seats", before: 5, after: 10 },
      { kind: "add", path: ["plan"], pointer: "/plan", after: "pro" },
      { kind: "remove", path: ["trial"], pointer: "/trial", before: true },
    ]);
    // add has no "before" key at all, remove no "after" key.
    expect("before" in changes[1]).toBe(false);
    expect("after" in changes[2]).toBe(false);
  });

  it("finds nothing when only key order differs", () => {
    const a = { x: 1, y: { b: [1, { d: 2, c: 3 }], a: null } };
    const b = { y: { a: null, b: [1, { c: 3, d: 2 }] }, x: 1 };
    expect(diffJson(a, b)).toEqual([]);
  });

  it("compares arrays by index, reporting extra items as added or removed", () => {
    expect(brief(diffJson({ a: [1, 2, 3] }, { a: [1, 9] }))).toEqual([
      ["replace", "/a/1", 2, 9],
      ["remove", "/a/2", 3, undefined],
    ]);
    expect(brief(diffJson({ a: [] }, { a: ["x", "y"] }))).toEqual([
      ["add", "/a/0", undefined, "x"],
      ["add", "/a/1", undefined, "y"],
    ]);
    expect(diffJson([1, 2], [2, 1]).map((c) => c.path)).toEqual([[0], [1]]);
  });

  it("uses numbers for array indexes and strings for object keys, even digit-like ones", () => {
    const [change] = diffJson({ items: [{ "0": "a" }] }, { items: [{ "0": "b" }] });
    expect(change.path).toEqual(["items", 0, "0"]);
    expect(change.pointer).toBe("/items/0/0");
  });

  it("treats a change of type as one replace at that path", () => {
    expect(brief(diffJson({ cart: { items: [1] } }, { cart: "none" }))).toEqual([["replace", "/cart", { items: [1] }, "none"]]);
    expect(brief(diffJson({ a: [] }, { a: {} }))).toEqual([["replace", "/a", [], {}]]);
    expect(brief(diffJson({ a: null }, { a: {} }))).toEqual([["replace", "/a", null, {}]]);
    expect(brief(diffJson({ a: "1" }, { a: 1 }))).toEqual([["replace", "/a", "1", 1]]);
    expect(brief(diffJson({ a: 0 }, { a: false }))).toEqual([["replace", "/a", 0, false]]);
  });

  it("treats null as a value: null → missing is a remove, missing → null an add", () => {
    expect(brief(diffJson({ a: null }, {}))).toEqual([["remove", "/a", null, undefined]]);
    expect(brief(diffJson({}, { a: null }))).toEqual([["add", "/a", undefined, null]]);
    expect(diffJson({ a: null }, { a: null })).toEqual([]);
  });

  it("handles unicode keys and values and escapes pointers", () => {
    const changes = diffJson({ "ü/🎉": "é", "a~b": 1 }, { "ü/🎉": "è", "a~b": 2 });
    expect(changes.map((c) => c.pointer)).toEqual(["/a~0b", "/ü~1🎉"]);
  });

  it("follows deep nesting", () => {
    let a: unknown = 1;
    let b: unknown = 2;
    for (let i = 0; i < 200; i++) {
      a = { n: a };
      b = { n: b };
    }
    const [change] = diffJson(a, b);
    expect(change.path).toHaveLength(200);
    expect(change.pointer).toBe("/n".repeat(200));
  });

  it("reports a root-level replace for values of different kinds", () => {
    expect(diffJson({ a: 1 }, [1])).toEqual([{ kind: "replace", path: [], pointer: "", before: { a: 1 }, after: [1] }]);
  });

  it("treats 0 and -0 as equal, as JSON does", () => {
    expect(diffJson({ a: 0 }, { a: -0 })).toEqual([]);
  });

  it("does not modify its inputs", () => {
    const a = deepFreeze({ a: [1, { b: 2 }], c: "x" });
    const b = deepFreeze({ a: [1, { b: 3 }, 4] });
    expect(() => diffJson(a, b)).not.toThrow();
  });

  it("finds a few changes in a 1 MiB document (perf sanity check; timing lives in the benchmark)", () => {
    const before: Record<string, unknown> = {};
    for (let i = 0, size = 2; size <= 1024 * 1024; i++) {
      const entry = { id: i, name: `user ${i} ü`, tags: ["a", "b", i % 7], nested: { on: i % 2 === 0, score: i / 3 } };
      before[`entry${i}`] = entry;
      size += `"entry${i}":`.length + JSON.stringify(entry).length + 1; // exact compact size
    }
    expect(JSON.stringify(before).length).toBeGreaterThan(1024 * 1024);
    const after = JSON.parse(JSON.stringify(before)); // no shared references: every node is compared
    after.entry10.name = "changed";
    after.entry500.tags.push("c");
    delete after.entry999;
    const changes = diffJson(before, after);
    expect(changes.map((c) => c.pointer)).toEqual(["/entry10/name", "/entry500/tags/3", "/entry999"]);
  });
});

describe("summarizeChanges", () => {
  it("writes the example exactly, ordered as additions, replacements, removals", () => {
    const summary = summarizeChanges(diffJson({ limits: { seats: 5 }, trial: true }, { limits: { seats: 10 }, plan: "pro" }));
    expect(summary.count).toBe(3);
    expect(summary.text).toBe("3 changes: + plan, ~ limits.seats 5 → 10, − trial");
    expect(summary.items).toEqual([
      { symbol: "+", path: "plan", detail: '"pro"' },
      { symbol: "~", path: "limits.seats", detail: "5 → 10" },
      { symbol: "−", path: "trial", detail: "true" },
    ]);
  });

  it("says 'No changes' and uses the singular for one", () => {
    expect(summarizeChanges([])).toEqual({ count: 0, text: "No changes", items: [] });
    expect(summarizeChanges(diffJson({ a: 1 }, { a: 2 })).text).toBe("1 change: ~ a 1 → 2");
  });

  it("is the same whatever order the changes come in", () => {
    const changes = diffJson({ b: 1, a: 1, c: [1, 2] }, { b: 2, d: 1, c: [1] });
    const reversed = changes.slice().reverse();
    expect(summarizeChanges(reversed).text).toBe(summarizeChanges(changes).text);
    expect(summarizeChanges(changes).text).toBe("4 changes: + d, ~ b 1 → 2, − a, − c[1]");
  });

  it("formats display paths with indexes and quoted keys", () => {
    const changes = diffJson(
      { items: [{ name: "a" }, { name: "b" }, { name: "c" }], "a.b": { c: 1 }, "my key": 1, "a/b": 1 },
      { items: [{ name: "a" }, { name: "b" }, { name: "C" }], "a.b": { c: 2 }, "my key": 2, "a/b": 2 },
    );
    expect(summarizeChanges(changes).items.map((i) => i.path)).toEqual(['["a.b"].c', '["a/b"]', "items[2].name", '["my key"]']);
  });

  it("shortens values: strings quoted, long ones cut with …, emoji kept whole", () => {
    const long = "x".repeat(100);
    const [item] = summarizeChanges(diffJson({ s: "short" }, { s: long })).items;
    expect(item.detail).toBe(`"short" → "${"x".repeat(38)}…`);
    const emoji = "🎉".repeat(30);
    const [e] = summarizeChanges(diffJson({}, { e: emoji })).items;
    expect(e.detail.endsWith("…")).toBe(true);
    expect(e.detail).not.toMatch(/[\ud800-\udbff]…$/); // no half emoji before the ellipsis
    const [o] = summarizeChanges(diffJson({ o: "x" }, { o: { b: [1, 2], a: null } })).items;
    expect(o.detail).toBe('"x" → {"a":null,"b":[1,2]}');
  });

  it("previews a huge value without writing all of it", () => {
    const huge = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const [item] = summarizeChanges(diffJson({}, { huge })).items;
    expect(item.detail).toBe('[{"i":0},{"i":1},{"i":2},{"i":3},{"i":4…');
  });

  it("lists at most maxItems, keeping the full count", () => {
    const before = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${String(i).padStart(2, "0")}`, i]));
    const summary = summarizeChanges(diffJson(before, {}), { maxItems: 3 });
    expect(summary.count).toBe(12);
    expect(summary.items).toHaveLength(3);
    expect(summary.text).toBe("12 changes: − k00, − k01, − k02, … and 9 more");
  });

  it("names the whole document for a root replace", () => {
    expect(summarizeChanges(diffJson({ a: 1 }, [1])).text).toBe('1 change: ~ (whole document) {"a":1} → [1]');
  });
});
