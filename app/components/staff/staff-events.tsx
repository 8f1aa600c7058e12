import type { StaffEvent } from "~/staff/events.server";
import { formatDateTime } from "~/utils/format";

const VERBS: Record<StaffEvent["action"], string> = {
  create: "created",
  "set-role": "changed the role of",
  disable: "disabled",
  enable: "enabled",
  "api-token-create": "made an API token for",
  "api-token-revoke": "revoked an API token of",
};

/** The latest changes to staff accounts, newest first; the record itself is append-only. */
export function StaffEventsList({ events }: { events: StaffEvent[] }) {
  return (
    <section className="card p-4" aria-labelledby="staff-events-heading">
      <h2 id="staff-events-heading" className="text-sm font-semibold">
        Recent changes to staff accounts
      </h2>
      {events.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">No changes yet.</p>
      ) : (
        <ol className="mt-2 divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {events.map((event) => (
            <li key={event.id} className="flex flex-wrap gap-x-2 py-1.5">
              <time className="text-slate-500" dateTime={event.at}>
                {formatDateTime(Date.parse(event.at))}
              </time>
              <span>
                {event.actorEmail ?? "npm run staff (on the server)"} {VERBS[event.action]} <span className="mono">{event.targetEmail}</span>
                {event.detail ? ` ${event.detail}` : ""}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
