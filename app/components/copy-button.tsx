import { useState } from "react";

/**
 * Copies `value`. An icon by default; with `text`, a labelled button ("Copy password") whose accessible
 * name leaves the value out (for a secret, the name must not read it aloud).
 */
export function CopyButton({ value, label = "Copy", text }: { value: string; label?: string; text?: string }) {
  const [copied, setCopied] = useState(false);
  if (text) {
    return (
      <button
        type="button"
        className="btn btn-sm"
        onClick={async () => {
          await navigator.clipboard?.writeText(value).catch(() => undefined);
          setCopied(true);
          setTimeout(() => setCopied(false), 1_500);
        }}
      >
        <span aria-live="polite">{copied ? "Copied ✓" : text}</span>
      </button>
    );
  }
  return (
    <button
      type="button"
      className="rounded px-1 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-900 dark:hover:bg-slate-800 dark:hover:text-white"
      aria-label={`${label} ${value}`}
      title={`${label} to clipboard`}
      onClick={async () => {
        await navigator.clipboard?.writeText(value).catch(() => undefined);
        setCopied(true);
        setTimeout(() => setCopied(false), 1_500);
      }}
    >
      {copied ? (
        "✓"
      ) : (
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.5">
          <rect x="5" y="5" width="9" height="9" rx="1.5" />
          <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
        </svg>
      )}
    </button>
  );
}
