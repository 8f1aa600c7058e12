/**
 * Bulk runs across users, for admins: those waiting for a second admin's approval first, then the
 * newest. Each opens its page; "New run across users" starts one.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCrossUserRuns } from "~/bulk/cross-user/store.server";
import { describeProgress } from "~/bulk/report";
import { toRunSummary } from "~/bulk/store.server";
import { describeChange } from "~/bulk/types";
import { RunStatusBadge } from "~/components/bulk/run-progress";
import { ErrorBoundary } from "~/components/route-error-boundary";
import { requireStaff } from "~/staff/guard.server";
import { formatCount } from "~/utils/format";

export { ErrorBoundary };

export const meta: MetaFunction = () => [{ title: "Bulk runs · Session Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const rows = await listCrossUserRuns(50);
  const runs = await Promise.all(
    rows.map(async (row) => ({
      summary: await toRunSummary(row),
      awaitingApproval: row.status === "planned" && row.approval_status === "pending",
      ownRun: row.staff_id === staff.id,
      approvedBy: row.approved_by,
    })),
  );
  return json({ runs, awaiting: runs.filter((run) => run.awaitingApproval).length });
}

export default function BulkRuns() {
  const { runs, awaiting } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <div>
          <h1 className="text-xl font-semibold">Bulk runs across users</h1>
          <p className="text-sm text-slate-500 dark:text-slate-400">
            {awaiting > 0 ? `${formatCount(awaiting)} waiting for a second admin’s approval. ` : ""}One change to the sessions of many users, with a dry run first.
          </p>
        </div>
        <Link to="/bulk/new" className="btn-primary ml-auto">
          New run across users
        </Link>
      </div>
      {runs.length === 0 ? (
        <p className="card p-6 text-center text-sm text-slate-500">No runs across users yet.</p>
      ) : (
        <div className="card overflow-x-auto">
          <table className="w-full">
            <thead className="border-b border-slate-200 dark:border-slate-800">
              <tr>
                <th scope="col" className="th">When</th>
                <th scope="col" className="th">Change</th>
                <th scope="col" className="th">Status</th>
                <th scope="col" className="th">Sessions</th>
                <th scope="col" className="th">By</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {runs.map(({ summary: run, awaitingApproval, ownRun, approvedBy }) => (
                <tr key={run.id} data-run={run.id} data-awaiting-approval={awaitingApproval ? "true" : undefined}>
                  <td className="td">
                    <Link to={`/bulk/across/${run.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                      {run.createdAt.slice(0, 19).replace("T", " ")} UTC
                    </Link>
                  </td>
                  <td className="td max-w-[24rem] truncate" title={describeChange(run)}>
                    {describeChange(run)}
                  </td>
                  <td className="td">
                    {awaitingApproval ? (
                      <span className="badge bg-amber-50 text-amber-800 ring-1 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800">
                        {ownRun ? "Awaiting another admin’s approval" : "Awaiting your approval"}
                      </span>
                    ) : (
                      <RunStatusBadge status={run.progress.status} />
                    )}
                    {approvedBy ? <span className="block text-xs text-slate-500">approved by {approvedBy}</span> : null}
                  </td>
                  <td className="td text-xs text-slate-600 dark:text-slate-300">
                    {run.startedAt ? describeProgress(run.progress, { status: false }) : `${formatCount(run.progress.plan["will-change"])} will change of ${formatCount(run.progress.total)}`}
                  </td>
                  <td className="td">{run.staff.displayName}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
