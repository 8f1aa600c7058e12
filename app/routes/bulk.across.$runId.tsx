/**
 * A bulk run across users (admins only), from its dry run to its report: the entries that matched no
 * user or more than one, the four-eyes approval when the run is large, the dry run's distinct changes,
 * then the live progress (the one-user run's own), the per-user report, the per-session report and the
 * CSV downloads. Everything comes from the database, so any instance shows the same run.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { runCrossUserIntent } from "~/bulk/cross-user/actions.server";
import { approvalOf, entryCounts, listCrossUserItems, listEntries, sourceOf, userReport } from "~/bulk/cross-user/store.server";
import { UNRESOLVED_STATUSES } from "~/bulk/cross-user/types";
import { getRun, getRunRow, listChangeGroups, type ItemFilter } from "~/bulk/store.server";
import { describeChange, ITEM_OUTCOMES, ITEMS_PAGE_SIZE, PLAN_VERDICTS, type ItemOutcome, type PlanVerdict } from "~/bulk/types";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { ChangeGroups } from "~/components/bulk/change-groups";
import { ApprovalPanel, CrossUserItemsTable, CrossUserRunActions, UnresolvedEntries, UserReportTable } from "~/components/bulk/cross-user/run-parts";
import { PlanCountTiles, RunProgressView } from "~/components/bulk/run-progress";
import { ErrorBoundary } from "~/components/route-error-boundary";
import { requireStaff } from "~/staff/guard.server";
import { formatCount } from "~/utils/format";
import { readFormData } from "~/utils/request-input.server";

export { ErrorBoundary };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? describeChange(data.run) : "Bulk run"} across users · Session Desk` }];

const runIdSchema = z.string().regex(/^[0-9a-f]{16,40}$/, "not a bulk run id");
const SHOW_VALUES = ["all", "pending", ...PLAN_VERDICTS, ...ITEM_OUTCOMES] as const;
const querySchema = z.object({
  /** users: the per-user report; sessions: the per-session one; changes: the dry run's distinct changes. */
  view: z.enum(["users", "sessions", "changes"]).optional().catch(undefined),
  show: z.enum(SHOW_VALUES).catch("all"),
  group: z.coerce.number().int().min(0).max(10_000_000).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

