// Short renderings of values and sizes for summaries and error messages.

import { stringifyJson } from "./exact-number";
import { isPlainObject } from "./value";

/** "512 bytes", "12.5 KiB", "1.3 MiB". Locale-free so server and browser render the same text. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  const [amount, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KiB"] : [bytes / (1024 * 1024), "MiB"];
  const rounded = Math.round(amount * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${unit}`;
}

/**
 * Compact JSON of `value`, cut at about `maxChars` characters with "…". Stops serialising once the
 * budget is spent, so previewing a large subtree stays cheap. Never splits an emoji in half.
 */
export function previewValue(value: unknown, maxChars = 40): string {
  const parts: string[] = [];
  let used = 0;
  const push = (text: string): boolean => {
    parts.push(text);
    used += text.length;
    return used <= maxChars;
  };
  const write = (node: unknown): boolean => {
    if (Array.isArray(node)) {
      if (!push("[")) return false;
      for (let i = 0; i < node.length; i++) {
        if ((i > 0 && !push(",")) || !write(node[i])) return false;
      }
      return push("]");
    }
    if (isPlainObject(node)) {
      if (!push("{")) return false;
      let first = true;
      for (const key of Object.keys(node).sort()) {
        if (node[key] === undefined) continue;
        if (!push((first ? "" : ",") + JSON.stringify(key) + ":") || !write(node[key])) return false;
        first = false;
      }
      return push("}");
    }
    return push((stringifyJson(node) as string | undefined) ?? "null");
  };
  write(value);
  const text = parts.join("");
  if (text.length <= maxChars) return text;
  let cut = Math.max(1, maxChars - 1);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep surrogate pairs together
  return text.slice(0, cut) + "…";
}
