import type { StaffEvent } from "~/staff/events.server";
import { formatDateTime } from "~/utils/format";

const VERBS: Record<StaffEvent["action"], string> = {
  create: "created",
  "set-role": "changed the role of",
  disable: "disabled",
  enable: "enabled",
  "api-token-create": "made an API token for",
  "api-token-revoke": "revoked an API token of",
  "totp-enrol": "set up two-step sign-in for",
  "totp-recovery-codes": "made new recovery codes for",
  "totp-disable": "turned off two-step sign-in for",
  "totp-reset": "reset the two-step sign-in of",
  "require-totp": "changed whether two-step sign-in is required for",
};

/** A setting's event reads as a sentence of its own; an account's names the account. */
const OWN: Partial<Record<StaffEvent["action"], string>> = {
  "totp-enrol": "set up two-step sign-in for their own account",
  "totp-recovery-codes": "made new recovery codes for their own account",
  "totp-disable": "turned off two-step sign-in for their own account",
};

function describe(event: StaffEvent): string | null {
  if (event.action === "require-totp") {
    return event.detail === "on" ? "required two-step sign-in for everyone who signs in with a password" : "stopped requiring two-step sign-in";
  }
  const own = event.actorEmail === event.targetEmail ? OWN[event.action] : undefined;
  return own ? `${own}${event.detail ? ` ${event.detail}` : ""}` : null;
}

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
                {event.actorEmail ?? "npm run staff (on the server)"}{" "}
                {describe(event) ?? (
                  <>
                    {VERBS[event.action]} <span className="mono">{event.targetEmail}</span>
                    {event.detail ? ` ${event.detail}` : ""}
                  </>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
