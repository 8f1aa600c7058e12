import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { defer, json, redirect } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { TenantNotice } from "~/components/tenant-notice";
import { UserSearchForm } from "~/components/user-search-form";
import { UsersTable } from "~/components/users-table";
import { describeTenantScope } from "~/core/licence.server";
import { loadFromCore } from "~/core/problems.server";
import { requireStaff } from "~/staff/guard.server";
import { describeResults } from "~/users/results.server";
import { searchParamsSchema, searchUsers } from "~/users/search.server";
import { formatCount } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Find a user · Session Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, "viewer");
  const url = new URL(request.url);
  const parsed = searchParamsSchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw json({ message: parsed.error.issues.map((issue) => issue.message).join("; ") }, { status: 400 });
  const result = await loadFromCore(() => searchUsers(parsed.data));
  if (result.exactUserId) throw redirect(`/users/${encodeURIComponent(result.exactUserId)}`);
  // A core without multi-tenancy has only "public"; a link may name a tenant this core does not have.
  const tenantNotice = await describeTenantScope(result.tenants, parsed.data.tenant);
  // Names come with the rows; session counts stream in after them (one core call per user).
  const { names, sessionCounts } = await loadFromCore(() => describeResults(result.users));
  return defer({ ...result, tenantNotice, names, sessionCounts, params: parsed.data, now: Date.now() });
}

export default function FindUser() {
  const data = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const browsing = data.interpreted.kind === "browse";
  const nextParams = new URLSearchParams(searchParams);
  if (data.nextCursor) {
    nextParams.set("cursor", data.nextCursor);
    nextParams.set("page", String(data.params.page + 1));
  }
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Find a user</h1>
        <p className="text-sm text-slate-500 dark:text-slate-400">
          An email or its start, a phone number, a user id, or <code className="mono">provider:google</code>.
        </p>
      </div>
      <UserSearchForm tenants={data.tenants} query={data.params.q} tenant={data.params.tenant} problem={data.problem} autoFocus />
      <TenantNotice notice={data.tenantNotice} />
      {data.interpreted.kind === "text" && data.interpreted.providerHint ? (
        <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="provider-hint">
          Looking for people who sign in with {data.interpreted.value}? Search{" "}
          <Link className="mono text-indigo-700 hover:underline dark:text-indigo-300" to={`?${new URLSearchParams({ q: data.interpreted.providerHint, ...(data.params.tenant ? { tenant: data.params.tenant } : {}) })}`}>
            {data.interpreted.providerHint}
          </Link>
        </p>
      ) : null}
      <section aria-labelledby="results-heading" className="card overflow-hidden">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2 dark:border-slate-800">
          <h2 id="results-heading" className="text-sm font-medium">
            {browsing
              ? `All users, newest first · page ${formatCount(data.params.page)}`
              : data.problem
                ? "Nothing searched"
                : `${formatCount(data.users.length)} ${data.users.length === 1 ? "match" : "matches"} for “${data.params.q}”`}
          </h2>
          <span className="text-xs text-slate-500">{describeQuery(data.interpreted.kind, Boolean(data.idScan))}</span>
        </div>
        {data.idScan ? (
          <p className="border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs text-slate-600 dark:border-slate-800 dark:bg-slate-900/60 dark:text-slate-300" data-testid="id-scan-note">
            {data.idScan.complete
              ? `User ids starting with “${data.idScan.prefix}”: all ${formatCount(data.idScan.scanned)} users checked.`
              : `User ids starting with “${data.idScan.prefix}”: the core cannot search ids, so only the ${formatCount(data.idScan.scanned)} newest users were checked. Paste the whole id to open anyone.`}
          </p>
        ) : null}
        {data.problem ? (
          <p className="px-4 py-12 text-center text-sm text-slate-500">Shorten the search above to see results.</p>
        ) : data.users.length === 0 ? (
          <div className="px-4 py-12 text-center">
            <p className="font-medium">No users found</p>
            <p className="mt-1 text-sm text-slate-500">
              {browsing ? "This core has no users in the chosen tenant yet." : "Check the spelling, try the start of the email, or search all tenants."}
            </p>
          </div>
        ) : (
          <UsersTable users={data.users} names={data.names} sessionCounts={data.sessionCounts} now={data.now} />
        )}
        {browsing && (data.params.page > 1 || data.nextCursor) ? (
          <nav aria-label="Pagination" className="flex items-center justify-between border-t border-slate-200 px-4 py-2 text-sm dark:border-slate-800">
            {data.params.page > 1 ? (
              <Link className="btn btn-sm" to={`?${firstPageParams(searchParams)}`}>
                ← First page
              </Link>
            ) : (
              <span />
            )}
            {data.nextCursor ? (
              <Link className="btn btn-sm" to={`?${nextParams}`} rel="next">
                Next page →
              </Link>
            ) : (
              <span className="text-xs text-slate-500">Last page</span>
            )}
          </nav>
        ) : null}
      </section>
    </div>
  );
}

function firstPageParams(current: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(current);
  params.delete("cursor");
  params.delete("page");
  return params;
}

function describeQuery(kind: string, idPrefix: boolean): string {
  switch (kind) {
    case "email":
      return "Searching emails (prefix or @domain)";
    case "phone":
      return idPrefix ? "Searching phone numbers and the start of user ids" : "Searching phone numbers";
    case "provider":
      return "Searching sign-in providers";
    case "text":
      return idPrefix ? "Searching emails and the start of user ids" : "Searching user ids and emails";
    default:
      return "";
  }
}

export { ErrorBoundary } from "~/components/route-error-boundary";
