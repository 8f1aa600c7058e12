import { Link } from "@remix-run/react";
import { describeProgress } from "~/bulk/report";
import { describeChange, type RunSummary } from "~/bulk/types";
import { formatCount } from "~/utils/format";
import { RunStatusBadge } from "./run-progress";

/** The user's bulk runs on the user page, newest first: each opens its dry run, progress or report. */
export function BulkRunsList({ runs }: { runs: RunSummary[] }) {
  return (
    <section aria-labelledby="bulk-runs-heading" className="space-y-2">
      <h2 id="bulk-runs-heading" className="text-lg font-semibold">
        Bulk runs
      </h2>
      {runs.length === 0 ? (
        <p className="text-sm text-slate-500">No bulk changes have been made to this user’s sessions.</p>
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
              {runs.map((run) => {
                const { plan, total } = run.progress;
                const applied = run.startedAt !== null;
                return (
                  <tr key={run.id} data-run={run.id}>
                    <td className="td">
                      <Link to={`/bulk/runs/${run.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                        {run.createdAt.slice(0, 19).replace("T", " ")} UTC
                      </Link>
                    </td>
                    <td className="td max-w-[24rem] truncate" title={describeChange(run)}>
                      {describeChange(run)}
                    </td>
                    <td className="td">
                      <RunStatusBadge status={run.progress.status} />
                    </td>
                    <td className="td text-xs text-slate-600 dark:text-slate-300">
                      {applied
                        ? run.progress.status === "running" || run.progress.status === "cancelling"
                          ? describeProgress(run.progress, { status: false })
                          : `${describeProgress(run.progress, { status: false })} — of ${formatCount(total)}`
                        : `${formatCount(plan["will-change"])} will change of ${formatCount(total)}`}
                    </td>
                    <td className="td">{run.staff.displayName}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
