import { Form } from "@remix-run/react";

export interface CoreOutageDetails {
  kind: string;
  coreUrl: string;
  coreMode: "bundled" | "external";
  cause: string;
  advice: string;
}

/** The clear page for "the core is down / refuses the key / speaks another CDI". Never a stack trace. */
export function CoreOutage({ problem }: { problem: CoreOutageDetails }) {
  return (
    <div className="mx-auto max-w-2xl py-12" role="alert" aria-labelledby="core-outage-title">
      <div className="card border-rose-200 p-6 dark:border-rose-900">
        <p className="text-xs font-semibold uppercase tracking-wide text-rose-600 dark:text-rose-400">HTTP 503 · core unavailable</p>
        <h1 id="core-outage-title" className="mt-1 text-xl font-semibold">
          Session Desk cannot reach its SuperTokens core
        </h1>
        <dl className="mt-4 grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-500">Core</dt>
          <dd className="mono break-all">{problem.coreUrl}</dd>
          <dt className="text-slate-500">Kind</dt>
          <dd>{problem.coreMode === "bundled" ? "bundled demo core" : "real SuperTokens core"}</dd>
          <dt className="text-slate-500">What happened</dt>
          <dd>{problem.cause}</dd>
          <dt className="text-slate-500">What to do</dt>
          <dd>{problem.advice}</dd>
        </dl>
        <Form method="get" className="mt-6">
          <button type="submit" className="btn-primary">
            Retry
          </button>
        </Form>
        <p className="mt-3 text-xs text-slate-500">Nothing was changed. The dashboard recovers by itself as soon as the core answers again.</p>
      </div>
    </div>
  );
}

/** One call to the core failed (HTTP 500, 429…) while the core as a whole is up: say so, offer a retry. */
export function CoreCallFailed({ problem, status }: { problem: CoreOutageDetails; status: number }) {
  return (
    <div className="mx-auto max-w-2xl py-12" role="alert" aria-labelledby="core-call-title">
      <div className="card border-amber-200 p-6 dark:border-amber-900">
        <p className="text-xs font-semibold uppercase tracking-wide text-amber-700 dark:text-amber-400">HTTP {status} · the core could not answer</p>
        <h1 id="core-call-title" className="mt-1 text-xl font-semibold">
          The SuperTokens core could not complete this request
        </h1>
        <p className="mt-3 text-sm">{problem.cause}</p>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{problem.advice}</p>
        <Form method="get" className="mt-6">
          <button type="submit" className="btn-primary">
            Retry
          </button>
        </Form>
      </div>
    </div>
  );
}
