/**
 * showInvisibleCharacters: what the HTML parser would drop or change (NUL, CR, lone surrogates) and what
 * a person cannot see (other controls, U+2028/U+2029) becomes a visible JSON-style escape; nothing else
 * changes, so server and browser render the same characters.
 */
import { describe, expect, it } from "vitest";
import { showInvisibleCharacters, showInvisibleInJson } from "~/utils/visible-text";

describe("showInvisibleCharacters", () => {
  it("writes controls, DEL, U+2028 and U+2029 as \\uXXXX", () => {
    expect(showInvisibleCharacters("nul\u0000key")).toBe("nul\\u0000key");
    expect(showInvisibleCharacters("a\rb\nc\td\u001be\u007f")).toBe("a\\u000db\\u000ac\\u0009d\\u001be\\u007f");
    expect(showInvisibleCharacters("line\u2028para\u2029end")).toBe("line\\u2028para\\u2029end");
  });

  it("writes a lone surrogate as its escape and keeps a pair (an emoji) whole", () => {
    expect(showInvisibleCharacters("x\ud83dy")).toBe("x\\ud83dy");
    expect(showInvisibleCharacters("x\ude00y")).toBe("x\\ude00y");
    expect(showInvisibleCharacters("😀\ud83d")).toBe("😀\\ud83d");
    expect(showInvisibleCharacters("party 🎉")).toBe("party 🎉");
  });

  it("leaves ordinary text alone", () => {
    for (const text of ["", "__proto__", "Grüße, 東京, مرحبا", '<img src=x onerror="alert(1)">', "back\\slash \\u0000 typed"]) {
      expect(showInvisibleCharacters(text)).toBe(text);
    }
  });

  it("gives the same answer on repeated calls (no regex state carried over)", () => {
    expect(showInvisibleCharacters("a\u0000")).toBe("a\\u0000");
    expect(showInvisibleCharacters("a\u0000")).toBe("a\\u0000");
    expect(showInvisibleCharacters("b")).toBe("b");
  });
});

describe("showInvisibleInJson", () => {
  it("keeps the layout's line breaks, writes U+2028/U+2029 as escapes, and the JSON stays the same data", () => {
    const value = JSON.parse('{"k":"a\\u0000b\\r\\u2028\\u2029","\\u0000":1,"__proto__":{"x":"\\ud83d"}}') as unknown;
    const json = JSON.stringify(value, null, 2);
    const shown = showInvisibleInJson(json);
    expect(shown.split("\n")).toHaveLength(json.split("\n").length);
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
    expect(shown).toContain('"k": "a\\u0000b\\r\\u2028\\u2029"');
    expect(JSON.parse(shown)).toEqual(value);
    expect(showInvisibleInJson('{\n  "a": "plain"\n}')).toBe('{\n  "a": "plain"\n}');
  });
});
