export interface CoreStatus {
  mode: "bundled" | "external";
  url: string;
  reachable: boolean;
  problem?: { cause: string } | undefined;
}

/** Which core the dashboard talks to, and whether it answers. Visible in the header on every page. */
export function CoreStatusBadge({ status }: { status: CoreStatus }) {
  const healthy = status.reachable && !status.problem;
  const label = status.mode === "bundled" ? "Bundled demo core" : "SuperTokens core";
  return (
    <div
      className="flex items-center gap-2 rounded-md border border-slate-200 px-2 py-1 text-xs dark:border-slate-800"
      title={healthy ? `${label} at ${status.url} is reachable` : status.problem?.cause ?? `${label} at ${status.url} is not reachable`}
      data-testid="core-status"
    >
      <span className={`h-2 w-2 rounded-full ${healthy ? "bg-emerald-500" : "bg-rose-500"}`} aria-hidden />
      <span className="font-medium">{label}</span>
      <span className="mono hidden text-slate-500 md:inline">{status.url}</span>
      <span className={healthy ? "text-emerald-700 dark:text-emerald-400" : "text-rose-700 dark:text-rose-400"}>
        {healthy ? "reachable" : "unavailable"}
      </span>
    </div>
  );
}
