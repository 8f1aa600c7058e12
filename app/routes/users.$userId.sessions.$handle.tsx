import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { SessionDataWorkspace } from "~/components/session-editor/session-data-workspace";
import { SessionFacts } from "~/components/session-editor/session-facts";
import { SessionHistory } from "~/components/session-editor/session-history";
import type { SessionEditAnswer } from "~/components/session-editor/types";
import { getConfig } from "~/config.server";
import { getSessionInfo } from "~/core/sessions.server";
import { layoutJson, prettyJson } from "~/json";
import { KeyOrderToggle } from "~/components/key-order";
import { runSessionEditForm } from "~/sessions/edit-form.server";
import { listSessionHistory } from "~/sessions/history.server";
import { sessionBelongsTo } from "~/sessions/ownership.server";
import { requireStaff } from "~/staff/guard.server";
import { hasRole } from "~/staff/roles";
import { readFormData } from "~/utils/request-input.server";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { sessionSchemaView } from "~/schema/page.server";
import { MaskingPanel } from "~/components/masking/masking-panel";
import { getSessionDataMasker } from "~/masking/policy.server";

export { ErrorBoundary } from "~/components/route-error-boundary";

export const meta: MetaFunction = () => [{ title: "Session · Session Desk" }];

const paramsSchema = z.object({ userId: z.string().min(1).max(256), handle: z.string().min(1).max(256) });

function parseParams(params: unknown) {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw json({ message: "That is not a session address." }, { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const { userId, handle } = parseParams(params);
  const session = await getSessionInfo(handle);
  if (!session) throw json({ message: "This session has ended or expired, so there is no data to show. It may have been revoked or the user signed out." }, { status: 404 });
  // With account linking the page may be reached through the primary user or the login method's user.
  if (!(await sessionBelongsTo(session, userId))) throw json({ message: "This session belongs to a different user." }, { status: 404 });
  const config = getConfig();
  // Masked values are replaced on the server (app/masking); the page never receives them.
  const masker = await getSessionDataMasker(staff);
  const ref = { sessionHandle: session.sessionHandle, tenantId: session.tenantId };
  const { value: data, hidden } = masker.maskCounted(ref, session.sessionDataInDatabase);
  // Stored key order unless the page asks for keys sorted A→Z (?keys=sorted, key-order.tsx).
  const keyOrder = new URL(request.url).searchParams.get("keys") === "sorted" ? "sorted" : "stored";
  return json({
    session: {
      sessionHandle: session.sessionHandle,
      userId: session.userId,
      recipeUserId: session.recipeUserId,
      tenantId: session.tenantId,
      timeCreated: session.timeCreated,
      expiry: session.expiry,
    },
    accessTokenPayload: session.accessTokenPayload,
    // Sent as text, not as a nested object: the editor shows exactly this, and its fingerprint is of this data.
    originalText: keyOrder === "sorted" ? prettyJson(data) : layoutJson(data),
    keyOrder,
    // Of the real data (the conflict check's), sealed when values are hidden from this page.
    fingerprint: masker.sealFingerprint(ref, session.sessionDataInDatabase),
    maxBytes: config.MAX_SESSION_DATA_BYTES,
    reasonRequired: config.AUDIT_REASON_REQUIRED,
    // The schema that applies, for the editor's live checks, and where the stored data breaks it (app/schema).
    schema: await sessionSchemaView(session.tenantId, session.sessionDataInDatabase),
    history: await listSessionHistory(handle, undefined, { show: (value) => masker.mask(ref, value) }),
    masking: masker.notice(ref, hidden),
    revealMinutes: config.MASK_REVEAL_MINUTES,
    can: { edit: hasRole(staff.role, "editor"), revert: hasRole(staff.role, "admin") },
    now: Date.now(),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "editor");
  const { userId, handle } = parseParams(params);
  return runSessionEditForm({ staff, userId, sessionHandle: handle, form: await readFormData(request) });
}

// An answer that is not a redirect (invalid, conflict, gone…) must not reload the data under the editor:
// the edit, and the original it was made against, stay exactly as they were.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, actionResult, defaultShouldRevalidate }) => {
  if (formMethod && formMethod !== "GET" && actionResult && typeof actionResult === "object" && "kind" in actionResult) return false;
  return defaultShouldRevalidate;
};

export default function SessionPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as SessionEditAnswer | undefined;
  const userHref = `/users/${encodeURIComponent(data.session.userId)}`;
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Users", to: "/" }, { label: data.session.userId, to: userHref, mono: true }, { label: data.session.sessionHandle, mono: true }]} />
      <SessionFacts session={data.session} now={data.now} accessTokenPayload={data.accessTokenPayload} />
      <section aria-labelledby="data-heading" className="space-y-2">
        <div className="flex flex-wrap items-baseline gap-3">
          <h2 id="data-heading" className="text-lg font-semibold">
            Session data in the database
          </h2>
          <KeyOrderToggle />
        </div>
        <MaskingPanel
          masking={data.masking}
          revealMinutes={data.revealMinutes}
          reasonRequired={data.reasonRequired}
          now={data.now}
          action={`/users/${encodeURIComponent(data.session.userId)}/sessions/${encodeURIComponent(data.session.sessionHandle)}/reveal`}
        />
        <SessionDataWorkspace
          // A new key order is a new starting text for the editor.
          key={`${data.fingerprint}:${data.keyOrder}`}
          originalText={data.originalText}
          fingerprint={data.fingerprint}
          maxBytes={data.maxBytes}
          canEdit={data.can.edit}
          schema={data.schema}
          canOverrideSchema={data.can.revert}
          reasonRequired={data.reasonRequired}
          answer={answer}
        />
      </section>
      <SessionHistory
        // A conflict answer carries the history as it is now (the page does not reload under the editor).
        items={answer?.kind === "conflict" && answer.history ? answer.history : data.history}
        canRevert={data.can.revert}
        auditHref={`/audit?session=${encodeURIComponent(data.session.sessionHandle)}`}
        highlight={answer?.kind === "conflict" ? answer.theirChange?.entryId : undefined}
      />
    </div>
  );
}
