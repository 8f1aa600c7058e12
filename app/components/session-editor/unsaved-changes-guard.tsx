import { useBlocker } from "@remix-run/react";
import { useEffect } from "react";

/**
 * Leaving the page with an unsaved edit asks first: the browser's own prompt for reloads, closed tabs
 * and typed addresses (beforeunload), and this dialog for links inside the dashboard (Remix's
 * useBlocker). Posting the edit stays on this path and is never blocked.
 */
export function UnsavedChangesGuard({ dirty }: { dirty: boolean }) {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  if (blocker.state !== "blocked") return null;
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/40 p-4" role="presentation">
      <div role="alertdialog" aria-modal="true" aria-labelledby="unsaved-title" aria-describedby="unsaved-text" className="card max-w-md p-5">
        <h2 id="unsaved-title" className="text-lg font-semibold">
          Leave without writing?
        </h2>
        <p id="unsaved-text" className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          Your edit of this session's data has not been written to the database. If you leave, it is lost.
        </p>
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className="btn" onClick={() => blocker.reset()} autoFocus>
            Stay and keep editing
          </button>
          <button type="button" className="btn-danger" onClick={() => blocker.proceed()}>
            Leave and discard the edit
          </button>
        </div>
      </div>
    </div>
  );
}
