import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { listRunsForUser } from "~/bulk/store.server";
import { BulkRunsList } from "~/components/bulk/bulk-runs-list";
import { ConfirmSubmit } from "~/components/confirm-submit";
import { SessionsTable } from "~/components/sessions-table";
import { UserFacts } from "~/components/user-facts";
import { loadFromCore } from "~/core/problems.server";
import { getUserById } from "~/core/users.server";
import { listUserSessions } from "~/sessions/list.server";
import { revokeEverySession, revokeOneSession } from "~/sessions/revoke.server";
import { toSessionRow } from "~/sessions/rows";
import { requireStaff } from "~/staff/guard.server";
import { hasRole } from "~/staff/roles";
import { redirectWithToast } from "~/utils/toast.server";
import { Breadcrumbs } from "~/components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.user.emails[0] ?? data?.user.id ?? "User"} · Session Desk` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const userId = z.string().min(1).max(256).parse(params.userId);
  const user = await loadFromCore(() => getUserById(userId));
  if (!user) throw json({ message: `No user with the id “${userId}” exists on this core.`, userId }, { status: 404 });
  const [{ sessions, endedWhileLoading }, bulkRuns] = await Promise.all([loadFromCore(() => listUserSessions(user.id)), listRunsForUser(user.id)]);
  return json({
    user,
    sessions: sessions.map(toSessionRow),
    endedWhileLoading,
    bulkRuns,
    now: Date.now(),
    can: { revoke: hasRole(staff.role, "editor"), revokeAll: hasRole(staff.role, "admin"), bulk: hasRole(staff.role, "admin") },
  });
}

// Sort, filter, hidden columns and open rows are view state in the URL: changing them must not
// reload every session from the core.
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  if (formMethod && formMethod !== "GET") return defaultShouldRevalidate;
  if (currentUrl.pathname === nextUrl.pathname) return false;
  return defaultShouldRevalidate;
};

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("revoke"), sessionHandle: z.string().min(1).max(256), reason: z.string().max(1000).optional() }),
  z.object({ intent: z.literal("revoke-all"), reason: z.string().max(1000).optional() }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "editor");
  const userId = z.string().min(1).max(256).parse(params.userId);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "That request was not understood. Reload the page and try again." }, { status: 400 });
  const here = `/users/${encodeURIComponent(userId)}`;
  switch (parsed.data.intent) {
    case "revoke": {
      const outcome = await revokeOneSession({ staff, userId, sessionHandle: parsed.data.sessionHandle, reason: parsed.data.reason });
      if (outcome.status === "failed") return redirectWithToast(here, { kind: "error", title: "The session was not revoked", description: outcome.error });
      return redirectWithToast(here, outcome.status === "revoked" ? { kind: "success", title: "Session revoked", description: parsed.data.sessionHandle } : { kind: "info", title: "That session had already ended", description: "Nothing was revoked." });
    }
    case "revoke-all": {
      await requireStaff(request, "admin");
      const outcome = await revokeEverySession({ staff, userId, reason: parsed.data.reason });
      if (outcome.status === "failed") return redirectWithToast(here, { kind: "error", title: "Sessions were not revoked", description: outcome.error });
      return redirectWithToast(here, { kind: "success", title: `Revoked ${outcome.count} ${outcome.count === 1 ? "session" : "sessions"}` });
    }
  }
}

export default function UserPage() {
  const data = useLoaderData<typeof loader>();
  const base = `/users/${encodeURIComponent(data.user.id)}`;
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Users", to: "/" }, { label: data.user.id, mono: true }]} />
      <UserFacts user={data.user} now={data.now} auditHref={`/audit?user=${encodeURIComponent(data.user.id)}`} />
      {data.endedWhileLoading > 0 ? (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          {data.endedWhileLoading} {data.endedWhileLoading === 1 ? "session" : "sessions"} ended while loading and {data.endedWhileLoading === 1 ? "is" : "are"} not shown.
        </p>
      ) : null}
      <section aria-labelledby="sessions-heading" className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="sessions-heading" className="text-lg font-semibold">
            Sessions <span className="text-sm font-normal text-slate-500">({data.sessions.length})</span>
          </h2>
          <div className="ml-auto flex items-center gap-2">
            <a className="btn btn-sm" href={`${base}/export`} download>
              Export JSON
            </a>
            {data.can.bulk && data.sessions.length > 0 ? (
              <Link className="btn btn-sm" to={`${base}/bulk`}>
                Apply to sessions
              </Link>
            ) : null}
            {data.can.revokeAll && data.sessions.length > 0 ? (
              <ConfirmSubmit intent="revoke-all" label="Revoke all sessions" confirmLabel={`Click again to revoke all ${data.sessions.length}`} danger />
            ) : null}
          </div>
        </div>
        <SessionsTable sessions={data.sessions} now={data.now} userId={data.user.id} canRevoke={data.can.revoke} canSelect={data.can.bulk} />
      </section>
      <BulkRunsList runs={data.bulkRuns} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/user-error-boundary";
