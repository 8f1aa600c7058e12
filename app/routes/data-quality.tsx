import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { defer } from "@remix-run/node";
import { Await, Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Suspense } from "react";
import { z } from "zod";
import { loadFromCore, problemFrom } from "~/core/problems.server";
import { listTenantIds } from "~/core/users.server";
import { checkDataQualityPage, DATA_QUALITY_PAGE_USERS, type DataQualityPage } from "~/schema/data-quality.server";
import { listSchemas } from "~/schema/store.server";
import { requireStaff } from "~/staff/guard.server";
import { formatCount } from "~/utils/format";

export { ErrorBoundary } from "~/components/route-error-boundary";

export const meta: MetaFunction = () => [{ title: "Data quality · Session Desk" }];

const querySchema = z.object({
  tenant: z.string().trim().min(1).max(128).optional(),
  cursor: z.string().min(1).max(1024).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

/** Read-only for every staff member: which sessions break their schema, a page of users at a time. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, "viewer");
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const query = parsed.success ? parsed.data : {};
  const tenants = await loadFromCore(() => listTenantIds());
  const tenant = query.tenant && tenants.includes(query.tenant) ? query.tenant : (tenants[0] ?? "public");
  const activeSchemas = (await listSchemas()).filter((schema) => schema.status === "active").length;
  // Streamed: the page and its loading state show at once; the check of this page of users follows.
  const report = checkDataQualityPage({ tenantId: tenant, cursor: query.cursor }).then(
    (page) => ({ ok: true as const, page }),
    async (error: unknown) => ({ ok: false as const, problem: await problemFrom(error) }),
  );
  return defer({ tenants, tenant, cursor: query.cursor ?? null, pageNumber: query.page ?? 1, pageUsers: DATA_QUALITY_PAGE_USERS, activeSchemas, report });
}

export default function DataQualityPage() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Data quality</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Sessions whose data does not match its{" "}
          <Link to="/schemas" className="text-indigo-700 hover:underline dark:text-indigo-300">
            schema
          </Link>
          , {data.pageUsers} users at a time (newest first), read from the core as you page.
        </p>
      </div>
      {data.activeSchemas === 0 ? <p className="card p-4 text-sm text-slate-600 dark:text-slate-300">No schema is active, so there is nothing to check. An admin can add one on the Schemas page.</p> : null}
      <Form method="get" className="flex flex-wrap items-end gap-2">
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Tenant</span>
          <select name="tenant" defaultValue={data.tenant} className="input">
            {data.tenants.map((tenant) => (
              <option key={tenant} value={tenant}>
                {tenant}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn">
          Show
        </button>
      </Form>
      <Suspense key={`${data.tenant}:${data.cursor ?? ""}`} fallback={<ReportLoading users={data.pageUsers} />}>
        <Await resolve={data.report}>
          {(report) =>
            report.ok ? (
              <ReportTable page={report.page} tenant={data.tenant} pageNumber={data.pageNumber} pageUsers={data.pageUsers} busy={navigation.state === "loading"} />
            ) : (
              <div role="alert" className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
                {report.problem.cause} {report.problem.advice}
              </div>
            )
          }
        </Await>
      </Suspense>
    </div>
  );
}

function ReportLoading({ users }: { users: number }) {
  return (
    <div className="card space-y-2 p-3" role="status" aria-busy="true">
      <p className="text-sm text-slate-500">Checking the sessions of the next {users} users…</p>
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="h-6 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
      ))}
    </div>
  );
}

function ReportTable({ page, tenant, pageNumber, pageUsers, busy }: { page: DataQualityPage; tenant: string; pageNumber: number; pageUsers: number; busy: boolean }) {
  const next = page.nextCursor ? `?${new URLSearchParams({ tenant, cursor: page.nextCursor, page: String(pageNumber + 1) })}` : null;
  return (
    <section aria-labelledby="report-heading" className="space-y-2" aria-busy={busy}>
      <h2 id="report-heading" className="text-sm text-slate-600 dark:text-slate-300">
        Page {formatCount(pageNumber)}: {formatCount(page.usersChecked)} users, {formatCount(page.sessionsChecked)} sessions checked —{" "}
        <strong className={page.rows.length > 0 ? "text-rose-700 dark:text-rose-300" : "text-emerald-700 dark:text-emerald-300"}>
          {page.rows.length === 0 ? "all match" : `${formatCount(page.rows.length)} ${page.rows.length === 1 ? "session does" : "sessions do"} not match`}
        </strong>
      </h2>
      {page.rows.length > 0 ? (
        <div className="card overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className="th">User</th>
                <th className="th">Session</th>
                <th className="th">Tenant</th>
                <th className="th">Where the data breaks the schema</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.sessionHandle}>
                  <td className="td">
                    <Link to={`/users/${encodeURIComponent(row.userId)}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                      {row.userLabel}
                    </Link>
                  </td>
                  <td className="td mono text-xs">
                    <Link to={`/users/${encodeURIComponent(row.userId)}/sessions/${encodeURIComponent(row.sessionHandle)}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                      {row.sessionHandle.slice(0, 13)}…
                    </Link>
                  </td>
                  <td className="td mono text-xs">{row.tenantId}</td>
                  <td className="td">
                    <ul className="mono space-y-0.5 text-xs">
                      {row.lines.map((line) => (
                        <li key={line} className="break-all">
                          {line}
                        </li>
                      ))}
                      {row.count > row.lines.length ? <li className="text-slate-500">… and {row.count - row.lines.length} more</li> : null}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav aria-label="Pages" className="flex gap-2">
        {pageNumber > 1 ? (
          <Link to={`?${new URLSearchParams({ tenant })}`} className="btn btn-sm">
            ← First page
          </Link>
        ) : null}
        {next ? (
          <Link to={next} className="btn btn-sm">
            Next {pageUsers} users →
          </Link>
        ) : (
          <span className="text-sm text-slate-500">End of the user list.</span>
        )}
      </nav>
    </section>
  );
}
