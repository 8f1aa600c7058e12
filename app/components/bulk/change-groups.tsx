import { Link } from "@remix-run/react";
import { PLAN_LABELS, type ChangeGroupView } from "~/bulk/types";
import { formatCount } from "~/utils/format";
import { PlanVerdictText } from "./run-items-table";

const VERDICT_TONE: Record<ChangeGroupView["plan"], string> = {
  "will-change": "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200",
  "already-so": "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  ended: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  "schema-violation": "bg-amber-50 text-amber-800 ring-1 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
  error: "bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-300",
};

/**
 * The dry run as a list of distinct changes, biggest first: "1,000 sessions · + featureFlags.newCheckout
 * true". Each group opens its sessions (?group=…), so 1,000 identical rows are one line to read.
 */
export function ChangeGroups({ groups, hrefForGroup }: { groups: ChangeGroupView[]; hrefForGroup: (group: ChangeGroupView) => string }) {
  if (groups.length === 0) return <p className="p-6 text-center text-sm text-slate-500">No sessions here.</p>;
  return (
    <table className="w-full">
      <thead className="border-b border-slate-200 dark:border-slate-800">
        <tr>
          <th scope="col" className="th w-36">
            Sessions
          </th>
          <th scope="col" className="th w-36">
            Dry run
          </th>
          <th scope="col" className="th">
            Change
          </th>
          <th scope="col" className="th w-32">
            <span className="sr-only">Open</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {groups.map((group) => {
          const sessions = `${formatCount(group.count)} ${group.count === 1 ? "session" : "sessions"}`;
          return (
            <tr key={group.firstSeq} data-group={group.firstSeq} data-plan={group.plan} className="align-top">
              <td className="td text-base font-semibold tabular-nums">{sessions}</td>
              <td className="td">
                <span className={`badge ${VERDICT_TONE[group.plan]}`}>{PLAN_LABELS[group.plan]}</span>
              </td>
              <td className="td max-w-[40rem] whitespace-normal text-sm">
                <PlanVerdictText plan={group.plan} summary={group.summary} note={group.note} label={`Change for ${sessions}`} />
              </td>
              <td className="td text-right">
                <Link to={hrefForGroup(group)} preventScrollReset className="btn btn-sm" aria-label={`Show the ${sessions}: ${PLAN_LABELS[group.plan]}`}>
                  Show {group.count === 1 ? "it" : group.count === 2 ? "both" : "all"}
                </Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
