import { describe, expect, it } from "vitest";
import { JsonNumber, layoutJson, parseJson, stringifyJson } from "../../../app/json";
import { MASKED_TEXT, maskChangeSummary, maskJson, maskPatch, restoreMaskedValues } from "../../../app/masking/mask";
import { compileMaskPatterns, formatMaskPattern, MaskMatcher, parseMaskPattern, splitPatternList } from "../../../app/masking/patterns";

const matcher = (...patterns: string[]) => {
  const compiled = compileMaskPatterns(patterns);
  expect(compiled.errors).toEqual([]);
  return compiled.matcher;
};
const tokensOf = (text: string) => {
  const parsed = parseMaskPattern(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.pattern.tokens;
};

describe("parseMaskPattern", () => {
  it("reads plain keys, * and **", () => {
    expect(tokensOf("device.ip")).toEqual([{ kind: "key", key: "device" }, { kind: "key", key: "ip" }]);
    expect(tokensOf("**.token")).toEqual([{ kind: "any-depth" }, { kind: "key", key: "token" }]);
    expect(tokensOf("cart.address.*")).toEqual([{ kind: "key", key: "cart" }, { kind: "key", key: "address" }, { kind: "one" }]);
    expect(tokensOf("items[*].token")).toEqual([{ kind: "key", key: "items" }, { kind: "one" }, { kind: "key", key: "token" }]);
    expect(tokensOf("items[2]")).toEqual([{ kind: "key", key: "items" }, { kind: "key", key: "2" }]);
    // "**.**" is the same as "**"
    expect(tokensOf("a.**.**.b")).toEqual([{ kind: "key", key: "a" }, { kind: "any-depth" }, { kind: "key", key: "b" }]);
  });

  it("reads keys with dots, slashes, stars, quotes and spaces when quoted", () => {
    expect(tokensOf('"a.b".c')).toEqual([{ kind: "key", key: "a.b" }, { kind: "key", key: "c" }]);
    expect(tokensOf('["a.b"].c')).toEqual([{ kind: "key", key: "a.b" }, { kind: "key", key: "c" }]);
    expect(tokensOf('x."*"')).toEqual([{ kind: "key", key: "x" }, { kind: "key", key: "*" }]);
    expect(tokensOf('x["**"]')).toEqual([{ kind: "key", key: "x" }, { kind: "key", key: "**" }]);
    expect(tokensOf('"say \\"hi\\"".to')).toEqual([{ kind: "key", key: 'say "hi"' }, { kind: "key", key: "to" }]);
    expect(tokensOf('"with space"')).toEqual([{ kind: "key", key: "with space" }]);
    // A slash needs no quoting: patterns are never pointers.
    expect(tokensOf("headers.x/forwarded-for")).toEqual([{ kind: "key", key: "headers" }, { kind: "key", key: "x/forwarded-for" }]);
    expect(tokensOf('"a/b.c"')).toEqual([{ kind: "key", key: "a/b.c" }]);
  });

  it("refuses what would be ambiguous, with a message that says how to write it", () => {
    const error = (text: string) => {
      const parsed = parseMaskPattern(text);
      return parsed.ok ? "" : parsed.error;
    };
    expect(error("")).toMatch(/Enter a pattern/);
    expect(error("/device/ip")).toMatch(/not JSON Pointers/);
    expect(error("a..b")).toMatch(/two dots/);
    expect(error("a.")).toMatch(/ends with a dot/);
    expect(error("tok*en")).toMatch(/write it quoted: "tok\*en"/);
    expect(error("**")).toMatch(/whole document/);
    expect(error('"open')).toMatch(/not closed/);
    expect(error("a[b]")).toMatch(/inside \[ \]/);
    expect(error('"a"b')).toMatch(/expected "\." or "\["/);
  });

  it("formats canonically, and the canonical form reads back the same", () => {
    for (const text of ["device.ip", "**.token", "cart.address.*", '"a.b".c', 'x."*"', '"with space".y', "a/b.c"]) {
      const formatted = formatMaskPattern(tokensOf(text));
      expect(tokensOf(formatted)).toEqual(tokensOf(text));
    }
    expect(formatMaskPattern(tokensOf('["a.b"].c'))).toBe('"a.b".c');
    expect(formatMaskPattern(tokensOf("items[*].token"))).toBe("items.*.token");
  });

  it("splits a configured list on commas outside quotes", () => {
    expect(splitPatternList('device.ip, **.token,\n"a,b".c ,, cart.address.*')).toEqual(["device.ip", "**.token", '"a,b".c', "cart.address.*"]);
    expect(splitPatternList('"x\\",y".z')).toEqual(['"x\\",y".z']);
  });
});

describe("MaskMatcher", () => {
  it("matches exact paths, one level with *, any depth with **", () => {
    const m = matcher("device.ip", "cart.address.*", "**.token");
    expect(m.matchesPath(["device", "ip"])).toBe(true);
    expect(m.matchesPath(["device", "os"])).toBe(false);
    expect(m.matchesPath(["device"])).toBe(false);
    expect(m.matchesPath(["cart", "address", "street"])).toBe(true);
    expect(m.matchesPath(["cart", "address"])).toBe(false);
    expect(m.matchesPath(["cart", "address", "street", "line1"])).toBe(true); // below a masked value
    expect(m.matchesPath(["token"])).toBe(true); // ** may be empty
    expect(m.matchesPath(["a", "b", 3, "token"])).toBe(true);
    expect(m.matchesPath(["tokens"])).toBe(false);
  });

  it("matches array indexes with * and [n], and digit keys alike", () => {
    const m = matcher("items.*.secret", "slots[1]");
    expect(m.matchesPath(["items", 0, "secret"])).toBe(true);
    expect(m.matchesPath(["items", "k", "secret"])).toBe(true);
    expect(m.matchesPath(["slots", 1])).toBe(true);
    expect(m.matchesPath(["slots", "1"])).toBe(true);
    expect(m.matchesPath(["slots", 0])).toBe(false);
  });

  it("matches keys with dots, slashes and stars only literally", () => {
    const m = matcher('"a.b".c', "headers.x/real-ip", 'odd."*"');
    expect(m.matchesPath(["a.b", "c"])).toBe(true);
    expect(m.matchesPath(["a", "b", "c"])).toBe(false);
    expect(m.matchesPath(["headers", "x/real-ip"])).toBe(true);
    expect(m.matchesPath(["headers", "x", "real-ip"])).toBe(false);
    expect(m.matchesPath(["odd", "*"])).toBe(true);
    expect(m.matchesPath(["odd", "anything"])).toBe(false);
  });

  it("handles ** in the middle and at the end", () => {
    const m = matcher("upstream.**.secret", "vault.**");
    expect(m.matchesPath(["upstream", "secret"])).toBe(true);
    expect(m.matchesPath(["upstream", "x", "y", "secret"])).toBe(true);
    expect(m.matchesPath(["other", "secret"])).toBe(false);
    expect(m.matchesPath(["vault"])).toBe(true); // "**" may match nothing
    expect(m.matchesPath(["vault", "a"])).toBe(true);
  });

  it("an empty matcher matches nothing", () => {
    const m = new MaskMatcher([]);
    expect(m.isEmpty).toBe(true);
    expect(m.matchesPath(["token"])).toBe(false);
  });
});

describe("maskJson", () => {
  const data = () =>
    parseJson(
      '{"plan":"pro","device":{"os":"iOS","ip":"203.0.113.7"},"cart":{"address":{"street":"1 Main St","zip":"12345"},"items":[{"sku":"a","token":"t1"},{"sku":"b"}]},"upstream":{"token":"secret-xyz","n":9223372036854775807},"a.b":{"c":"dotted"},"__proto__":{"token":"p"}}',
    ) as Record<string, unknown>;

  it("hides every masked value whole, shares the rest, keeps key order and exact numbers", () => {
    const input = data();
    const { value, maskedPaths } = maskJson(input, matcher("device.ip", "cart.address", "**.token", '"a.b".c'));
    const text = layoutJson(value);
    for (const secret of ["203.0.113.7", "1 Main St", "t1", "secret-xyz", "dotted", '"p"']) expect(text).not.toContain(secret);
    expect(maskedPaths).toEqual([["device", "ip"], ["cart", "address"], ["cart", "items", 0, "token"], ["upstream", "token"], ["a.b", "c"], ["__proto__", "token"]]);
    const masked = value as Record<string, any>;
    expect(masked.cart.address).toBe(MASKED_TEXT);
    expect(Object.keys(masked)).toEqual(Object.keys(input));
    expect(Object.prototype.hasOwnProperty.call(masked, "__proto__")).toBe(true);
    expect(stringifyJson(masked.upstream.n)).toBe("9223372036854775807");
    expect(masked.upstream.n).toBeInstanceOf(JsonNumber);
    expect(masked.cart.items[1]).toBe((input as any).cart.items[1]); // shared, not copied
    expect(layoutJson(input)).toContain("secret-xyz"); // the input is untouched
  });

  it("returns the same object when nothing matches", () => {
    const input = { a: 1 };
    expect(maskJson(input, matcher("device.ip")).value).toBe(input);
  });
});

describe("restoreMaskedValues", () => {
  const m = matcher("device.ip", "**.token");
  const real = () => parseJson('{"plan":"free","device":{"ip":"203.0.113.7","os":"iOS"},"items":[{"token":"t1"}],"n":1.0}') as Record<string, unknown>;

  it("puts the real values back where the placeholder stands, byte for byte", () => {
    const edited = maskJson(real(), m).value as Record<string, any>;
    edited.plan = "pro";
    const restored = restoreMaskedValues(edited, real(), m);
    expect(restored.ok).toBe(true);
    if (!restored.ok) return;
    expect(stringifyJson(restored.value)).toBe('{"plan":"pro","device":{"ip":"203.0.113.7","os":"iOS"},"items":[{"token":"t1"}],"n":1.0}');
    expect(restored.restored).toBe(2);
  });

  it("refuses changing or deleting a hidden value", () => {
    const changed = maskJson(real(), m).value as Record<string, any>;
    changed.device = { ...changed.device, ip: "1.1.1.1" };
    const refused = restoreMaskedValues(changed, real(), m);
    expect(refused).toMatchObject({ ok: false, paths: ["device.ip (changed)"] });

    const deleted = maskJson(real(), m).value as Record<string, any>;
    deleted.items = [];
    expect(restoreMaskedValues(deleted, real(), m)).toMatchObject({ ok: false, paths: ["items[0].token (deleted)"] });
  });

  it("refuses the placeholder where no hidden value is, but allows a new value at a masked path", () => {
    const stray = maskJson(real(), m).value as Record<string, any>;
    stray.copy = MASKED_TEXT;
    expect(restoreMaskedValues(stray, real(), m)).toMatchObject({ ok: false, paths: ["copy"] });

    const added = maskJson(real(), m).value as Record<string, any>;
    added.items = [...added.items, { token: "new-one" }];
    const restored = restoreMaskedValues(added, real(), m);
    expect(restored.ok && stringifyJson(restored.value)).toContain('"token":"new-one"');
  });

  it("keeps a value that literally is the placeholder text in the real data", () => {
    const literal = { note: MASKED_TEXT, device: { ip: "x" } };
    const edited = maskJson(literal, m).value as Record<string, unknown>;
    expect(restoreMaskedValues(edited, literal, m)).toMatchObject({ ok: true, value: literal });
  });
});

describe("maskPatch and maskChangeSummary", () => {
  const m = matcher("device.ip", "**.token");

  it("masks values that land on or contain a masked path", () => {
    const ops = [
      { op: "replace", path: "/device/ip", value: "1.2.3.4" },
      { op: "add", path: "/upstream", value: { token: "abc", keep: 1 } },
      { op: "add", path: "/plan", value: "pro" },
      { op: "remove", path: "/items/0/token" },
      { op: "add", path: "", value: { device: { ip: "9.9.9.9" } } },
    ];
    expect(maskPatch(ops, m)).toEqual([
      { op: "replace", path: "/device/ip", value: MASKED_TEXT },
      { op: "add", path: "/upstream", value: { token: MASKED_TEXT, keep: 1 } },
      { op: "add", path: "/plan", value: "pro" },
      { op: "remove", path: "/items/0/token" },
      { op: "add", path: "", value: { device: { ip: MASKED_TEXT } } },
    ]);
  });

  it("masks summary details on masked paths and object previews that may hold one", () => {
    const summary = {
      count: 3,
      text: '3 changes: + upstream, ~ device.ip "1" → "2", ~ plan "free" → "pro"',
      items: [
        { symbol: "+" as const, path: "upstream", detail: '{"token":"abc"}' },
        { symbol: "~" as const, path: "device.ip", detail: '"1" → "2"' },
        { symbol: "~" as const, path: "plan", detail: '"free" → "pro"' },
      ],
    };
    const masked = maskChangeSummary(summary, m);
    expect(masked.items.map((item) => item.detail)).toEqual([MASKED_TEXT, `${MASKED_TEXT} → ${MASKED_TEXT}`, '"free" → "pro"']);
    expect(masked.text).not.toContain("abc");
    expect(masked.text).not.toContain('"1" → "2"');
    expect(masked.text).toContain('"free" → "pro"');
  });
});
