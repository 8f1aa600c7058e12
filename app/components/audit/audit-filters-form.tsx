import { Form, Link } from "@remix-run/react";
import type { AuditFilters } from "~/audit/filters";
import { ACTION_LABELS, AUDIT_ACTIONS } from "~/audit/types";

/** A GET form: every filter lands in the URL, so the view can be shared as a link. */
export function AuditFiltersForm({ filters, staffEmails }: { filters: AuditFilters; staffEmails: string[] }) {
  return (
    <Form method="get" className="grid gap-3 p-4 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter the audit trail">
      <div>
        <label className="label" htmlFor="filter-user">
          User id
        </label>
        <input className="input mono" id="filter-user" name="user" defaultValue={filters.user} />
      </div>
      <div>
        <label className="label" htmlFor="filter-staff">
          Staff
        </label>
        <select className="input" id="filter-staff" name="staff" defaultValue={filters.staff ?? ""}>
          <option value="">Anyone</option>
          {staffEmails.map((email) => (
            <option key={email} value={email}>
              {email}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label className="label" htmlFor="filter-session">
          Session handle
        </label>
        <input className="input mono" id="filter-session" name="session" defaultValue={filters.session} />
      </div>
      <div>
        <label className="label" htmlFor="filter-action">
          Action
        </label>
        <select className="input" id="filter-action" name="action" defaultValue={filters.action ?? ""}>
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {ACTION_LABELS[action]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label className="label" htmlFor="filter-from">
          From (UTC)
        </label>
        <input className="input" id="filter-from" name="from" type="date" defaultValue={filters.from} />
      </div>
      <div>
        <label className="label" htmlFor="filter-to">
          To (UTC)
        </label>
        <input className="input" id="filter-to" name="to" type="date" defaultValue={filters.to} />
      </div>
      <div className="flex items-center gap-2 sm:col-span-3 lg:col-span-6">
        <button type="submit" className="btn-primary">
          Apply filters
        </button>
        <Link to="/audit" className="btn">
          Clear
        </Link>
      </div>
    </Form>
  );
}
