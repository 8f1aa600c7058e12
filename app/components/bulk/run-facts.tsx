import { Link } from "@remix-run/react";
import { describeChange, type RunSummary } from "~/bulk/types";
import { showInvisibleCharacters } from "~/utils/visible-text";

const when = (iso: string | null) => (iso ? `${iso.slice(0, 19).replace("T", " ")} UTC` : "—");

const SCOPE_TEXT = { all: "All of the user’s sessions", selected: "Sessions selected in the table", tenant: "One tenant" } as const;
const RETRY_TEXT = { failed: "the failed sessions", changed: "the sessions changed since preview", "not-attempted": "the sessions not attempted" } as const;

/** The change and its history: what, which sessions, why, who and when. */
export function RunFacts({ run }: { run: RunSummary }) {
  return (
    <section className="card p-4" aria-label="The change">
      <dl className="grid gap-x-6 gap-y-1.5 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-slate-500">Change</dt>
        <dd className="font-medium" data-testid="change-description">
          {describeChange(run)}
        </dd>
        <dt className="text-slate-500">Key path</dt>
        <dd className="mono">
          {run.keyPath} <span className="text-slate-500">(pointer {showInvisibleCharacters(run.pointer)})</span>
        </dd>
        {run.operation === "set" ? (
          <>
            <dt className="text-slate-500">Value</dt>
            <dd>
              <pre className="mono max-h-32 overflow-auto whitespace-pre-wrap break-all">{run.valueJson}</pre>
            </dd>
          </>
        ) : null}
        <dt className="text-slate-500">Sessions</dt>
        <dd>
          {SCOPE_TEXT[run.scope]}
          {run.tenantId ? <span className="mono"> {run.tenantId}</span> : null}
          {run.parentRunId ? (
            <>
              {" "}
              — {run.retryOf ? RETRY_TEXT[run.retryOf] : "the same change again"} of{" "}
              <Link to={`/bulk/runs/${run.parentRunId}`} className="mono text-indigo-700 hover:underline dark:text-indigo-300">
                run {run.parentRunId.slice(-8)}
              </Link>
            </>
          ) : null}
        </dd>
        <dt className="text-slate-500">Reason</dt>
        <dd className="whitespace-pre-wrap">{run.reason ?? "—"}</dd>
        <dt className="text-slate-500">Dry run</dt>
        <dd>
          {when(run.plannedAt ?? run.createdAt)} by {run.staff.displayName} <span className="mono text-slate-500">{run.staff.email}</span>
        </dd>
        {run.startedAt ? (
          <>
            <dt className="text-slate-500">Applied</dt>
            <dd>
              {when(run.startedAt)} by {run.appliedBy ?? "—"}
              {run.resumedCount > 0 ? ` · resumed ${run.resumedCount} ${run.resumedCount === 1 ? "time" : "times"}` : ""}
              {run.finishedAt ? ` · finished ${when(run.finishedAt)}` : ""}
            </dd>
          </>
        ) : null}
        {run.cancelRequestedBy ? (
          <>
            <dt className="text-slate-500">Cancelled by</dt>
            <dd>{run.cancelRequestedBy}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
