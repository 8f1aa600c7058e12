import { describe, expect, it } from "vitest";
import { JsonNumber, stringifyJson } from "~/json";
import { parseSessionDataText } from "~/json/parse";

const MiB = 1024 * 1024;
const parse = (text: string, maxBytes = MiB) => parseSessionDataText(text, { maxBytes });
const errorOf = (text: string, maxBytes = MiB): string => {
  const result = parse(text, maxBytes);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  return result.error;
};

describe("parseSessionDataText: accepted input", () => {
  it("returns the object and its compact size in bytes", () => {
    const result = parse('{\n  "plan": "pro",\n  "seats": 5\n}');
    expect(result).toEqual({ ok: true, value: { plan: "pro", seats: 5 }, bytes: '{"plan":"pro","seats":5}'.length });
  });

  it("accepts an empty object, unicode, escapes, nesting and a byte-order mark", () => {
    expect(parse("{}")).toMatchObject({ ok: true, value: {} });
    expect(parse('{"ü":"🎉","e":"\\u00e9\\n","n":[1,-0.5,2e3,{"x":null}]}')).toMatchObject({
      ok: true,
      value: { "ü": "🎉", e: "é\n", n: [1, -0.5, new JsonNumber("2e3"), { x: null }] },
    });
    expect(parse('\ufeff{"a":1}')).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it("keeps '__proto__' as an ordinary key", () => {
    const result = parse('{"__proto__":{"admin":true}}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("accepts big integers that JavaScript already prints that way, so saved data can be saved again", () => {
    expect(parse('{"id":12345678901234567000}').ok).toBe(true);
    expect(parse('{"big":1000000000000000000000}').ok).toBe(true); // exactly 1e21
  });
});

describe("parseSessionDataText: errors a person can act on", () => {
  it("rejects empty text", () => {
    expect(errorOf("")).toMatch(/empty/);
    expect(errorOf("  \n\t")).toMatch(/empty/);
  });

  it("rejects values that are not an object, naming what they are", () => {
    expect(errorOf("[1,2]")).toBe("The data must be a JSON object (in { }), not an array");
    expect(errorOf('"hello"')).toBe("The data must be a JSON object (in { }), not a string");
    expect(errorOf("null")).toBe("The data must be a JSON object (in { }), not null");
    expect(errorOf("42")).toBe("The data must be a JSON object (in { }), not a number");
    expect(errorOf("true")).toMatch(/not true \(a boolean\)/);
  });

  it("gives the line and column of a missing comma", () => {
    const result = parse('{\n  "a": 1,\n  "b": 2\n  "c": 3\n}');
    expect(result).toEqual({
      ok: false,
      error: "Line 4, column 3: expected ',' or '}' after a value but found '\"'",
      line: 4,
      column: 3,
    });
  });

  it("explains the common mistakes", () => {
    expect(errorOf('{"a": 1,}')).toBe("Line 1, column 8: remove the comma before '}' (JSON does not allow a trailing comma)");
    expect(errorOf('{"a": [1, 2,]}')).toMatch(/^Line 1, column 12: remove the comma before '\]'/);
    expect(errorOf("{'a': 1}")).toMatch(/^Line 1, column 2: names must be in double quotes/);
    expect(errorOf('{"a": \'x\'}')).toMatch(/^Line 1, column 7: text must be in double quotes/);
    expect(errorOf("{plan: 1}")).toBe('Line 1, column 2: names must be in double quotes, like "plan"');
    expect(errorOf('{"plan": pro}')).toBe('Line 1, column 10: found pro; text values must be in double quotes, like "pro"');
    expect(errorOf('{"a": True}')).toMatch(/lowercase/);
    expect(errorOf('{"a": 1 // note\n}')).toMatch(/comments are not allowed/);
    expect(errorOf('{"a": 1} // done')).toMatch(/^Line 1, column 10: comments are not allowed/);
    expect(errorOf('{"a" 1}')).toMatch(/^Line 1, column 6: expected ':' after the name "a"/);
  });

  it("points at an unclosed string and at a raw line break inside one", () => {
    expect(errorOf('{"a": "abc')).toMatch(/^Line 1, column 7: this text is never closed/);
    expect(errorOf('{"a": "ab\ncd"}')).toMatch(/^Line 1, column 10: a line break inside text/);
    expect(errorOf('{"a": "\\x"}')).toMatch(/not a valid escape/);
    expect(errorOf('{"a": "\\u12"}')).toMatch(/four hex digits/);
  });

  it("says where an unclosed object or array began", () => {
    expect(errorOf('{\n  "a": {\n    "b": 1\n')).toMatch(/the object opened at line 2, column 8 is never closed/);
    expect(errorOf('{"a": [1, 2')).toMatch(/the array opened at line 1, column 7 is never closed/);
  });

  it("rejects invalid numbers", () => {
    expect(errorOf('{"a": 01}')).toMatch(/01 is not a valid JSON number/);
    expect(errorOf('{"a": 1.}')).toMatch(/1\. is not a valid JSON number/);
    expect(errorOf('{"a": .5}')).toMatch(/\.5 is not a valid JSON number/);
    expect(errorOf('{"a": +1}')).toMatch(/\+1 is not a valid JSON number/);
    expect(errorOf('{"a": NaN}')).toMatch(/found NaN/);
  });

  it("keeps every valid number exactly as typed, however large or precise", () => {
    const text = '{"big":9223372036854775807,"huge":18446744073709551617,"p":19.990000000000001,"r":1.0,"e":1e400,"z":-0,"u":1E+2,"t":0.1e-999,"plain":42}';
    const result = parse(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(stringifyJson(result.value)).toBe(text);
    expect(result.value.plain).toBe(42);
    expect(result.value.big).toEqual(new JsonNumber("9223372036854775807"));
    expect(result.bytes).toBe(text.length);
  });

  it("rejects duplicate keys, which JSON.parse would silently collapse", () => {
    expect(errorOf('{\n  "plan": "free",\n  "plan": "pro"\n}')).toBe(
      'Line 3, column 3: the name "plan" appears twice in the same object; JSON keeps only one of them, so remove or rename the other',
    );
    // Same key spelled differently is still the same key.
    expect(errorOf('{"a": 1, "\\u0061": 2}')).toMatch(/"a" appears twice/);
    // Equal keys in different objects are fine.
    expect(parse('{"a": {"x": 1}, "b": {"x": 2}}').ok).toBe(true);
  });

  it("rejects text after the end of the object", () => {
    expect(errorOf('{"a":1}}')).toMatch(/^Line 1, column 8: unexpected '}' after the end of the data/);
    expect(errorOf("{} {}")).toMatch(/after the end of the data/);
  });

  it("limits nesting depth instead of overflowing the stack", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(errorOf(`{"a":${deep}}`)).toMatch(/nested more than 256 levels deep/);
  });

  it("rejects data over the size limit, measured on the compact form", () => {
    const big = JSON.stringify({ blob: "x".repeat(Math.round(1.3 * MiB)) });
    expect(errorOf(big)).toBe("The data is 1.3 MiB; the limit is 1 MiB");
    // Pretty-printing whitespace does not count: only what is stored does.
    const padded = `{\n${" ".repeat(500)}"a": 1\n}`;
    expect(parse(padded, 100)).toMatchObject({ ok: true, bytes: 7 });
    // When rounding would hide the difference, exact bytes are given.
    const justOver = JSON.stringify({ b: "x".repeat(MiB - 8 + 1) });
    expect(errorOf(justOver)).toBe(`The data is ${MiB + 1} bytes; the limit is ${MiB} bytes`);
  });

  it("refuses absurdly large text before parsing it", () => {
    expect(errorOf(" ".repeat(900) + "{}", 100)).toMatch(/^The text is 902 bytes; the limit for the data is 100 bytes/);
  });
});

describe("parseSessionDataText agrees with JSON.parse where JSON.parse keeps every number", () => {
  const samples = [
    '{"a":[1,{"b":null}],"c":"\\"q\\"","d":-0.05,"e":true,"f":false}',
    '{ "x" : [ ] , "y" : { } }',
    '{"k":"\\ud83c\\udf89"}',
    '{"":""}',
  ];
  it.each(samples)("accepts %s and returns what JSON.parse returns", (text) => {
    expect(parse(text)).toMatchObject({ ok: true, value: JSON.parse(text) });
  });
});
