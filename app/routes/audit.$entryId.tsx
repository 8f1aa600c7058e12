import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { auditTime } from "~/components/audit/audit-table";
import { OutcomeBadge } from "~/components/audit/outcome-badge";
import { JsonText } from "~/components/json-text";
import { KeyOrderToggle } from "~/components/key-order";
import { userContactsById } from "~/users/emails.server";
import { ErrorBoundary } from "~/components/route-error-boundary";
import { getAuditEntry } from "~/audit/audit.server";
import { auditEntryIdSchema } from "~/audit/filters.server";
import { ACTION_LABELS, RUN_ACTION } from "~/audit/types";
import { isWrittenOutcome, REVERTIBLE_ACTIONS } from "~/sessions/revert.server";
import { layoutJson } from "~/json";
import { getSessionDataMasker } from "~/masking/policy.server";
import { requireStaff } from "~/staff/guard.server";
import { hasRole } from "~/staff/roles";

export { ErrorBoundary };

export const meta: MetaFunction = () => [{ title: "Audit entry · Session Desk" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const parsed = auditEntryIdSchema.safeParse(params.entryId);
  if (!parsed.success) throw json({ message: "That is not an audit entry id." }, { status: 404 });
  const stored = await getAuditEntry(parsed.data);
  if (!stored) throw json({ message: "There is no audit entry with that id." }, { status: 404 });
  // Before, after, the written result and the patch, as this reader may see them (app/masking).
  const entry = (await getSessionDataMasker(staff)).maskAuditEntry(stored);
  // Only a written change to one session's data can be undone; the revert page explains any refusal.
  const revertible = hasRole(staff.role, "admin") && isWrittenOutcome(entry.outcome?.status) && Boolean(entry.target.sessionHandle) && REVERTIBLE_ACTIONS.has(entry.action);
  // Data goes to the page as exact JSON text, never as objects: a number like 9223372036854775807 or 1.0
  // must show as the core held it (app/json/exact-number.ts).
  const asText = (value: unknown) => (value === null || value === undefined ? null : layoutJson(value));
  const view = {
    ...entry,
    before: asText(entry.before),
    after: asText(entry.after),
    patch: layoutJson(entry.patch ?? []),
    outcome: entry.outcome ? { ...entry.outcome, after: asText(entry.outcome.after) } : null,
  };
  const contacts = await userContactsById([entry.target.userId]);
  return json({ entry: view, revertible, userContact: contacts[entry.target.userId] ?? null });
}

export default function AuditEntryPage() {
  const { entry, revertible, userContact } = useLoaderData<typeof loader>();
  const userLink = `/users/${encodeURIComponent(entry.target.userId)}`;
  return (
    <div className="space-y-4">
      <nav className="text-sm">
        <Link to="/audit" className="text-indigo-700 hover:underline dark:text-indigo-300">
          ← Audit trail
        </Link>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">{ACTION_LABELS[entry.action] ?? entry.action}</h1>
        <OutcomeBadge status={entry.outcome?.status ?? null} run={entry.action === RUN_ACTION} />
        {revertible ? (
          <Link to={`/audit/${entry.id}/revert`} className="btn btn-sm ml-auto">
            Revert this change…
          </Link>
        ) : null}
      </div>
      <section className="card p-4">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-slate-500">When</dt>
          <dd>{auditTime(entry.createdAt)}</dd>
          <dt className="text-slate-500">Staff</dt>
          <dd>
            {entry.staff.displayName} <span className="mono text-slate-500">{entry.staff.email}</span> ({entry.staff.role})
            {entry.viaApiToken ? <span data-testid="via-api-token"> via API token {entry.viaApiToken.name}</span> : null}
          </dd>
          <dt className="text-slate-500">User</dt>
          <dd>
            <Link to={userLink} className="text-indigo-700 hover:underline dark:text-indigo-300">
              {userContact ?? "User"}
            </Link>{" "}
            <span className="mono text-slate-500">{entry.target.userId}</span>
          </dd>
          <dt className="text-slate-500">Session</dt>
          <dd className="mono">
            {entry.target.sessionHandle ? (
              <Link to={`${userLink}/sessions/${encodeURIComponent(entry.target.sessionHandle)}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                {entry.target.sessionHandle}
              </Link>
            ) : (
              "—"
            )}
          </dd>
          <dt className="text-slate-500">Tenant</dt>
          <dd className="mono">{entry.target.tenantId ?? "—"}</dd>
          <dt className="text-slate-500">Reason</dt>
          <dd className="whitespace-pre-wrap">{entry.reason ?? "—"}</dd>
          {entry.schemaOverride ? (
            <>
              <dt className="text-slate-500">Schema override</dt>
              <dd data-testid="schema-override">
                <p className="whitespace-pre-wrap">
                  Written against the schema “{entry.schemaOverride.schema.name}” (version {entry.schemaOverride.schema.version}) by an admin: {entry.schemaOverride.reason}
                </p>
                <ul className="mono mt-1 list-disc pl-5 text-xs">
                  {entry.schemaOverride.overridden.map((issue) => (
                    <li key={`${issue.path} ${issue.message}`}>
                      {issue.path}: {issue.message}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
          {entry.runId ? (
            <>
              <dt className="text-slate-500">Bulk run</dt>
              <dd className="mono">
                <Link to={`/bulk/runs/${entry.runId}`} className="hover:underline">
                  {entry.runId}
                </Link>
              </dd>
            </>
          ) : null}
          {entry.revertOf ? (
            <>
              <dt className="text-slate-500">Reverts</dt>
              <dd className="mono">
                <Link to={`/audit/${entry.revertOf}`} className="hover:underline">
                  {entry.revertOf}
                </Link>
              </dd>
            </>
          ) : null}
          <dt className="text-slate-500">Outcome</dt>
          <dd>
            {entry.outcome
              ? `${entry.outcome.status} at ${auditTime(entry.outcome.finishedAt)}`
              : "Unknown: the change was begun but its result was never recorded (the server may have stopped mid-call). Check the session's current data."}
            {entry.outcome?.error ? <p className="mono mt-1 text-rose-700 dark:text-rose-300">{entry.outcome.error}</p> : null}
          </dd>
        </dl>
      </section>
      <div className="flex justify-end">
        <KeyOrderToggle />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <section aria-labelledby="before-heading" className="space-y-1">
          <h2 id="before-heading" className="text-sm font-semibold">
            Before
          </h2>
          <SideOfChange value={entry.before} label="Before" />
        </section>
        <section aria-labelledby="after-heading" className="space-y-1">
          <h2 id="after-heading" className="text-sm font-semibold">
            After
          </h2>
          <SideOfChange value={entry.after} label="After" />
        </section>
      </div>
      {entry.outcome?.after !== null && entry.outcome?.after !== undefined ? (
        <section aria-labelledby="written-heading" className="space-y-1">
          <h2 id="written-heading" className="text-sm font-semibold">
            What was actually written
          </h2>
          <JsonText text={entry.outcome.after} label="Written" />
        </section>
      ) : null}
      <section aria-labelledby="patch-heading" className="space-y-1">
        <h2 id="patch-heading" className="text-sm font-semibold">
          Patch (RFC 6902)
        </h2>
        <JsonText text={entry.patch} label="Patch" />
      </section>
    </div>
  );
}

/**
 * One side of the change. Entries that have no data on a side (a revoke, a session that had ended, a bulk
 * item that changed since its dry run and so was never computed) say so instead of showing "null".
 */
function SideOfChange({ value, label }: { value: string | null; label: string }) {
  if (value === null) return <p className="text-sm text-slate-500 dark:text-slate-400">Not recorded for this entry.</p>;
  return <JsonText text={value} label={label} />;
}
