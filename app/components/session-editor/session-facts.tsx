import { Link } from "@remix-run/react";
import { CopyButton } from "~/components/copy-button";
import { JsonText } from "~/components/json-text";
import type { SessionInfo } from "~/core/sessions.server";
import { formatDateTime, formatRelative } from "~/utils/format";

export type SessionFactsData = Pick<SessionInfo, "sessionHandle" | "userId" | "recipeUserId" | "tenantId" | "timeCreated" | "expiry">;

/** Who and what this session is, and the token claims (read-only, and not the database data). */
export function SessionFacts({ session, now, accessTokenPayload }: { session: SessionFactsData; now: number; accessTokenPayload: Record<string, unknown> }) {
  const userHref = `/users/${encodeURIComponent(session.userId)}`;
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <section aria-labelledby="session-heading" className="card p-4">
        <h1 id="session-heading" className="text-xl font-semibold">
          Session
        </h1>
        <dl className="mt-3 grid gap-x-6 gap-y-1.5 text-sm sm:grid-cols-[9rem_1fr]">
          <dt className="text-slate-500">Handle</dt>
          <dd className="mono flex items-center gap-1 break-all">
            {session.sessionHandle} <CopyButton value={session.sessionHandle} label="Copy session handle" />
          </dd>
          <dt className="text-slate-500">User</dt>
          <dd className="mono break-all">
            <Link to={userHref} className="text-indigo-700 hover:underline dark:text-indigo-300">
              {session.userId}
            </Link>
          </dd>
          <dt className="text-slate-500">Recipe user</dt>
          <dd className="mono break-all">{session.recipeUserId}</dd>
          <dt className="text-slate-500">Tenant</dt>
          <dd className="mono">{session.tenantId}</dd>
          <dt className="text-slate-500">Created</dt>
          <dd>
            {formatDateTime(session.timeCreated)} <span className="text-slate-500">({formatRelative(session.timeCreated, now)})</span>
          </dd>
          <dt className="text-slate-500">Expires</dt>
          <dd>
            {formatDateTime(session.expiry)} <span className="text-slate-500">({formatRelative(session.expiry, now)})</span>
          </dd>
        </dl>
      </section>
      <section aria-labelledby="payload-heading" className="card space-y-2 p-4">
        <h2 id="payload-heading" className="text-sm font-semibold">
          Access-token payload (read-only)
        </h2>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          These are claims inside the user's access token, not the database data below. Changing the database data does not change them; the app sees new
          claims only when the token is refreshed.
        </p>
        <JsonText value={accessTokenPayload} label="Access-token payload" maxHeight="12rem" />
      </section>
    </div>
  );
}
