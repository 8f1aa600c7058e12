import { Form, useNavigation } from "@remix-run/react";
import { ConfirmSubmit } from "~/components/confirm-submit";
import type { MaskingEvent, StoredMaskPattern } from "~/masking/settings.server";
import { ROLE_DESCRIPTIONS, STAFF_ROLES, type StaffRole } from "~/staff/roles";
import { formatDateTime } from "~/utils/format";

export function MaskPatternsTable({ patterns, reasonRequired }: { patterns: StoredMaskPattern[]; reasonRequired: boolean }) {
  return (
    <section className="card overflow-x-auto" aria-labelledby="mask-patterns-heading">
      <h2 id="mask-patterns-heading" className="px-4 pt-3 text-sm font-semibold">
        Masked paths
      </h2>
      {patterns.length === 0 ? (
        <p className="px-4 pb-4 pt-2 text-sm text-slate-500">Nothing is masked. Add a pattern below, e.g. device.ip or **.token.</p>
      ) : (
        <table className="mt-2 w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-1.5 font-medium">
                Pattern
              </th>
              <th scope="col" className="px-4 py-1.5 font-medium">
                Tenant
              </th>
              <th scope="col" className="px-4 py-1.5 font-medium">
                Added
              </th>
              <th scope="col" className="px-4 py-1.5 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {patterns.map((pattern) => (
              <tr key={pattern.id}>
                <td className="mono px-4 py-1.5 break-all">{pattern.pattern}</td>
                <td className="px-4 py-1.5">{pattern.tenantId ? <span className="mono">{pattern.tenantId}</span> : <span className="text-slate-500">every tenant</span>}</td>
                <td className="px-4 py-1.5 text-slate-500">
                  {formatDateTime(Date.parse(pattern.createdAt))} · {pattern.createdByEmail ?? "at start-up"}
                </td>
                <td className="px-4 py-1.5 text-right">
                  <ConfirmSubmit
                    intent="remove-pattern"
                    fields={{ id: pattern.id }}
                    label="Remove"
                    confirmLabel={`Unmask ${pattern.pattern}`}
                    small
                    reason={{ required: reasonRequired, label: `Why stop masking ${pattern.pattern}?` }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function MaskPatternForm({ problem, reasonRequired }: { problem?: { message: string; kept: { pattern: string; tenantId: string; reason: string } }; reasonRequired: boolean }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "add-pattern";
  return (
    <section className="card p-4" aria-labelledby="mask-add-heading">
      <h2 id="mask-add-heading" className="text-sm font-semibold">
        Mask a path
      </h2>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Keys joined by dots: <span className="mono">device.ip</span>. <span className="mono">*</span> is any one key or array index (
        <span className="mono">cart.address.*</span>, <span className="mono">items[*].token</span>), <span className="mono">**</span> any depth (
        <span className="mono">**.token</span>). A key with a dot, star, quote or space is quoted: <span className="mono">"a.b".c</span> or{" "}
        <span className="mono">["a.b"].c</span>; a slash needs no quoting. The whole value at a matching path is hidden.
      </p>
      {/* A new key after a successful add empties the form (client navigation keeps inputs otherwise). */}
      <Form method="post" className="mt-3 grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]" key={problem ? "problem" : "clean"}>
        <input type="hidden" name="intent" value="add-pattern" />
        <div>
          <label className="label" htmlFor="mask-pattern">
            Pattern
          </label>
          <input
            id="mask-pattern"
            name="pattern"
            className="input mono"
            required
            defaultValue={problem?.kept.pattern}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? "mask-pattern-problem" : undefined}
            placeholder="e.g. **.token"
          />
          {problem ? (
            <p id="mask-pattern-problem" role="alert" className="mt-1 text-sm text-rose-700 dark:text-rose-300">
              {problem.message}
            </p>
          ) : null}
        </div>
        <div>
          <label className="label" htmlFor="mask-tenant">
            Tenant (optional: empty = every tenant)
          </label>
          <input id="mask-tenant" name="tenantId" className="input mono" defaultValue={problem?.kept.tenantId} placeholder="e.g. public" />
        </div>
        <div className="sm:col-span-2">
          <label className="label" htmlFor="mask-add-reason">
            Reason {reasonRequired ? "(required)" : "(optional)"} — kept with the change
          </label>
          <input id="mask-add-reason" name="reason" className="input" required={reasonRequired} maxLength={2000} defaultValue={problem?.kept.reason} placeholder="e.g. Ticket #4521: upstream tokens are secrets" />
        </div>
        <div>
          <button type="submit" className="btn-primary" disabled={busy}>
            {busy ? "Adding…" : "Mask this path"}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function MaskRolesForm({ maskedRoles, reasonRequired }: { maskedRoles: Record<StaffRole, boolean>; reasonRequired: boolean }) {
  return (
    <section className="card p-4" aria-labelledby="mask-roles-heading">
      <h2 id="mask-roles-heading" className="text-sm font-semibold">
        Who sees masked values
      </h2>
      <ul className="mt-2 divide-y divide-slate-100 text-sm dark:divide-slate-800">
        {STAFF_ROLES.map((role) => (
          <li key={role} className="flex flex-wrap items-center gap-3 py-2">
            <span className="w-16 font-medium">{role}</span>
            <span className="flex-1 text-slate-500">{ROLE_DESCRIPTIONS[role]}</span>
            <span className={`badge ${maskedRoles[role] ? "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200" : "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200"}`}>
              {maskedRoles[role] ? "sees •••• (masked)" : "sees every value"}
            </span>
            <ConfirmSubmit
              intent="set-role"
              fields={{ role, masked: String(!maskedRoles[role]) }}
              label={maskedRoles[role] ? "Show every value" : "Mask for this role"}
              confirmLabel={maskedRoles[role] ? `Show ${role}s every value` : `Mask values for ${role}s`}
              small
              reason={{ required: reasonRequired, label: `Why change what ${role}s see?` }}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

const VERBS: Record<MaskingEvent["action"], string> = {
  "pattern-added": "masked",
  "pattern-removed": "stopped masking",
  "role-changed": "changed who sees masked values:",
  seeded: "set up masked paths",
};

/** Changes to the masking settings, newest first (append-only). Reveals are in the audit trail. */
export function MaskingEventsList({ events }: { events: MaskingEvent[] }) {
  return (
    <section className="card p-4" aria-labelledby="masking-events-heading">
      <h2 id="masking-events-heading" className="text-sm font-semibold">
        Recent changes to masking
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
                {event.actorEmail ?? "Start-up"} {VERBS[event.action]} <span className="mono">{event.detail}</span>
                {event.reason ? <span className="text-slate-500"> — “{event.reason}”</span> : null}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
