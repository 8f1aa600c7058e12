// JSON the way the real core's Gson handles it, where JavaScript's JSON would differ:
// - numbers keep their literal text (Gson's LazilyParsedNumber): 1.0, 1e3, 12345678901234567890
//   come back exactly as sent;
// - object keys keep their order even when they look like integers ("2", "10"), which a JS object
//   would reorder; a duplicate key keeps its first position and takes the last value;
// - strings are escaped like Gson's JsonWriter (U+2028/U+2029 escaped, non-ASCII kept raw).
// User data (session data, JWT payload, metadata) is therefore kept as canonical text and spliced
// into responses through RawJson instead of going through JS objects.

export type JNode =
  | { t: "obj"; entries: Array<[string, JNode]> }
  | { t: "arr"; items: JNode[] }
  | { t: "str"; v: string }
  | { t: "num"; raw: string }
  | { t: "bool"; v: boolean }
  | { t: "null" };

/** Already-serialised JSON to embed verbatim in a response. */
export class RawJson {
  constructor(readonly text: string) {}
}

export class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

// ---------------- parsing ----------------

export function parseJsonNode(text: string): JNode {
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(`${msg} at position ${i}`);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const value = (depth: number): JNode => {
    if (depth > 2000) fail("nesting too deep");
    ws();
    if (i >= n) fail("unexpected end");
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: Array<[string, JNode]> = [];
      const index = new Map<string, number>();
      ws();
      if (text[i] === "}") {
        i++;
        return { t: "obj", entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a name");
        const key = str();
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        const v = value(depth + 1);
        const at = index.get(key);
        if (at === undefined) {
          index.set(key, entries.length);
          entries.push([key, v]);
        } else {
          entries[at] = [key, v];
        }
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return { t: "obj", entries };
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const items: JNode[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { t: "arr", items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return { t: "arr", items };
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { t: "str", v: str() };
    if (text.startsWith("true", i)) {
      i += 4;
      return { t: "bool", v: true };
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return { t: "bool", v: false };
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return { t: "null" };
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail("unexpected character");
    i += m![0].length;
    return { t: "num", raw: m![0] };
  };
  const str = (): string => {
    // at opening quote
    i++;
    let out = "";
    let start = i;
    for (;;) {
      if (i >= n) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
            out += '"';
            break;
          case "\\":
            out += "\\";
            break;
          case "/":
            out += "/";
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const h = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) fail("bad unicode escape");
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
            break;
          }
          default:
            fail("bad escape");
        }
        start = i;
        continue;
      }
      if (c < 0x20) fail("control character in string");
      i++;
    }
  };
  const root = value(0);
  ws();
  if (i !== n) fail("trailing characters");
  return root;
}

// ---------------- conversions ----------------

export function nodeToJs(node: JNode): unknown {
  switch (node.t) {
    case "obj": {
      const o: Record<string, unknown> = {};
      for (const [k, v] of node.entries) o[k] = nodeToJs(v);
      return o;
    }
    case "arr":
      return node.items.map(nodeToJs);
    case "str":
      return node.v;
    case "num":
      return Number(node.raw);
    case "bool":
      return node.v;
    case "null":
      return null;
  }
}

export function jsToNode(v: unknown): JNode {
  if (v === null || v === undefined) return { t: "null" };
  if (v instanceof RawJson) return parseJsonNode(v.text);
  if (typeof v === "string") return { t: "str", v };
  if (typeof v === "number") return { t: "num", raw: Number.isFinite(v) ? String(v) : "null" };
  if (typeof v === "boolean") return { t: "bool", v };
  if (Array.isArray(v)) return { t: "arr", items: v.map(jsToNode) };
  if (typeof v === "object") {
    return {
      t: "obj",
      entries: Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, jsToNode(x)] as [string, JNode]),
    };
  }
  return { t: "null" };
}

/** Gson JsonWriter string escaping (not HTML-safe, as JsonElement.toString uses). */
export function gsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep =
        c === 0x09 ? "\\t" : c === 0x08 ? "\\b" : c === 0x0a ? "\\n" : c === 0x0d ? "\\r" : c === 0x0c ? "\\f" : `\\u${c.toString(16).padStart(4, "0")}`;
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = "\\\\";
    else if (c === 0x2028) rep = "\\u2028";
    else if (c === 0x2029) rep = "\\u2029";
    else if (c >= 0xd800 && c <= 0xdfff) {
      // Java's UTF-8 encoder writes "?" for an unpaired surrogate.
      const isHigh = c <= 0xdbff;
      const next = s.charCodeAt(i + 1);
      if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = "?";
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

export function nodeToText(node: JNode): string {
  switch (node.t) {
    case "obj":
      return `{${node.entries.map(([k, v]) => `${gsonString(k)}:${nodeToText(v)}`).join(",")}}`;
    case "arr":
      return `[${node.items.map(nodeToText).join(",")}]`;
    case "str":
      return gsonString(node.v);
    case "num":
      return node.raw;
    case "bool":
      return node.v ? "true" : "false";
    case "null":
      return "null";
  }
}

/** Serialise a response value: plain objects in insertion order, undefined members left out, RawJson verbatim. */
export function toGsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return gsonString(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(toGsonText).join(",")}]`;
  if (typeof v === "object") {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      parts.push(`${gsonString(k)}:${toGsonText(x)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return "null";
}

/** Canonical (Gson) text of an object given as text or node. */
export function canonical(text: string): string {
  return nodeToText(parseJsonNode(text));
}

export function objectEntries(node: JNode): Array<[string, JNode]> {
  if (node.t !== "obj") throw new Error("not an object");
  return node.entries;
}
