/**
 * One bulk run, from its dry run to its final report: the dry run's counts and per-session diffs with
 * "Apply"; then the live progress and counts, cancel, resume when interrupted; then the per-session
 * report with "Retry failed". Everything comes from the database, so a reload, another tab or another
 * dashboard instance shows the same run. Viewers and editors see it read-only; admins act on it.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { CROSS_USER_RUN } from "~/bulk/cross-user/types";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { runBulkRunIntent } from "~/bulk/actions.server";
import { getChangeGroup, getRun, listChangeGroups, listItems, type ItemFilter } from "~/bulk/store.server";
import { describeChange, ITEM_OUTCOMES, ITEMS_PAGE_SIZE, PLAN_LABELS, PLAN_VERDICTS, type ItemOutcome, type PlanVerdict } from "~/bulk/types";
import { RunActions } from "~/components/bulk/run-actions";
import { RunFacts } from "~/components/bulk/run-facts";
import { ChangeGroups } from "~/components/bulk/change-groups";
import { PlanVerdictText, RunItemsTable } from "~/components/bulk/run-items-table";
import { PlanCountTiles, RunProgressView } from "~/components/bulk/run-progress";
import { ErrorBoundary } from "~/components/route-error-boundary";
import { maskChangeGroups, maskRunItems, maskRunSummary } from "~/masking/bulk-views.server";
import { getSessionDataMasker } from "~/masking/policy.server";
import { requireStaff } from "~/staff/guard.server";
import { hasRole } from "~/staff/roles";
import { formatCount } from "~/utils/format";
import { readFormData } from "~/utils/request-input.server";
import { Breadcrumbs } from "~/components/breadcrumbs";

export { ErrorBoundary };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? describeChange(data.run) : "Bulk run"} · Session Desk` }];

const runIdSchema = z.string().regex(/^[0-9a-f]{16,40}$/, "not a bulk run id");

const SHOW_VALUES = ["all", "pending", ...PLAN_VERDICTS, ...ITEM_OUTCOMES] as const;
const querySchema = z.object({
  show: z.enum(SHOW_VALUES).optional().catch(undefined),
  /** A dry run's group of identical changes, by its first session's seq (see listChangeGroups). */
  group: z.coerce.number().int().min(0).max(1_000_000).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const pageCount = (total: number) => Math.max(1, Math.ceil(total / ITEMS_PAGE_SIZE));

