import { describe, expect, it } from "vitest";
import { canonicalJson } from "~/json/canonical";
import { applyPatch, createPatch, findConflicts, patchPaths, rebase, type Operation } from "~/json/patch";
import { deepFreeze, mutate, randomDocument, seeded } from "./generate";

const replace = (path: string, value: unknown = 1): Operation => ({ op: "replace", path, value });

describe("patchPaths", () => {
  it("lists each pointer once, including move/copy sources and arrays whose indexes shift", () => {
    expect(
      patchPaths([
        replace("/a"),
        replace("/a"),
        { op: "move", from: "/b/c", path: "/d" },
        { op: "add", path: "/items/2", value: 1 },
        { op: "remove", path: "/tags/-" },
      ]),
    ).toEqual(["/a", "/d", "/b/c", "/items/2", "/items", "/tags/-", "/tags"]);
  });
});

describe("findConflicts", () => {
  it("finds nothing when the changes touch different places", () => {
    expect(findConflicts([replace("/limits/seats")], [replace("/limits/apps"), replace("/plan")])).toEqual([]);
  });

  it("reports the same path", () => {
    expect(findConflicts([replace("/plan", "pro")], [replace("/plan", "team")])).toEqual(["/plan"]);
  });

  it("reports a path inside another, in either direction", () => {
    expect(findConflicts([replace("/limits/seats")], [{ op: "remove", path: "/limits" }])).toEqual(["/limits", "/limits/seats"]);
    expect(findConflicts([replace("/limits", {})], [replace("/limits/seats/max")])).toEqual(["/limits", "/limits/seats/max"]);
    expect(findConflicts([replace("", {})], [replace("/x")])).toEqual(["", "/x"]);
  });

  it("does not confuse a key with another key that starts the same", () => {
    expect(findConflicts([replace("/limit")], [replace("/limits")])).toEqual([]);
    expect(findConflicts([replace("/a~1b")], [replace("/a/b")])).toEqual([]);
  });

  it("lets identical changes on both sides through", () => {
    expect(findConflicts([replace("/plan", "pro")], [replace("/plan", "pro")])).toEqual([]);
    expect(findConflicts([{ op: "remove", path: "/trial" }], [{ op: "remove", path: "/trial" }])).toEqual([]);
    expect(findConflicts([{ op: "add", path: "/x", value: { a: 1 } }], [{ op: "add", path: "/x", value: { a: 1 } }])).toEqual([]);
  });

  it("treats an insert or removal in an array as touching the whole array, since later indexes shift", () => {
    expect(findConflicts([replace("/items/3/name")], [{ op: "remove", path: "/items/0" }])).toEqual(["/items", "/items/3/name"]);
    // Two identical removals by index would remove two different items.
    expect(findConflicts([{ op: "remove", path: "/items/0" }], [{ op: "remove", path: "/items/0" }])).toEqual(["/items", "/items/0"]);
  });

  it("checks move and copy sources", () => {
    expect(findConflicts([{ op: "copy", from: "/a/b", path: "/c" }], [replace("/a")])).toEqual(["/a", "/a/b"]);
  });

  it("stays quick for large patches (no pairwise comparison)", () => {
    const mine = Array.from({ length: 20_000 }, (_, i) => replace(`/mine/k${i}`));
    const theirs = Array.from({ length: 20_000 }, (_, i) => replace(`/theirs/k${i}`));
    expect(findConflicts(mine, theirs)).toEqual([]);
    expect(findConflicts(mine, [...theirs, replace("/mine/k5/deeper")])).toEqual(["/mine/k5", "/mine/k5/deeper"]);
  });
});

describe("rebase", () => {
  const original = deepFreeze({ plan: "free", limits: { seats: 5, apps: 1 }, tags: ["a", "b"], note: "x" });

  it("applies my change on top of theirs when they touched other keys", () => {
    const mine = { ...original, limits: { seats: 10, apps: 1 } };
    const theirsNow = { ...original, plan: "pro", note: "changed by someone else" };
    const result = rebase(original, mine, theirsNow);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({ plan: "pro", limits: { seats: 10, apps: 1 }, tags: ["a", "b"], note: "changed by someone else" });
    expect(result.ops).toEqual([replace("/limits/seats", 10)]);
  });

  it("lists the clashing paths when we both changed the same thing", () => {
    const mine = { ...original, limits: { seats: 10, apps: 1 } };
    const theirsNow = { ...original, limits: { seats: 7, apps: 1 } };
    expect(rebase(original, mine, theirsNow)).toEqual({ ok: false, clashes: ["/limits/seats"] });
  });

  it("clashes when they removed the object I edited inside", () => {
    const mine = { ...original, limits: { seats: 10, apps: 1 } };
    const { limits: _, ...theirsNow } = original;
    expect(rebase(original, mine, theirsNow)).toEqual({ ok: false, clashes: ["/limits", "/limits/seats"] });
  });

  it("accepts a change both sides made identically", () => {
    const mine = { ...original, plan: "pro", note: "mine" };
    const theirsNow = { ...original, plan: "pro" };
    const result = rebase(original, mine, theirsNow);
    expect(result).toMatchObject({ ok: true, value: { ...original, plan: "pro", note: "mine" }, ops: [replace("/note", "mine")] });
  });

  it("gives back theirs unchanged when I changed nothing", () => {
    const theirsNow = { ...original, plan: "team" };
    expect(rebase(original, original, theirsNow)).toEqual({ ok: true, value: theirsNow, ops: [] });
  });

  it("on generated documents: either clashes, or keeps their changes and adds mine", () => {
    let merged = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed * 104729);
      const base = deepFreeze(randomDocument(random));
      const mine = deepFreeze(mutate(random, base));
      const theirsNow = deepFreeze(mutate(random, base));
      const result = rebase(base, mine, theirsNow);
      if (!result.ok) {
        expect(result.clashes.length).toBeGreaterThan(0);
        continue;
      }
      merged++;
      // Every one of my changes is in the result, and so is every one of theirs.
      // Every change of mine and every change of theirs holds in the result: a removed path is
      // gone, any other path has the new value.
      for (const op of [...createPatch(base, mine), ...createPatch(base, theirsNow)]) {
        if (op.op === "remove") expect(() => applyPatch(result.value, [op])).toThrow();
        else if (op.op === "add" || op.op === "replace") applyPatch(result.value, [{ op: "test", path: op.path, value: op.value }]);
        else throw new Error(`createPatch made an unexpected ${op.op}`);
      }
      // Non-clashing edits commute: their changes on top of mine give the same document.
      const reverse = rebase(base, theirsNow, mine);
      expect(reverse.ok).toBe(true);
      if (reverse.ok) expect(canonicalJson(reverse.value)).toBe(canonicalJson(result.value));
    }
    expect(merged).toBeGreaterThan(20); // the generator must produce mergeable pairs for this to test anything
  });
});
