import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AUDIT_REASON_MAX_LENGTH, getAuditEntry } from "~/audit/audit.server";
import { ACTION_LABELS } from "~/audit/types";
import { RevertReview } from "~/components/session-editor/revert-review";
import { getConfig } from "~/config.server";
import { diffJson, layoutJson, summarizeChanges } from "~/json";
import { getSessionDataMasker } from "~/masking/policy.server";
import { formatCount } from "~/utils/format";
import { planRevert, revertAuditEntry } from "~/sessions/revert.server";
import { requireStaff } from "~/staff/guard.server";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

export { ErrorBoundary } from "~/components/route-error-boundary";

export const meta: MetaFunction = () => [{ title: "Revert a change · Session Desk" }];

const entryIdSchema = z.string().regex(/^[0-9a-f]{16,40}$/);
const fingerprintField = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const formSchema = z.object({
  intent: z.literal("revert"),
  expectedFingerprint: fingerprintField,
  proposedFingerprint: fingerprintField,
  reason: z.string().max(AUDIT_REASON_MAX_LENGTH).optional(),
  schemaOverrideReason: z.string().max(1000).optional(),
});

function parseEntryId(params: { entryId?: string }): string {
  const parsed = entryIdSchema.safeParse(params.entryId);
  if (!parsed.success) throw json({ message: "That is not an audit entry id." }, { status: 404 });
  return parsed.data;
}

/** Reverting is an admin power (app/staff/roles.ts); the review itself changes nothing. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const entryId = parseEntryId(params);
  const plan = await planRevert(entryId);
  const reasonRequired = getConfig().AUDIT_REASON_REQUIRED;
  if (!plan.ok) return json({ entryId, reasonRequired, refused: { message: plan.message, clashes: plan.clashes ?? [] }, plan: null }, { status: plan.status });
  // An admin role may be masked too (/masking): the review then shows and seals what the editor would.
  const masker = await getSessionDataMasker(staff);
  const ref = { sessionHandle: plan.sessionHandle, tenantId: plan.entry.target.tenantId };
  const current = masker.mask(ref, plan.current);
  const proposed = masker.mask(ref, plan.proposed);
  return json({
    entryId,
    reasonRequired,
    refused: null,
    plan: {
      action: plan.entry.action,
      createdAt: plan.entry.createdAt,
      staffName: plan.entry.staff.displayName || plan.entry.staff.email,
      entryReason: plan.entry.reason,
      userId: plan.userId,
      sessionHandle: plan.sessionHandle,
      currentText: layoutJson(current),
      proposedText: layoutJson(proposed),
      currentFingerprint: masker.sealFingerprint(ref, plan.current),
      proposedFingerprint: masker.sealFingerprint(ref, plan.proposed),
      summary: current === plan.current && proposed === plan.proposed ? plan.summary : summarizeChanges(diffJson(current, proposed)),
    },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const entryId = parseEntryId(params);
  const form = formSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!form.success) return json({ error: "That request was not understood. Reload the page and try again; nothing was written." }, { status: 400 });
  const reason = form.data.reason?.trim() || undefined;
  if (!reason && getConfig().AUDIT_REASON_REQUIRED) return json({ error: "A reason is required for every change. Say why, e.g. the ticket number." }, { status: 400 });
  const override = form.data.schemaOverrideReason?.trim();
  const outcome = await revertAuditEntry({ staff, entryId, ...(await unsealedFingerprints(staff, entryId, form.data)), reason, schemaOverride: override ? { reason: override } : undefined });
  switch (outcome.status) {
    case "written": {
      const n = outcome.changes;
      return redirectWithToast(await sessionPageOf(entryId), { kind: "success", title: `Change reverted — ${formatCount(n)} ${n === 1 ? "change" : "changes"}`, description: `Recorded as audit entry ${outcome.entryId}.` });
    }
    case "overtaken":
      // Written, but the app changed the session right after: not "reverted", and the entry says so.
      return redirectWithToast(await sessionPageOf(entryId), {
        kind: "error",
        title: "The revert was written, but another change landed right after it",
        description: `The session no longer holds the reverted data. Audit entry ${outcome.entryId} records both versions; review the session's data now.`,
      });
    case "not-found":
      return json({ error: "The session of this entry does not belong to the user it names. Nothing was written." }, { status: 404 });
    case "unchanged":
      return redirectWithToast(`/audit/${entryId}`, { kind: "info", title: "Nothing to revert", description: "The session already holds that data." });
    case "conflict":
      return json({ error: "The session's data changed since this review was shown. Nothing was written; reload to review the revert against its current data." }, { status: 409 });
    case "review-outdated":
      return json({ error: "The revert computed now differs from the one you reviewed. Nothing was written; reload the page and review it again." }, { status: 409 });
    case "refused":
      return json({ error: outcome.plan.message }, { status: outcome.plan.status });
    case "session-gone":
      return json({ error: "This session has ended or expired, so its data can no longer be changed. Nothing was written." }, { status: 410 });
    case "schema-refused":
      // Shown with the override field: an admin may write it anyway, with a reason.
      return json({ error: outcome.error, schemaRefused: true }, { status: 422 });
    case "failed":
      return json({ error: outcome.error }, { status: outcome.transient ? 503 : 502 });
  }
}

/**
 * A masked review holds sealed fingerprints (app/masking): when they stand for the revert computed now,
 * the real ones go to the write (which checks them again under the lock); otherwise they go as they are,
 * which can only end as a conflict or an outdated review, with nothing written.
 */
async function unsealedFingerprints(staff: Awaited<ReturnType<typeof requireStaff>>, entryId: string, posted: { expectedFingerprint: string; proposedFingerprint: string }) {
  const masker = await getSessionDataMasker(staff);
  if (!masker.applies) return posted;
  const plan = await planRevert(entryId);
  if (!plan.ok) return posted;
  const ref = { sessionHandle: plan.sessionHandle, tenantId: plan.entry.target.tenantId };
  if (masker.sealFingerprint(ref, plan.current) !== posted.expectedFingerprint) return posted;
  const proposed = masker.sealFingerprint(ref, plan.proposed) === posted.proposedFingerprint ? plan.proposedFingerprint : posted.proposedFingerprint;
  return { expectedFingerprint: plan.currentFingerprint, proposedFingerprint: proposed };
}

/** Where to go after a revert: the session's page, where the toast and the new data show. */
async function sessionPageOf(entryId: string): Promise<string> {
  const entry = await getAuditEntry(entryId);
  if (!entry?.target.sessionHandle) return `/audit/${entryId}`;
  return `/users/${encodeURIComponent(entry.target.userId)}/sessions/${encodeURIComponent(entry.target.sessionHandle)}`;
}

export default function RevertPage() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <nav className="text-sm">
        <Link to={`/audit/${data.entryId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
          ← Audit entry
        </Link>
      </nav>
      <h1 className="text-xl font-semibold">Revert a change</h1>
      {data.refused ? (
        <div role="alert" className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
          <p>{data.refused.message}</p>
        </div>
      ) : data.plan ? (
        <RevertReview
          plan={{ ...data.plan, actionLabel: ACTION_LABELS[data.plan.action] ?? data.plan.action }}
          reasonRequired={data.reasonRequired}
          error={failure?.error ?? null}
          schemaRefused={Boolean(failure && "schemaRefused" in failure)}
          entryHref={`/audit/${data.entryId}`}
        />
      ) : null}
    </div>
  );
}
