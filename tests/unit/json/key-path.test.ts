import { describe, expect, it } from "vitest";
import { canonicalJson } from "~/json/canonical";
import { deleteAt, formatKeyPath, getAt, parseKeyPath, setAt, toPointer, type EditResult } from "~/json/key-path";
import type { PathSegment } from "~/json/value";
import { deepFreeze, randomDocument, seeded } from "./generate";

const pathOf = (input: string) => {
  const result = parseKeyPath(input);
  if (!result.ok) throw new Error(result.error);
  return result.path;
};
const errorOf = (input: string) => {
  const result = parseKeyPath(input);
  if (result.ok) throw new Error(`expected an error for ${input}`);
  return result.error;
};
const valueOf = (result: EditResult) => {
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe("parseKeyPath", () => {
  it.each<[string, PathSegment[]]>([
    ["featureFlags.beta", ["featureFlags", "beta"]],
    ["/featureFlags/beta", ["featureFlags", "beta"]],
    ["/a~1b", ["a/b"]],
    ["/x~0y/~01", ["x~y", "~1"]],
    ['["a.b"].c', ["a.b", "c"]],
    ["['a.b'].c", ["a.b", "c"]],
    ['x["a]b"]', ["x", "a]b"]],
    ['x["say \\"hi\\""]', ["x", 'say "hi"']],
    ["items[0]", ["items", 0]],
    ["items[12].name", ["items", 12, "name"]],
    ["[0][1]", [0, 1]],
    ["carts.123.qty", ["carts", "123", "qty"]],
    ['["0"]', ["0"]],
    ["/items/0", ["items", "0"]],
    ["  plan  ", ["plan"]],
    ["größe.ü", ["größe", "ü"]],
    ['[""]', [""]],
    ["a-b.c_d.$e", ["a-b", "c_d", "$e"]],
  ])("parses %s", (input, path) => {
    expect(pathOf(input)).toEqual(path);
  });

  it.each([
    ["", /Enter a key path/],
    ["   ", /Enter a key path/],
    [".a", /cannot start with a dot/],
    ["a..b", /a key is missing/],
    ["a.", /a key is missing/],
    ["a[", /not closed/],
    ["a[x]", /inside \[ \] write an index like \[0\] or a quoted key/],
    ["a[01]", /inside \[ \]/],
    ["a[-1]", /inside \[ \]/],
    ["a[0]b", /expected "\." or "\["/],
    ["featureFlags/beta", /contains a space, quote, slash/],
    ["my key", /write it as \["my key"\]/],
    ["/a/~2", /write "~0" for "~" and "~1" for "\/"/],
    ["/a//b", /empty key/],
    ["/a/", /empty key/],
  ])("rejects %j with a helpful message", (input, message) => {
    expect(errorOf(input)).toMatch(message);
  });
});

describe("formatKeyPath and toPointer", () => {
  it("formats for display, quoting keys that need it", () => {
    expect(formatKeyPath(["limits", "seats"])).toBe("limits.seats");
    expect(formatKeyPath(["items", 2, "name"])).toBe("items[2].name");
    expect(formatKeyPath(["a.b", "c"])).toBe('["a.b"].c');
    expect(formatKeyPath(["x", "with space", "a/b", "q\"", ""])).toBe('x["with space"]["a/b"]["q\\""][""]');
    expect(formatKeyPath([])).toBe("");
  });

  it("round-trips through parseKeyPath, including tricky keys", () => {
    const paths: PathSegment[][] = [["a.b", "c"], ["items", 0, "0"], ["~", "/", "[x]", "🎉", "é é"], [3, "a"], ["'", "\\"]];
    for (const path of paths) expect(pathOf(formatKeyPath(path))).toEqual(path);
  });

  it("writes RFC 6901 pointers that parse back", () => {
    expect(toPointer(["a/b", "~x", 0])).toBe("/a~1b/~0x/0");
    expect(pathOf(toPointer(["a/b", "~x", "y"]))).toEqual(["a/b", "~x", "y"]);
  });
});

describe("getAt", () => {
  const doc = deepFreeze({ a: { "b.c": [10, { d: null }] }, list: [1] });
  it("reads through objects and arrays, by index number or digit string", () => {
    expect(getAt(doc, ["a", "b.c", 0])).toBe(10);
    expect(getAt(doc, ["a", "b.c", "1", "d"])).toBeNull();
    expect(getAt(doc, [])).toBe(doc);
  });
  it("returns undefined for anything missing, never an inherited property", () => {
    expect(getAt(doc, ["a", "nope"])).toBeUndefined();
    expect(getAt(doc, ["list", 5])).toBeUndefined();
    expect(getAt(doc, ["a", "b.c", 0, "x"])).toBeUndefined();
    expect(getAt(doc, ["toString"])).toBeUndefined();
    expect(getAt(doc, ["__proto__"])).toBeUndefined();
    expect(getAt(doc, ["a", 0])).toBeUndefined(); // [0] is an index, not the key "0"
  });
});

/** Everything in `after` other than `path` must equal `before`, with key order kept. */
function expectOnlyPathChanged(before: unknown, after: unknown, path: PathSegment[]): void {
  if (path.length === 0) return;
  const [head, ...rest] = path;
  expect(typeof after).toBe("object");
  if (Array.isArray(before)) {
    const index = Number(head);
    (after as unknown[]).forEach((item, i) => {
      if (i !== index) expect(item).toBe(before[i]); // shared, hence untouched
    });
    if (rest.length && index < before.length) expectOnlyPathChanged(before[index], (after as unknown[])[index], rest);
    return;
  }
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const untouched = (keys: string[]) => keys.filter((k) => k !== head);
  expect(untouched(Object.keys(a))).toEqual(untouched(Object.keys(b)));
  for (const key of untouched(Object.keys(b))) expect(a[key]).toBe(b[key]);
  if (rest.length && Object.prototype.hasOwnProperty.call(b, head)) expectOnlyPathChanged(b[head as string], a[head as string], rest);
}

describe("setAt", () => {
  const doc = deepFreeze({
    plan: "free",
    featureFlags: { alpha: true, gamma: false },
    "a.b": { "c/d": 1 },
    items: [{ name: "x" }, { name: "y" }],
    cartId: { items: "abc" },
    empty: null,
  });

  it("sets a nested key, changing nothing else and keeping key order", () => {
    const next = valueOf(setAt(doc, ["featureFlags", "beta"], true));
    expect(next.featureFlags).toEqual({ alpha: true, gamma: false, beta: true });
    expect(Object.keys(next)).toEqual(Object.keys(doc));
    expectOnlyPathChanged(doc, next, ["featureFlags", "beta"]);
  });

  it("replaces an existing key in place", () => {
    const next = valueOf(setAt(doc, ["featureFlags", "alpha"], "on"));
    expect(Object.keys(next.featureFlags as object)).toEqual(["alpha", "gamma"]);
    expect((next.featureFlags as Record<string, unknown>).alpha).toBe("on");
  });

  it("sets keys with dots and slashes, parsed from either syntax", () => {
    const viaPointer = valueOf(setAt(doc, pathOf("/a.b/c~1d"), 2));
    const viaDots = valueOf(setAt(doc, pathOf('["a.b"]["c/d"]'), 2));
    expect(viaPointer["a.b"]).toEqual({ "c/d": 2 });
    expect(canonicalJson(viaDots)).toBe(canonicalJson(viaPointer));
  });

  it("sets inside arrays by index", () => {
    const next = valueOf(setAt(doc, pathOf("items[1].name"), "z"));
    expect(next.items).toEqual([{ name: "x" }, { name: "z" }]);
    expectOnlyPathChanged(doc, next, ["items", 1, "name"]);
    expect(valueOf(setAt(doc, pathOf("/items/0/name"), "w")).items).toEqual([{ name: "w" }, { name: "y" }]);
  });

  it("creates missing parent objects", () => {
    const next = valueOf(setAt(doc, ["settings", "ui", "theme"], "dark"));
    expect(next.settings).toEqual({ ui: { theme: "dark" } });
    expect(Object.keys(next)).toEqual([...Object.keys(doc), "settings"]);
  });

  it("reports changed: false and returns the same document when the value is already there", () => {
    const result = setAt(doc, ["featureFlags", "alpha"], true);
    expect(result).toEqual({ ok: true, value: doc, changed: false });
    expect((result as { value: unknown }).value).toBe(doc);
    expect(setAt(doc, ["items"], [{ name: "x" }, { name: "y" }])).toMatchObject({ changed: false });
  });

  it("copies the value, so later changes to it do not leak into the document", () => {
    const value = { n: [1] };
    const next = valueOf(setAt(doc, ["v"], value));
    value.n.push(2);
    expect(next.v).toEqual({ n: [1] });
  });

  it.each<[PathSegment[], string]>([
    [["cartId", "items", "featureFlags"], "cartId.items is a string, not an object, so featureFlags cannot be set inside it"],
    [["plan", "x", "y"], "plan is a string, not an object, so x.y cannot be set inside it"],
    [["empty", "x"], "empty is null, not an object, so x cannot be set inside it"],
    [["items", 2], "items has 2 items, so index 2 is out of range"],
    [["items", "name"], 'items is an array, so it has no key "name"; use an index like [0]'],
    [["featureFlags", 0], 'featureFlags is an object, not an array, so [0] does not apply; to name the key "0" write .0'],
    [["nope", 0, "x"], "nope does not exist, so index [0] cannot be set; an index needs an existing array"],
    [[], "The key path is empty; name a key, for example featureFlags.beta or /featureFlags/beta"],
  ])("refuses %j: %s", (path, message) => {
    expect(setAt(doc, path, 1)).toEqual({ ok: false, error: message });
  });

  it("refuses a document that is not an object", () => {
    expect(setAt([1], ["a"], 1)).toEqual({ ok: false, error: "The session data is an array, not an object" });
  });

  it("stores a '__proto__' key as data, not as the prototype", () => {
    const next = valueOf(setAt({}, ["__proto__", "admin"], true));
    expect(Object.keys(next)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(canonicalJson(next)).toBe('{"__proto__":{"admin":true}}');
  });
});

describe("deleteAt", () => {
  const doc = deepFreeze({ a: 1, flags: { beta: true, keep: 1 }, list: [1, 2, 3], "x/y": { "p.q": 0 }, s: "str" });

  it("deletes a nested key, keeping everything else and the order of the rest", () => {
    const next = valueOf(deleteAt(doc, ["flags", "beta"]));
    expect(next.flags).toEqual({ keep: 1 });
    expect(Object.keys(next)).toEqual(Object.keys(doc));
    expectOnlyPathChanged(doc, next, ["flags", "beta"]);
  });

  it("removes an array item so later items move up", () => {
    expect(valueOf(deleteAt(doc, pathOf("list[1]"))).list).toEqual([1, 3]);
    expect(valueOf(deleteAt(doc, pathOf("/list/0"))).list).toEqual([2, 3]);
  });

  it("deletes keys with slashes and dots", () => {
    expect(valueOf(deleteAt(doc, pathOf('["x/y"]["p.q"]')))["x/y"]).toEqual({});
    expect(valueOf(deleteAt(doc, pathOf("/x~1y")))).not.toHaveProperty(["x/y"]);
  });

  it.each<PathSegment[]>([["nope"], ["flags", "nope"], ["missing", "deeper"], ["list", 9], ["s", "x"], ["a", "b"], ["flags", 0]])(
    "deleting what is not there (%j) is not an error, just no change",
    (...path) => {
      const result = deleteAt(doc, path);
      expect(result).toEqual({ ok: true, value: doc, changed: false });
    },
  );

  it("refuses an empty path and a non-object document", () => {
    expect(deleteAt(doc, [])).toMatchObject({ ok: false });
    expect(deleteAt("x", ["a"])).toEqual({ ok: false, error: "The session data is a string, not an object" });
  });
});

describe("setAt and deleteAt on generated documents", () => {
  it("touch only the target path and never modify the input", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seeded(seed);
      const doc = deepFreeze(randomDocument(random));
      const keys = Object.keys(doc);
      const path: PathSegment[] = [keys[Math.floor(random() * keys.length)], "fresh", "leaf"];
      const set = setAt(doc, path, { seed });
      if (set.ok) {
        expect(getAt(set.value, path)).toEqual({ seed });
        expectOnlyPathChanged(doc, set.value, path);
        const removed = valueOf(deleteAt(set.value, path));
        expect(getAt(removed, path)).toBeUndefined();
        expectOnlyPathChanged(set.value, removed, path);
      } else {
        expect(set.error).toMatch(/not an object|is an array/);
      }
    }
  });
});
