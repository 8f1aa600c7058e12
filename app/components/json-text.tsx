/**
 * Session data shown as inert text: React escapes it, nothing is ever parsed as HTML, so a value like
 * `<img src=x onerror=alert(1)>` is just characters on the screen.
 */
export function JsonText({ value, label, maxHeight = "24rem" }: { value: unknown; label: string; maxHeight?: string }) {
  return (
    <pre aria-label={label} tabIndex={0} className="mono overflow-auto whitespace-pre-wrap break-words rounded-md border border-slate-200 bg-white p-2 text-slate-800 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-200" style={{ maxHeight }}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
