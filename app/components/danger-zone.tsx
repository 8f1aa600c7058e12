import { Form, useNavigation } from "@remix-run/react";
import { useId, useState } from "react";
import { formatCount } from "~/utils/format";

/**
 * Actions that cannot be undone, kept apart at the foot of the page (as GitHub keeps a repository's
 * destructive settings). Each one opens a form that asks why, and asks for the number of sessions it
 * ends to be typed back, so it is never one stray click away.
 */
export function DangerZone({ sessionCount, reasonRequired }: { sessionCount: number; reasonRequired: boolean }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const navigation = useNavigation();
  const id = useId();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "revoke-all";
  const count = formatCount(sessionCount);
  const matches = typed.trim().replace(/,/g, "") === String(sessionCount);
  const ready = matches && (!reasonRequired || reason.trim().length > 0);
  return (
    <section aria-labelledby="danger-zone-heading" className="rounded-lg border border-rose-200 bg-white dark:border-rose-900/70 dark:bg-slate-900" data-testid="danger-zone">
      <h2 id="danger-zone-heading" className="border-b border-rose-200 px-4 py-2 text-sm font-semibold text-rose-800 dark:border-rose-900/70 dark:text-rose-300">
        Danger zone
      </h2>
      <div className="flex flex-wrap items-center gap-3 px-4 py-3">
        <div className="min-w-0 flex-1">
          <p className="text-sm font-medium">Revoke all sessions</p>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Signs this user out on every device ({count} {sessionCount === 1 ? "session" : "sessions"}). Their session data is deleted by the core; the audit trail keeps a copy.
          </p>
        </div>
        {open ? null : (
          <button type="button" className="btn border-rose-300 text-rose-700 hover:bg-rose-50 dark:border-rose-800 dark:text-rose-300 dark:hover:bg-rose-950" onClick={() => setOpen(true)}>
            Revoke all sessions…
          </button>
        )}
      </div>
      {open ? (
        <Form method="post" className="space-y-3 border-t border-rose-100 px-4 py-3 dark:border-rose-900/50">
          <input type="hidden" name="intent" value="revoke-all" />
          <div>
            <label htmlFor={`${id}-reason`} className="label">
              Reason {reasonRequired ? "(required)" : "(optional)"} — kept in the audit trail
            </label>
            <textarea
              id={`${id}-reason`}
              name="reason"
              className="input"
              rows={2}
              maxLength={1000}
              required={reasonRequired}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              placeholder="e.g. Ticket #4521: account compromised, customer asked to be signed out everywhere"
              autoFocus
            />
          </div>
          <div>
            <label htmlFor={`${id}-count`} className="label">
              Type <span className="mono normal-case text-slate-800 dark:text-slate-200">{sessionCount}</span> to confirm the number of sessions
            </label>
            <input
              id={`${id}-count`}
              name="confirmCount"
              className="input max-w-[12rem] tabular-nums"
              inputMode="numeric"
              autoComplete="off"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              aria-describedby={`${id}-count-help`}
            />
            <p id={`${id}-count-help`} className="mt-1 text-xs text-slate-500">
              If the user signs in or out meanwhile, the number changes and nothing is revoked.
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <button type="submit" className="btn-danger" disabled={!ready || busy}>
              {busy ? "Revoking…" : `Revoke all ${count} ${sessionCount === 1 ? "session" : "sessions"}`}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setOpen(false);
                setTyped("");
              }}
            >
              Cancel
            </button>
          </div>
        </Form>
      ) : null}
    </section>
  );
}
