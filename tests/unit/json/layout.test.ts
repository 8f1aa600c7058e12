import { describe, expect, it } from "vitest";
import { layoutJson, MAX_INDENTED_DEPTH, parseJson, prettyJson } from "~/json";

function nested(depth: number): unknown {
  let value: unknown = { leaf: 1 };
  for (let level = 0; level < depth; level++) value = level % 2 ? [value, level] : { level, child: value };
  return value;
}

describe("layoutJson", () => {
  it("lays out data like JSON.stringify(value, null, 2), in stored key order, down to the indentation limit", () => {
    const value = JSON.parse('{"z":1,"a":[1,{"b":null,"__proto__":{"x":"y"}}],"e":{},"f":[],"s":"\\u2028\\u0000\\ud800"}') as unknown;
    expect(layoutJson(value)).toBe(JSON.stringify(value, null, 2));
    const deepButAllowed = nested(MAX_INDENTED_DEPTH - 1);
    expect(layoutJson(deepButAllowed)).toBe(JSON.stringify(deepButAllowed, null, 2));
  });

  it("writes levels below the limit compact, so the text grows with the data and not with its depth squared", () => {
    for (const depth of [MAX_INDENTED_DEPTH + 1, 500, 2_000]) {
      const value = nested(depth);
      const text = layoutJson(value);
      expect(JSON.parse(text)).toEqual(value);
      const compact = JSON.stringify(value).length;
      // Lines (each at most 2 * MAX_INDENTED_DEPTH spaces) only above the limit; below it, a space after each colon.
      expect(text.length).toBeLessThan(1.5 * compact + 4 * MAX_INDENTED_DEPTH * 2 * MAX_INDENTED_DEPTH);
      if (depth === 2_000) expect(JSON.stringify(value, null, 2).length).toBeGreaterThan(100 * text.length);
    }
  });

  it("keeps every number's text and sorts nothing; prettyJson sorts and bounds the same way", () => {
    const value = parseJson('{"b":18446744073709551617,"a":1.0,"deep":' + "[".repeat(100) + "-0" + "]".repeat(100) + "}");
    const text = layoutJson(value);
    expect(text.startsWith('{\n  "b": 18446744073709551617,\n  "a": 1.0,')).toBe(true);
    expect(text).toContain("[-0]");
    const sorted = prettyJson(value);
    expect(sorted.startsWith('{\n  "a": 1.0,\n  "b": 18446744073709551617,')).toBe(true);
    expect(sorted.length).toBe(text.length);
  });
});
