import { describe, expect, it } from "vitest";
import {
  byteSize, canonicalJson, deepEqual, diffJson, fingerprint, isPlainObject, JsonNumber, parseJson, patchFromChanges, applyPatch, prettyJson, restoreExactNumbers, stringifyJson,
} from "~/json";

// The values a real SuperTokens core v11.4.7 was seen to store and return byte for byte (STACK-NOTES), and
// the other spellings JSON allows that a double would rewrite.
const EXACT = '{"big":9223372036854775807,"huge":18446744073709551617,"p":19.990000000000001,"r":1.0,"e":1e400,"z":-0,"u":1E+2,"t":0.1e-999}';

describe("exact numbers", () => {
  it("parses and writes back every number's text byte for byte", () => {
    const value = parseJson(EXACT) as Record<string, unknown>;
    expect(stringifyJson(value)).toBe(EXACT);
    for (const key of Object.keys(value)) expect(value[key]).toBeInstanceOf(JsonNumber);
    // What plain JSON does with the same text, for contrast.
    expect(JSON.stringify(JSON.parse(EXACT))).not.toBe(EXACT);
  });

  it("leaves numbers that a double reproduces as plain numbers (the fast path)", () => {
    const value = parseJson('{"a":1,"b":-2.5,"c":[0,1e+21,123456789012345]}') as { a: unknown; c: unknown[] };
    expect(value.a).toBe(1);
    expect(value.c).toEqual([0, 1e21, 123456789012345]);
    // A number-like run inside a string sends the text down the exact path, which changes nothing.
    expect(parseJson('{"s":"x:1.0","n":2}')).toEqual({ s: "x:1.0", n: 2 });
    expect(parseJson("1.0")).toEqual(new JsonNumber("1.0"));
  });

  it("keeps an own __proto__ key as data on the exact path", () => {
    const value = parseJson('{"__proto__":{"n":1.0}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(stringifyJson(value)).toBe('{"__proto__":{"n":1.0}}');
  });

  it("is a value, not a container, to every shared JSON function", () => {
    const before = parseJson('{"id":9223372036854775807,"r":1.0,"plan":"free"}') as Record<string, unknown>;
    expect(isPlainObject(before.id)).toBe(false);
    expect(canonicalJson(before)).toBe('{"id":9223372036854775807,"plan":"free","r":1.0}');
    expect(prettyJson(before)).toContain('"id": 9223372036854775807');
    expect(byteSize(before)).toBe('{"id":9223372036854775807,"r":1.0,"plan":"free"}'.length);
    // 1.0 and 1 are different bytes in the core, so different data.
    expect(deepEqual(parseJson('{"r":1.0}'), { r: 1 })).toBe(false);
    expect(deepEqual(parseJson('{"r":1.0}'), parseJson('{"r":1.0}'))).toBe(true);
    expect(fingerprint(parseJson('{"r":1.0}'))).not.toBe(fingerprint({ r: 1 }));
    expect(fingerprint(parseJson('{"r":1.0}'))).toBe(fingerprint(parseJson('{ "r" : 1.0 }')));

    // A change to another key: the diff and the patch name only that key, and the result keeps the rest.
    const after = { ...before, plan: "pro" };
    const changes = diffJson(before, after);
    expect(changes.map((c) => c.pointer)).toEqual(["/plan"]);
    const patched = applyPatch(parseJson(stringifyJson(before)), patchFromChanges(changes));
    expect(stringifyJson(patched)).toBe('{"id":9223372036854775807,"r":1.0,"plan":"pro"}');
    // Changing the spelling of a number is a change.
    expect(diffJson(parseJson('{"r":1.0}'), parseJson('{"r":1}')).map((c) => c.kind)).toEqual(["replace"]);
  });

  it("lets plain JSON.stringify (the SDK's) be made exact by restoreExactNumbers", () => {
    const value = parseJson('{"sessionHandle":"h","userDataInDatabase":{"big":9223372036854775807,"e":1e400}}');
    const sdkBody = JSON.stringify(value);
    expect(sdkBody).not.toContain("9223372036854775807,");
    expect(restoreExactNumbers(sdkBody)).toBe('{"sessionHandle":"h","userDataInDatabase":{"big":9223372036854775807,"e":1e400}}');
    // A string that merely looks like a marker from another realm is left alone.
    expect(restoreExactNumbers('{"s":"\u2063exact-number:000000000000000000000000:1\u2063"}')).toBe('{"s":"\u2063exact-number:000000000000000000000000:1\u2063"}');
  });

  it("refuses to hold text that is not a JSON number", () => {
    expect(() => new JsonNumber("1,0")).toThrow(SyntaxError);
    expect(() => new JsonNumber('1" ,"x":"')).toThrow(SyntaxError);
  });
});
