import { useMemo } from "react";
import { layoutJson, parseJson, prettyJson } from "~/json";
import { showInvisibleInJson } from "~/utils/visible-text";
import { useSortedKeys } from "./key-order";

/**
 * Session data shown as inert text: React escapes it, nothing is ever parsed as HTML, so a value like
 * `<img src=x onerror=alert(1)>` is just characters on the screen. U+2028 and U+2029, which would look like
 * a space, are shown as \u2028 and \u2029 (the same JSON).
 *
 * Give `text` when the JSON text came from the server (loaders send session data as exact text, so every
 * number arrives as the core holds it), or `value` for data parsed in the browser with `parseJson`.
 */
export function JsonText({ label, maxHeight = "24rem", ...source }: { label: string; maxHeight?: string } & ({ text: string } | { value: unknown })) {
  // Keys in stored order as given; sorted A→Z when the page's URL asks for it (key-order.tsx).
  const sorted = useSortedKeys();
  const given = "text" in source ? source.text : undefined;
  const value = "value" in source ? source.value : undefined;
  const text = useMemo(() => {
    if (!sorted) return given ?? layoutJson(value);
    try {
      return prettyJson(given === undefined ? value : parseJson(given));
    } catch {
      return given ?? layoutJson(value);
    }
  }, [sorted, given, value]);
  return (
    <pre aria-label={label} tabIndex={0} className="mono overflow-auto whitespace-pre-wrap break-words rounded-md border border-slate-200 bg-white p-2 text-slate-800 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-200" style={{ maxHeight }}>
      {showInvisibleInJson(text)}
    </pre>
  );
}
