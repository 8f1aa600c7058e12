import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { defer, json } from "@remix-run/node";
import { schemaProblemsOf } from "~/schema/page.server";
import { Await, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { Suspense } from "react";
import { z } from "zod";
import { listRunsForUser } from "~/bulk/store.server";
import { BulkRunsList } from "~/components/bulk/bulk-runs-list";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { UserFacts } from "~/components/user-facts";
import { UserSessionsFailed, UserSessionsLoading, UserSessionsSection } from "~/components/user-sessions-section";
import { loadFromCore, problemFrom } from "~/core/problems.server";
import { getUserById } from "~/core/users.server";
import { getConfig } from "~/config.server";
import { listUserSessions } from "~/sessions/list.server";
import { NOT_THIS_USERS_SESSION } from "~/sessions/ownership.server";
import { revokeEverySession, revokeOneSession } from "~/sessions/revoke.server";
import { toSessionRow } from "~/sessions/rows";
import { getSessionDataMasker } from "~/masking/policy.server";
import { maskRunSummary } from "~/masking/bulk-views.server";
import { requireStaff } from "~/staff/guard.server";
import { hasRole } from "~/staff/roles";
import { readFormData, userIdParam } from "~/utils/request-input.server";
import { formatCount } from "~/utils/format";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.user.emails[0] ?? data?.user.id ?? "User"} · Session Desk` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const userId = userIdParam(params);
  const user = await loadFromCore(() => getUserById(userId));
  if (!user) throw json({ message: `No user with the id “${userId}” exists on this core.`, userId }, { status: 404 });
  // Sessions stream in after the user's facts: one core read per session makes large users take a
  // moment, and the page should be useful before that. A failure is shown in place, with a retry.
  // Masked values are replaced before the rows are made (app/masking): the table and its expanded rows never hold them.
  const masker = await getSessionDataMasker(staff);
  const sessions = listUserSessions(user.id).then(
    async ({ sessions, endedWhileLoading }) => {
      // Sessions whose data does not match its schema are marked (app/schema), judged on the real data.
      const schemaProblems = await schemaProblemsOf(sessions);
      return {
        ok: true as const,
        sessions: sessions.map((info) => ({
          ...toSessionRow({ ...info, sessionDataInDatabase: masker.mask({ sessionHandle: info.sessionHandle, tenantId: info.tenantId }, info.sessionDataInDatabase) }),
          schemaProblems: schemaProblems.get(info.sessionHandle),
        })),
        endedWhileLoading,
      };
    },
    async (error: unknown) => ({ ok: false as const, problem: await problemFrom(error) }),
  );
  return defer({
    user,
    sessions,
    bulkRuns: (await listRunsForUser(user.id)).map((run) => maskRunSummary(masker, run)),
    now: Date.now(),
    reasonRequired: getConfig().AUDIT_REASON_REQUIRED,
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
  z.object({ intent: z.literal("revoke-all"), reason: z.string().max(1000).optional(), confirmCount: z.string().trim().max(20).regex(/^[\d,]*$/).optional() }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "editor");
  const userId = userIdParam(params);
  const parsed = actionSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return json({ error: "That request was not understood. Reload the page and try again." }, { status: 400 });
  const here = `/users/${encodeURIComponent(userId)}`;
  const reason = parsed.data.reason?.trim() || undefined;
  const reasonMissing = () =>
    redirectWithToast(here, { kind: "error", title: "Nothing was revoked", description: "A reason is required for every change; say why, e.g. the ticket number." });
  switch (parsed.data.intent) {
    case "revoke": {
      if (!reason && getConfig().AUDIT_REASON_REQUIRED) return reasonMissing();
      const outcome = await revokeOneSession({ staff, userId, sessionHandle: parsed.data.sessionHandle, reason });
      if (outcome.status === "not-found") throw json({ message: NOT_THIS_USERS_SESSION }, { status: 404 });
      if (outcome.status === "failed") return redirectWithToast(here, { kind: "error", title: "The session was not revoked", description: outcome.error });
      return redirectWithToast(here, outcome.status === "revoked" ? { kind: "success", title: "Session revoked", description: parsed.data.sessionHandle } : { kind: "info", title: "That session had already ended", description: "Nothing was revoked." });
    }
    case "revoke-all": {
      // Revoking everything is an admin's call; the guard above let editors in for single revokes.
      if (!hasRole(staff.role, "admin")) throw json({ message: `This needs the admin role; you are signed in as ${staff.role}. Nothing was changed.` }, { status: 403 });
      if (!reason && getConfig().AUDIT_REASON_REQUIRED) return reasonMissing();
      // The danger zone asks for the session count typed back; a post without one is refused.
      const confirmedCount = Number((parsed.data.confirmCount ?? "").replace(/,/g, ""));
      if (!parsed.data.confirmCount || !Number.isSafeInteger(confirmedCount)) {
        return redirectWithToast(here, { kind: "error", title: "Nothing was revoked", description: "Type the number of sessions to confirm revoking them all." });
      }
      const outcome = await revokeEverySession({ staff, userId, reason, confirmedCount });
      if (outcome.status === "failed") return redirectWithToast(here, { kind: "error", title: "Sessions were not revoked", description: outcome.error });
      if (outcome.status === "count-changed") {
        return redirectWithToast(here, {
          kind: "error",
          title: "Nothing was revoked",
          description: `The user has ${formatCount(outcome.count)} ${outcome.count === 1 ? "session" : "sessions"} now, not ${formatCount(confirmedCount)}. Check the list and confirm again.`,
        });
      }
      return redirectWithToast(here, { kind: "success", title: `Revoked ${formatCount(outcome.count)} ${outcome.count === 1 ? "session" : "sessions"}` });
    }
  }
}

export default function UserPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Users", to: "/" }, { label: data.user.id, mono: true }]} />
      <UserFacts user={data.user} now={data.now} auditHref={`/audit?user=${encodeURIComponent(data.user.id)}`} />
      <Suspense fallback={<UserSessionsLoading />}>
        <Await
          resolve={data.sessions}
          errorElement={<UserSessionsFailed cause="Loading the sessions took too long or was interrupted." advice="Nothing was changed. Retry; a user with very many sessions takes a while to read." />}
        >
          {(loaded) =>
            loaded.ok ? (
              <UserSessionsSection userId={data.user.id} sessions={loaded.sessions} endedWhileLoading={loaded.endedWhileLoading} now={data.now} can={data.can} reasonRequired={data.reasonRequired} />
            ) : (
              <UserSessionsFailed cause={loaded.problem.cause} advice={loaded.problem.advice} />
            )
          }
        </Await>
      </Suspense>
      <BulkRunsList runs={data.bulkRuns} />
    </div>
  );
}

export { ErrorBoundary } from "~/components/user-error-boundary";
