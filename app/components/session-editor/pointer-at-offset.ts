/**
 * The JSON Pointer of the value (or object key) at a character offset of JSON text: how a marker of
 * monaco's JSON language (a schema error at line 12, column 9) becomes a node of the tree view.
 * A small scanner over the text, pure; JSON that does not parse gives what was read up to the offset.
 */
import { toPointer, type PathSegment } from "~/json";

type Frame = { kind: "object"; key: string | null; expectKey: boolean } | { kind: "array"; index: number };

export function pointerAtOffset(text: string, offset: number): string | null {
  const stack: Frame[] = [];
  const slot = (): PathSegment[] => stack.map((frame) => (frame.kind === "object" ? (frame.key ?? "") : frame.index));
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === " " || char === "\n" || char === "\r" || char === "\t") continue;
    if (char === "{" || char === "[") {
      if (offset <= i) return toPointer(slot());
      stack.push(char === "{" ? { kind: "object", key: null, expectKey: true } : { kind: "array", index: 0 });
      continue;
    }
    if (char === "}" || char === "]") {
      if (offset <= i) return toPointer(slot().slice(0, -1));
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    if (char === ":") {
      if (top?.kind === "object") top.expectKey = false;
      continue;
    }
    if (char === ",") {
      if (top?.kind === "object") top.expectKey = true;
      else if (top?.kind === "array") top.index += 1;
      continue;
    }
    let end = i + 1;
    if (char === '"') {
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      end += 1;
      if (top?.kind === "object" && top.expectKey) {
        try {
          top.key = JSON.parse(text.slice(i, end)) as string;
        } catch {
          top.key = text.slice(i + 1, end - 1);
        }
        if (offset < end) return toPointer(slot());
        i = end - 1;
        continue;
      }
    } else {
      while (end < text.length && !/[\s,:\]}]/.test(text[end]!)) end += 1;
    }
    if (offset < end) return toPointer(slot());
    i = end - 1;
  }
  return null;
}
