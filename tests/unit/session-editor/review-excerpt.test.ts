import { describe, expect, it } from "vitest";
import { prettyJson } from "~/json";
import { createRng, megabyteDocument } from "../../../local-core/seed-data";
import { reviewExcerpt } from "~/components/session-editor/review-excerpt";

const lines = (count: number, prefix = "line") => Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

/** Rebuilds what each side shows as [line number, text], markers as [0, text]. */
const sides = (excerpt: NonNullable<ReturnType<typeof reviewExcerpt>>) => ({
  original: excerpt.original.split("\n").map((text, i) => [excerpt.originalLineNumbers[i], text]),
  modified: excerpt.modified.split("\n").map((text, i) => [excerpt.modifiedLineNumbers[i], text]),
});

describe("reviewExcerpt: the changed regions of a large diff", () => {
  it("keeps a changed line with context and one marker per hidden run, numbered as in the whole text", () => {
    const a = lines(20);
    const b = [...a];
    b[9] = "changed 10";
    const excerpt = reviewExcerpt(a.join("\n"), b.join("\n"), { context: 2 })!;
    expect(sides(excerpt).original).toEqual([
      [0, "⋯ 7 unchanged lines ⋯"],
      [8, "line 8"],
      [9, "line 9"],
      [10, "line 10"],
      [11, "line 11"],
      [12, "line 12"],
      [0, "⋯ 8 unchanged lines ⋯"],
    ]);
    expect(sides(excerpt).modified.map(([, text]) => text)).toContain("changed 10");
  });

  it("handles inserted and deleted lines, keeping both sides' numbers", () => {
    const a = lines(30);
    const b = [...a.slice(0, 5), "new A", "new B", ...a.slice(5, 20), ...a.slice(21)];
    const excerpt = reviewExcerpt(a.join("\n"), b.join("\n"), { context: 1 })!;
    const { original, modified } = sides(excerpt);
    expect(modified).toContainEqual([6, "new A"]);
    expect(modified).toContainEqual([7, "new B"]);
    expect(original).toContainEqual([21, "line 21"]);
    expect(modified.map(([, text]) => text)).not.toContain("line 21");
    // Lines around the changes keep their own numbers on each side.
    expect(original).toContainEqual([22, "line 22"]);
    expect(modified).toContainEqual([23, "line 22"]);
  });

  it("merges nearby changes into one region and shows no marker for nothing hidden", () => {
    const a = lines(6);
    const b = ["x", ...a.slice(1, 5), "y"];
    const excerpt = reviewExcerpt(a.join("\n"), b.join("\n"), { context: 3 })!;
    expect(excerpt.original).toBe(a.join("\n"));
    expect(excerpt.modified).toBe(b.join("\n"));
  });

  it("gives no excerpt when the change is larger than the limit", () => {
    expect(reviewExcerpt(lines(100).join("\n"), lines(100, "other").join("\n"), { maxEditLines: 50 })).toBeNull();
  });

  it("cuts a 1 MiB session's two-value change down to a few dozen lines", () => {
    const doc = megabyteDocument(createRng(3));
    const original = prettyJson(doc);
    const modified = prettyJson({ ...doc, plan: "pro", description: "changed" });
    const excerpt = reviewExcerpt(original, modified)!;
    expect(excerpt.original.split("\n").length).toBeLessThan(30);
    expect(excerpt.modified).toContain('"plan": "pro"');
    expect(excerpt.original).toContain('"plan": "enterprise"');
  });
});
