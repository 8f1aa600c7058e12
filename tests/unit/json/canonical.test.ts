import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { byteSize, canonicalJson, fingerprint, prettyJson } from "~/json/canonical";
import { SHA256_IS_NATIVE, sha256Hex, sha256HexPortable, utf8Length, utf8LengthPortable } from "~/json/sha256";
import { formatBytes } from "~/json/format";
import { randomDocument, seeded } from "./generate";

/** The same data with every object's keys inserted in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, { value: reversedKeys((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const nodeSha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("canonicalJson", () => {
  it("sorts keys, recursively, with no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });

  it("is the same whatever the insertion order", () => {
    const one = { plan: "pro", limits: { seats: 5, apps: 2 }, tags: ["x", "y"] };
    const two = { tags: ["x", "y"], limits: { apps: 2, seats: 5 }, plan: "pro" };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it("keeps array order", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it("sorts integer-like keys as text, not in JavaScript's numeric-first order", () => {
    expect(canonicalJson({ b: 1, 10: 2, 2: 3, a: 4 })).toBe('{"10":2,"2":3,"a":4,"b":1}');
  });

  it("writes unicode and emoji as they are, and escapes lone surrogates", () => {
    expect(canonicalJson({ "ü": "café 🎉", "😀": "日本" })).toBe('{"ü":"café 🎉","😀":"日本"}');
    expect(canonicalJson("\ud800")).toBe('"\\ud800"');
    expect(canonicalJson("a\"b\\c\n")).toBe('"a\\"b\\\\c\\n"');
    expect(canonicalJson("\u0001\t")).toBe(JSON.stringify("\u0001\t"));
  });

  it("writes null, booleans and numbers as JSON.stringify does", () => {
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson([true, false])).toBe("[true,false]");
    expect(canonicalJson(1e21)).toBe("1e+21");
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(canonicalJson(-1.5e-7)).toBe("-1.5e-7");
    expect(canonicalJson([NaN, Infinity])).toBe("[null,null]");
  });

  it("drops undefined in objects and writes null for it in arrays, like JSON.stringify", () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });

  it("keeps a '__proto__' key as data", () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}');
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it("refuses cycles instead of looping forever", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/cycle/);
  });

  it("parses back to an equal value", () => {
    const value = { z: [1, { y: "é", x: null }], a: { "": 0, "a.b": -2.5 } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

describe("canonical and pretty forms on generated documents", () => {
  it("parse back to the same data, ignore key order, and agree with each other", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const doc = randomDocument(seeded(seed));
      const canonical = canonicalJson(doc);
      expect(canonicalJson(JSON.parse(canonical))).toBe(canonical);
      expect(canonicalJson(reversedKeys(doc))).toBe(canonical);
      expect(prettyJson(reversedKeys(doc))).toBe(prettyJson(doc));
      expect(canonicalJson(JSON.parse(prettyJson(doc)))).toBe(canonical);
      expect(JSON.stringify(JSON.parse(prettyJson(doc)), null, 2).length).toBe(prettyJson(doc).length);
    }
  });
});

describe("prettyJson", () => {
  it("indents by two spaces with sorted keys, laid out like JSON.stringify", () => {
    const value = { b: [1, { d: 1, c: [] }], a: {} };
    expect(prettyJson(value)).toBe(JSON.stringify({ a: {}, b: [1, { c: [], d: 1 }] }, null, 2));
  });

  it("is identical for the same data in any key order", () => {
    expect(prettyJson({ x: 1, y: { b: 2, a: 1 } })).toBe(prettyJson({ y: { a: 1, b: 2 }, x: 1 }));
  });

  it("handles primitives at the top", () => {
    expect(prettyJson("🎉")).toBe('"🎉"');
    expect(prettyJson(null)).toBe("null");
  });
});

describe.each([["the browser's (portable)", sha256HexPortable], ["the server's (node:crypto)", sha256Hex]] as const)("sha256Hex: %s", (_name, sha256Hex) => {
  it("matches the FIPS 180-4 test vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("matches node:crypto around every padding boundary", () => {
    for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      const text = "x".repeat(length);
      expect(sha256Hex(text), `length ${length}`).toBe(nodeSha256(text));
    }
  });

  it("hashes multibyte text as UTF-8", () => {
    const text = "Grüße, 日本語, emoji 🎉👩‍💻, and a long tail ".repeat(7);
    expect(sha256Hex(text)).toBe(nodeSha256(text));
  });

  it("hashes lone surrogates as U+FFFD, as TextEncoder does", () => {
    const text = `a\ud800b\udc00c${"\ud83d"}`;
    expect(sha256Hex(text)).toBe(nodeSha256(text));
    expect(sha256Hex(text)).toBe(sha256HexPortable(new TextEncoder().encode(text)));
  });

  it("hashes a million 'a's (multi-block input)", () => {
    expect(sha256Hex("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });
});

it("uses node:crypto on the server", () => {
  expect(SHA256_IS_NATIVE).toBe(true);
});

describe("fingerprint", () => {
  const base = { plan: "pro", limits: { seats: 5 }, tags: ["a", "b"], trial: false, note: null };

  it("is sha256: + the hash of the canonical form", () => {
    expect(fingerprint(base)).toBe("sha256:" + nodeSha256(canonicalJson(base)));
    expect(fingerprint({})).toBe("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  });

  it("does not change with key order", () => {
    const reordered = { note: null, trial: false, tags: ["a", "b"], limits: { seats: 5 }, plan: "pro" };
    expect(fingerprint(reordered)).toBe(fingerprint(base));
  });

  it("changes on any change of content", () => {
    const variants = [
      { ...base, plan: "Pro" },
      { ...base, limits: { seats: 6 } },
      { ...base, tags: ["b", "a"] },
      { ...base, trial: true },
      { ...base, note: "" },
      { ...base, extra: null },
      { ...base, limits: { seats: "5" } },
    ];
    const prints = new Set([fingerprint(base), ...variants.map((v) => fingerprint(v))]);
    expect(prints.size).toBe(variants.length + 1);
  });
});

describe("byteSize and utf8Length", () => {
  it("counts UTF-8 bytes of the compact JSON", () => {
    expect(byteSize({ a: "é" })).toBe(Buffer.byteLength('{"a":"é"}'));
    expect(byteSize({ e: "🎉" })).toBe(12);
    expect(byteSize(undefined)).toBe(0);
  });

  it("agrees with Buffer.byteLength, also for lone surrogates", () => {
    for (const text of ["", "abc", "ü", "日本", "🎉", "a\ud800b", "\udc00", "x\ud83d"]) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(Buffer.byteLength(text, "utf8"));
      // The browser's path (no Buffer there) must count the same bytes.
      expect(utf8LengthPortable(text), JSON.stringify(text)).toBe(Buffer.byteLength(text, "utf8"));
    }
  });

  it("formats sizes for messages", () => {
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(900)).toBe("900 bytes");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(1024 * 1024)).toBe("1 MiB");
    expect(formatBytes(1.3 * 1024 * 1024)).toBe("1.3 MiB");
  });
});
