import { Form, Link } from "@remix-run/react";
import type { SessionRow } from "~/sessions/rows";
import { formatCount } from "~/utils/format";
import { DangerZone } from "./danger-zone";
import { SessionsTable } from "./sessions-table";

interface Permissions {
  revoke: boolean;
  revokeAll: boolean;
  bulk: boolean;
}

/** The user's sessions: count, export, bulk and revoke-all actions, and the table. */
/** Revoke-all lives in the danger zone below the table, not among the everyday actions. */
export function UserSessionsSection({ userId, sessions, endedWhileLoading, now, can, reasonRequired }: { userId: string; sessions: SessionRow[]; endedWhileLoading: number; now: number; can: Permissions; reasonRequired: boolean }) {
  const base = `/users/${encodeURIComponent(userId)}`;
  return (
    <>
      {endedWhileLoading > 0 ? (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          {formatCount(endedWhileLoading)} {endedWhileLoading === 1 ? "session" : "sessions"} ended while loading and {endedWhileLoading === 1 ? "is" : "are"} not shown.
        </p>
      ) : null}
      <section aria-labelledby="sessions-heading" className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="sessions-heading" className="text-lg font-semibold">
            Sessions <span className="text-sm font-normal text-slate-500">({formatCount(sessions.length)})</span>
          </h2>
          <div className="ml-auto flex items-center gap-2">
            <a className="btn btn-sm" href={`${base}/export`} download>
              Export JSON
            </a>
            {can.bulk && sessions.length > 0 ? (
              <Link className="btn btn-sm" to={`${base}/bulk`}>
                Apply to sessions
              </Link>
            ) : null}
          </div>
        </div>
        <SessionsTable sessions={sessions} now={now} userId={userId} canRevoke={can.revoke} canSelect={can.bulk} reasonRequired={reasonRequired} />
      </section>
      {can.revokeAll && sessions.length > 0 ? <DangerZone sessionCount={sessions.length} reasonRequired={reasonRequired} /> : null}
    </>
  );
}

/** Shown while a user's sessions stream in (one core read per session: large users take a moment). */
export function UserSessionsLoading() {
  return (
    <section aria-labelledby="sessions-heading" aria-busy="true" className="space-y-2">
      <h2 id="sessions-heading" className="text-lg font-semibold">
        Sessions <span className="text-sm font-normal text-slate-500">(loading…)</span>
      </h2>
      <div className="card space-y-2 p-3" role="status">
        <p className="text-sm text-slate-500">Reading every session from the core…</p>
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-6 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
        ))}
      </div>
    </section>
  );
}

/** The user was found but their sessions could not be read: say why, offer a retry, keep the rest of the page. */
export function UserSessionsFailed({ cause, advice }: { cause: string; advice: string }) {
  return (
    <section aria-labelledby="sessions-heading" className="space-y-2">
      <h2 id="sessions-heading" className="text-lg font-semibold">
        Sessions
      </h2>
      <div role="alert" className="card border-amber-200 p-4 dark:border-amber-900">
        <p className="font-medium">The sessions could not be read from the core</p>
        <p className="mt-1 text-sm">{cause}</p>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{advice}</p>
        <Form method="get" className="mt-3">
          <button type="submit" className="btn-primary">
            Retry
          </button>
        </Form>
      </div>
    </section>
  );
}