function parseRunId(params: { runId?: string }): string {
  const parsed = runIdSchema.safeParse(params.runId);
  if (!parsed.success) throw json({ message: "That is not a bulk run id." }, { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const stored = await getRun(parseRunId(params));
  if (!stored) throw json({ message: "There is no bulk run with that id." }, { status: 404 });
  // The value it sets and every preview of a change, as this reader may see them (app/masking).
  const masker = await getSessionDataMasker(staff);
  const run = maskRunSummary(masker, stored);
  // A run across users has its own page (per-user report, approval).
  if (run.userId === CROSS_USER_RUN) throw redirect(`/bulk/across/${run.id}`);
  const search = new URL(request.url).searchParams;
  const query = querySchema.parse({ show: search.get("show") ?? undefined, group: search.get("group") ?? undefined, page: search.get("page") ?? 1 });
  const isPlan = run.progress.status === "planned" || run.progress.status === "planning";
  // A dry run opens on what will change; a run on every session.
  const show = query.show ?? (isPlan && run.progress.plan["will-change"] > 0 ? "will-change" : "all");
  const filter: ItemFilter =
    show === "all"
      ? { by: "all" }
      : (PLAN_VERDICTS as readonly string[]).includes(show)
        ? { by: "plan", value: show as PlanVerdict }
        : { by: "outcome", value: show as ItemOutcome | "pending" };
  // A dry run reads as its distinct changes, each opening its sessions; a run as its per-session report.
  const foundGroup = isPlan && query.group !== undefined ? ((await getChangeGroup(run.id, query.group)) ?? null) : null;
  const group = foundGroup ? maskChangeGroups(masker, run.tenantId, [foundGroup])[0]! : null;
  if (isPlan && !group) {
    const { groups: found, total } = await listChangeGroups(run.id, filter.by === "plan" ? filter.value : undefined, query.page);
    const groups = maskChangeGroups(masker, run.tenantId, found);
    return json({ run, isPlan, view: "groups" as const, groups, items: [], group, show, page: query.page, pageCount: pageCount(total), total, can: { act: hasRole(staff.role, "admin") } });
  }
  const { items: found, total } = await listItems(run.id, group ? { by: "group", seq: group.firstSeq } : filter, query.page);
  const items = maskRunItems(masker, found);
  return json({ run, isPlan, view: "items" as const, groups: [], items, group, show, page: query.page, pageCount: pageCount(total), total, can: { act: hasRole(staff.role, "admin") } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  return runBulkRunIntent({ staff, runId: parseRunId(params), form: await readFormData(request) });
}

export default function BulkRunPage() {
  const { run, isPlan, view, groups, items, group, show, page, pageCount, total, can } = useLoaderData<typeof loader>();
  const userHref = `/users/${encodeURIComponent(run.userId)}`;
  const hrefFor = (value: string, pageNumber = 1, groupSeq?: number) =>
    `?${new URLSearchParams({ show: value, ...(groupSeq !== undefined ? { group: String(groupSeq) } : {}), ...(pageNumber > 1 ? { page: String(pageNumber) } : {}) })}`;
  const unit = view === "groups" ? (total === 1 ? "distinct change" : "distinct changes") : total === 1 ? "session" : "sessions";
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Users", to: "/" }, { label: run.userId, to: userHref, mono: true }, { label: `${isPlan ? "Dry run" : "Bulk run"} ${run.id}` }]} />
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">
          {isPlan ? "Dry run" : "Bulk run"}: {describeChange(run)}
        </h1>
        <Link to={`/audit?run=${run.id}`} className="btn btn-sm ml-auto">
          Audit entries of this run
        </Link>
      </div>
      <RunFacts run={run} />
      {isPlan ? (
        <section aria-label="Dry run" className="space-y-3">
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Nothing has been written. Applying checks each session again: one whose data changed since this dry run is skipped and reported as “changed since
            preview”.
          </p>
          <PlanCountTiles progress={run.progress} show={show} hrefFor={hrefFor} />
        </section>
      ) : (
        <RunProgressView runId={run.id} initial={run.progress} show={show} hrefFor={hrefFor} />
      )}
      {can.act ? <RunActions progress={run.progress} /> : <p className="text-sm text-slate-500">Read-only: applying, cancelling and retrying need the admin role.</p>}
      {group ? (
        <div className="flex flex-wrap items-start gap-3 text-sm" data-testid="open-group">
          <Link to={hrefFor(show)} preventScrollReset className="btn btn-sm">
            ← All changes
          </Link>
          <div className="min-w-0 flex-1">
            <p className="font-medium">
              {formatCount(total)} {total === 1 ? "session" : "sessions"} · {PLAN_LABELS[group.plan]}
            </p>
            <PlanVerdictText plan={group.plan} summary={group.summary} note={group.note} label="The group’s change" />
          </div>
        </div>
      ) : null}
      <section aria-label={view === "groups" ? "Changes in the dry run" : isPlan ? "Sessions in the dry run" : "Per-session report"} className="card overflow-x-auto">
        {view === "groups" ? (
          <ChangeGroups groups={groups} hrefForGroup={(g) => hrefFor(show, 1, g.firstSeq)} />
        ) : (
          <RunItemsTable userId={run.userId} items={items} showOutcome={!isPlan} />
        )}
      </section>
      {pageCount > 1 ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm text-slate-600 dark:text-slate-300">
          <p>
            {formatCount(total)} {unit} · page {page} of {pageCount}
          </p>
          <div className="flex gap-2">
            {page > 1 ? (
              <Link className="btn btn-sm" to={hrefFor(show, page - 1, group?.firstSeq)} rel="prev">
                Previous
              </Link>
            ) : null}
            {page < pageCount ? (
              <Link className="btn btn-sm" to={hrefFor(show, page + 1, group?.firstSeq)} rel="next">
                Next
              </Link>
            ) : null}
          </div>
        </nav>
      ) : null}
    </div>
  );
}
