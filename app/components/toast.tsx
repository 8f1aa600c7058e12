import { useEffect, useState } from "react";

export interface ToastMessage {
  kind: "success" | "error" | "info";
  title: string;
  description?: string;
}

const tone: Record<ToastMessage["kind"], string> = {
  success: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100",
  error: "border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100",
  info: "border-slate-300 bg-white text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100",
};

/** Shows the message an action left after its redirect. Announced to screen readers; dismissible. */
export function ToastViewport({ toast }: { toast: ToastMessage | null }) {
  const [visible, setVisible] = useState<ToastMessage | null>(toast);
  useEffect(() => {
    setVisible(toast);
    if (!toast) return;
    const timer = setTimeout(() => setVisible(null), 8_000);
    return () => clearTimeout(timer);
  }, [toast]);
  return (
    <div aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2">
      {visible ? (
        <div role="status" className={`pointer-events-auto rounded-lg border p-3 shadow-lg ${tone[visible.kind]}`} data-testid="toast">
          <div className="flex items-start gap-2">
            <div className="flex-1">
              <p className="text-sm font-semibold">{visible.title}</p>
              {visible.description ? <p className="mt-0.5 text-sm opacity-80">{visible.description}</p> : null}
            </div>
            <button type="button" className="text-xs opacity-60 hover:opacity-100" onClick={() => setVisible(null)} aria-label="Dismiss">
              ✕
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
