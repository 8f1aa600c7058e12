/**
 * parseJsonValueText: any JSON value (not only an object) by parseSessionDataText's rules, for values
 * typed outside the editor (the bulk form). Same scanner, same messages with line and column.
 */
import { describe, expect, it } from "vitest";
import { parseJsonValueText, parseSessionDataText } from "~/json/parse";

const KiB = 1024;
const parse = (text: string, maxBytes = 64 * KiB, maxDepth?: number) => parseJsonValueText(text, { maxBytes, maxDepth });
const errorOf = (text: string, maxBytes = 64 * KiB, maxDepth?: number): string => {
  const result = parse(text, maxBytes, maxDepth);
  if (result.ok) throw new Error(`expected an error for ${text.slice(0, 60)}`);
  return result.error;
};
const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

describe("parseJsonValueText: accepted values", () => {
  it("takes any JSON value, with its compact size", () => {
    expect(parse("true")).toEqual({ ok: true, value: true, bytes: 4 });
    expect(parse(" 42 ")).toEqual({ ok: true, value: 42, bytes: 2 });
    expect(parse('"beta"')).toEqual({ ok: true, value: "beta", bytes: 6 });
    expect(parse("null")).toEqual({ ok: true, value: null, bytes: 4 });
    expect(parse('[1, {"a": [true]}]')).toEqual({ ok: true, value: [1, { a: [true] }], bytes: '[1,{"a":[true]}]'.length });
    expect(parse('\ufeff{"a":1}')).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it("accepts 256 levels of nesting, as the editor does", () => {
    expect(parse(nested(256)).ok).toBe(true);
    expect(parseSessionDataText(`{"a":${nested(255)}}`, { maxBytes: 64 * KiB }).ok).toBe(true);
  });

  it("keeps '__proto__' as an ordinary key", () => {
    const result = parse('{"__proto__":{"admin":true}}');
    expect(result.ok && Object.keys(result.value as object)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("parseJsonValueText: refused by the editor's rules, with the editor's words", () => {
  it("refuses duplicate keys at any depth, with their position", () => {
    expect(errorOf('{"tier":"gold","tier":"silver"}')).toBe('Line 1, column 16: the name "tier" appears twice in the same object; JSON keeps only one of them, so remove or rename the other');
    expect(errorOf('[{"x":1},\n {"y":[{"x":1,"x":2}]}]')).toMatch(/^Line 2, column 15: the name "x" appears twice/);
  });

  it("refuses nesting over the limit, however deep, without running out of stack", () => {
    expect(errorOf(nested(257))).toBe("Line 1, column 257: the data is nested more than 256 levels deep");
    expect(errorOf(nested(10_000))).toBe("Line 1, column 257: the data is nested more than 256 levels deep");
    expect(errorOf(nested(100_000), 1024 * KiB)).toBe("Line 1, column 257: the data is nested more than 256 levels deep");
    expect(errorOf(nested(11), 64 * KiB, 10)).toBe("Line 1, column 11: the data is nested more than 10 levels deep");
  });

  it("gives the same message as the editor for the same mistake", () => {
    const editor = parseSessionDataText('{"a": tru}', { maxBytes: KiB });
    expect(editor.ok).toBe(false);
    expect(errorOf('{"a": tru}', KiB)).toBe(editor.ok ? "" : editor.error);
    expect(errorOf("beta")).toBe('Line 1, column 1: found beta; text values must be in double quotes, like "beta"');
    expect(errorOf("[1,]")).toMatch(/^Line 1, column 3: remove the comma before '\]'/);
  });

  it("refuses empty text, and a value whose compact form is over the limit (measured compact, not as typed)", () => {
    expect(errorOf("  ")).toMatch(/^The value is empty/);
    expect(errorOf(JSON.stringify("x".repeat(2000)), 2000)).toBe("The value is 2002 bytes; the limit is 2000 bytes");
    expect(errorOf(JSON.stringify("x".repeat(3000)), 2048)).toBe("The value is 2.9 KiB; the limit is 2 KiB");
    const indented = JSON.stringify(Array.from({ length: 300 }, (_, i) => i), null, 8);
    expect(indented.length).toBeGreaterThan(2 * KiB);
    expect(parse(indented, 2 * KiB).ok).toBe(true);
    // Text far beyond the limit is refused before it is scanned.
    expect(errorOf(" ".repeat(20 * KiB) + "1", KiB)).toBe("The value is 20 KiB; the limit is 1 KiB");
  });
});