function parseRunId(params: { runId?: string }): string {
  const parsed = runIdSchema.safeParse(params.runId);
  if (!parsed.success) throw json({ message: "That is not a bulk run id." }, { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const runId = parseRunId(params);
  const row = await getRunRow(runId);
  if (!row || row.kind !== "users") throw json({ message: "There is no bulk run across users with that id." }, { status: 404 });
  const run = (await getRun(runId))!;
  const search = new URL(request.url).searchParams;
  const query = querySchema.parse({ view: search.get("view") ?? undefined, show: search.get("show") ?? "all", group: search.get("group") ?? undefined, page: search.get("page") ?? 1 });
  const isPlan = run.progress.status === "planned" || run.progress.status === "planning";
  const view = query.view ?? (isPlan ? "changes" : "users");
  const counts = await entryCounts(runId);
  const unresolvedTotal = UNRESOLVED_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  const unresolved = unresolvedTotal > 0 ? await listEntries(runId, UNRESOLVED_STATUSES, 1, 100) : [];
  const base = {
    run,
    isPlan,
    view,
    show: query.show,
    page: query.page,
    counts,
    unresolved,
    unresolvedTotal,
    source: sourceOf(row),
    approval: approvalOf(row),
    canApprove: row.staff_id !== staff.id,
    users: [] as Awaited<ReturnType<typeof userReport>>,
    items: [] as Awaited<ReturnType<typeof listCrossUserItems>>["items"],
    groups: [] as Awaited<ReturnType<typeof listChangeGroups>>["groups"],
  };
  if (view === "users") {
    const users = await userReport(runId, { page: query.page });
    return json({ ...base, users, total: counts.matched });
  }
  if (view === "changes") {
    const { groups, total } = await listChangeGroups(runId, undefined, query.page);
    return json({ ...base, groups, total });
  }
  const filter: ItemFilter =
    query.group !== undefined
      ? { by: "group", seq: query.group }
      : query.show === "all"
        ? { by: "all" }
        : (PLAN_VERDICTS as readonly string[]).includes(query.show)
          ? { by: "plan", value: query.show as PlanVerdict }
          : { by: "outcome", value: query.show as ItemOutcome | "pending" };
  const { items, total } = await listCrossUserItems(runId, filter, query.page);
  return json({ ...base, items, total });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  return runCrossUserIntent({ staff, runId: parseRunId(params), form: await readFormData(request) });
}

const TABS = [
  { view: "users", label: "Per user" },
  { view: "sessions", label: "Per session" },
  { view: "changes", label: "Distinct changes" },
] as const;

export default function CrossUserRunPage() {
  const data = useLoaderData<typeof loader>();
  const { run, isPlan, view, show, page, total, counts } = data;
  const pageCount = Math.max(1, Math.ceil(total / ITEMS_PAGE_SIZE));
  const hrefFor = (value: string) => `?${new URLSearchParams({ view: "sessions", show: value })}`;
  const pageHref = (p: number) => `?${new URLSearchParams({ view, ...(view === "sessions" ? { show } : {}), page: String(p) })}`;
  const source = data.source;
  const pendingApproval = data.approval.status === "pending";
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Bulk runs", to: "/bulk" }, { label: `${isPlan ? "Dry run" : "Run"} ${run.id}` }]} />
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">
          {isPlan ? "Dry run" : "Bulk run"} across users: {describeChange(run)}
        </h1>
        <Link to={`/audit?run=${run.id}`} className="btn btn-sm ml-auto">
          Audit entries of this run
        </Link>
      </div>
      <section className="card p-4" aria-label="The change">
        <dl className="grid gap-x-6 gap-y-1.5 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-slate-500">Change</dt>
          <dd className="font-medium" data-testid="change-description">{describeChange(run)}</dd>
          <dt className="text-slate-500">Users</dt>
          <dd data-testid="users-summary">
            {formatCount(counts.matched)} matched
            {source?.by === "list" ? ` from a list of ${formatCount(source.entries)} ${source.entries === 1 ? "entry" : "entries"}${source.fileName ? ` (${source.fileName})` : ""}` : null}
            {source?.by === "search" ? ` by the search “${source.q}”${source.tenant ? ` in ${source.tenant}` : " in every tenant"}` : null}
            {source?.by === "run" ? (
              <>
                {" "}— the users of{" "}
                <Link to={`/bulk/runs/${source.runId}`} className="mono text-indigo-700 hover:underline dark:text-indigo-300">
                  run {source.runId.slice(-8)}
                </Link>
              </>
            ) : null}
            {data.unresolvedTotal > 0 ? ` · ${formatCount(data.unresolvedTotal)} left out` : ""}
            {counts.duplicate > 0 ? ` · ${formatCount(counts.duplicate)} named a user twice` : ""}
          </dd>
          <dt className="text-slate-500">Sessions</dt>
          <dd>{formatCount(run.progress.total)}, every tenant and linked account of each user</dd>
          <dt className="text-slate-500">Reason</dt>
          <dd className="whitespace-pre-wrap">{run.reason ?? "—"}</dd>
          <dt className="text-slate-500">Dry run</dt>
          <dd>
            {(run.plannedAt ?? run.createdAt).slice(0, 19).replace("T", " ")} UTC by {run.staff.displayName} <span className="mono text-slate-500">{run.staff.email}</span>
          </dd>
          {run.startedAt ? (
            <>
              <dt className="text-slate-500">Applied</dt>
              <dd>
                {run.startedAt.slice(0, 19).replace("T", " ")} UTC by {run.appliedBy ?? "—"}
                {run.resumedCount > 0 ? ` · resumed ${run.resumedCount} ${run.resumedCount === 1 ? "time" : "times"}` : ""}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      {data.unresolvedTotal > 0 ? <UnresolvedEntries entries={data.unresolved} total={data.unresolvedTotal} /> : null}
      <ApprovalPanel approval={data.approval} total={run.progress.total} canApprove={data.canApprove} requestedBy={run.staff.email} planned={run.progress.status === "planned"} />
      {isPlan ? (
        <section aria-label="Dry run" className="space-y-3">
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Nothing has been written. Applying checks each session again: one whose data changed since this dry run is skipped and reported as “changed since preview”.
          </p>
          <PlanCountTiles progress={run.progress} show={view === "sessions" ? show : ""} hrefFor={hrefFor} />
        </section>
      ) : (
        <RunProgressView runId={run.id} initial={run.progress} show={view === "sessions" ? show : ""} hrefFor={hrefFor} />
      )}
      <CrossUserRunActions progress={run.progress} pendingApproval={pendingApproval} />
      <div className="flex flex-wrap items-center gap-2">
        <nav aria-label="Report views" className="flex gap-1">
          {TABS.map((tab) => (
            <Link key={tab.view} to={`?view=${tab.view}`} preventScrollReset className={`btn btn-sm ${view === tab.view ? "ring-2 ring-indigo-500" : ""}`} aria-current={view === tab.view ? "page" : undefined}>
              {tab.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex gap-2">
          <a href={`/bulk/across/${run.id}/report.csv?level=users`} className="btn btn-sm" download>
            Download report per user (CSV)
          </a>
          <a href={`/bulk/across/${run.id}/report.csv?level=sessions`} className="btn btn-sm" download>
            Per session (CSV)
          </a>
        </div>
      </div>
      <section aria-label={view === "users" ? "Per-user report" : view === "sessions" ? "Per-session report" : "Changes in the dry run"} className="card overflow-x-auto">
        {view === "users" ? (
          <UserReportTable rows={data.users} applied={!isPlan} />
        ) : view === "sessions" ? (
          <CrossUserItemsTable items={data.items} applied={!isPlan} />
        ) : (
          <ChangeGroups groups={data.groups} hrefForGroup={(g) => `?${new URLSearchParams({ view: "sessions", group: String(g.firstSeq) })}`} />
        )}
      </section>
      {pageCount > 1 ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm text-slate-600 dark:text-slate-300">
          <p>
            {formatCount(total)} · page {page} of {pageCount}
          </p>
          <div className="flex gap-2">
            {page > 1 ? (
              <Link className="btn btn-sm" to={pageHref(page - 1)} rel="prev">
                Previous
              </Link>
            ) : null}
            {page < pageCount ? (
              <Link className="btn btn-sm" to={pageHref(page + 1)} rel="next">
                Next
              </Link>
            ) : null}
          </div>
        </nav>
      ) : null}
    </div>
  );
}
