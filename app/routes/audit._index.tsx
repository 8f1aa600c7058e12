import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuditFiltersForm } from "~/components/audit/audit-filters-form";
import { AuditTable } from "~/components/audit/audit-table";
import { ErrorBoundary } from "~/components/route-error-boundary";
import { queryAudit } from "~/audit/audit.server";
import { RUN_ACTION } from "~/audit/types";
import { runRollups } from "~/bulk/run-audit.server";
import { auditFiltersToSearch } from "~/audit/filters";
import { parseAuditFilters } from "~/audit/filters.server";
import { listStaffAccounts } from "~/staff/accounts.server";
import { getSessionDataMasker } from "~/masking/policy.server";
import { requireStaff } from "~/staff/guard.server";
import { userContactsById } from "~/users/emails.server";

export { ErrorBoundary };

export const meta: MetaFunction = () => [{ title: "Audit trail · Session Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireStaff(request, "viewer");
  // Bad filter values are dropped and named on the page rather than failing it: it is a read-only view.
  const { filters, problems } = parseAuditFilters(new URL(request.url).searchParams);
  // A bulk run is one row (it may stand for 10,000 per-session entries), unless the filters ask for
  // per-session entries: those of one run, one session, or the per-session action itself.
  const collapseRuns = !filters.run && !filters.session && filters.action !== "bulk-apply-item";
  const [found, staff, masker] = await Promise.all([queryAudit({ ...filters, collapseRuns }), listStaffAccounts(), getSessionDataMasker(viewer)]);
  // Entries carry session data (before, after, patch): masked for this reader before they leave the server.
  const page = { ...found, entries: found.entries.map((entry) => masker.maskAuditEntry(entry)) };
  const [runs, userContacts] = await Promise.all([
    runRollups(page.entries.filter((entry) => entry.action === RUN_ACTION && entry.runId).map((entry) => entry.runId!)),
    userContactsById(page.entries.map((entry) => entry.target.userId)),
  ]);
  return json({ filters, problems, page, runs, collapseRuns, userContacts, staffEmails: staff.map((account) => account.email) });
}

export default function AuditTrail() {
  const { filters, problems, page, runs, collapseRuns, userContacts, staffEmails } = useLoaderData<typeof loader>();
  const first = page.total === 0 ? 0 : (page.page - 1) * page.pageSize + 1;
  const last = Math.min(page.page * page.pageSize, page.total);
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Audit trail</h1>
        <p className="text-sm text-slate-500 dark:text-slate-400">
          Every change made through Session Desk, newest first. Entries are never changed or deleted; one whose outcome is unknown was begun
          but never finished.{collapseRuns ? " A bulk run is one row: open it for its counts by outcome and its per-session entries." : ""}
        </p>
      </div>
      <section className="card">
        <AuditFiltersForm filters={filters} staffEmails={staffEmails} />
      </section>
      {filters.run ? (
        <p className="text-sm">
          The entries of bulk run{" "}
          <Link to={`/bulk/runs/${encodeURIComponent(filters.run)}`} className="mono text-indigo-700 hover:underline dark:text-indigo-300">
            {filters.run}
          </Link>
          : one for the run as a whole, and one per session it wrote or checked.
        </p>
      ) : null}
      {problems.length > 0 ? (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100">
          Ignored filters: {problems.join("; ")}
        </p>
      ) : null}
      <section className="card overflow-x-auto" aria-label="Audit entries">
        <AuditTable entries={page.entries} runs={runs} userContacts={userContacts} />
      </section>
      <nav aria-label="Pages" className="flex items-center justify-between text-sm text-slate-600 dark:text-slate-300">
        <p>{page.total === 0 ? "No entries" : `Entries ${first}–${last} of ${page.total}`}</p>
        <div className="flex items-center gap-2">
          {page.page > 1 ? (
            <Link className="btn btn-sm" to={auditFiltersToSearch(filters, { page: page.page - 1 })} rel="prev">
              Newer
            </Link>
          ) : null}
          <span>
            Page {page.page} of {page.pageCount}
          </span>
          {page.page < page.pageCount ? (
            <Link className="btn btn-sm" to={auditFiltersToSearch(filters, { page: page.page + 1 })} rel="next">
              Older
            </Link>
          ) : null}
        </div>
      </nav>
    </div>
  );
}
