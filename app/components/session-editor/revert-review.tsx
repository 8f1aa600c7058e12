import { Form, Link, useNavigation } from "@remix-run/react";
import { useState } from "react";
import type { ChangeSummary } from "~/json";
import { ChangeSummaryView } from "./change-summary";
import { JsonDiffView } from "./diff-editor.client";
import { ReasonField } from "./reason-field";
import { SchemaOverrideField } from "~/components/schema/schema-override-field";
import { useEditorsReady } from "./use-client-ready";
import { useDarkMode } from "./use-dark-mode";

export interface RevertPlanView {
  actionLabel: string;
  createdAt: string;
  staffName: string;
  entryReason: string | null;
  userId: string;
  sessionHandle: string;
  currentText: string;
  proposedText: string;
  currentFingerprint: string;
  proposedFingerprint: string;
  summary: ChangeSummary;
}

/** The same review as an edit: current data against what the revert writes, the summary, a reason. */
export function RevertReview({
  plan,
  reasonRequired,
  error,
  entryHref,
  schemaRefused = false,
}: {
  plan: RevertPlanView;
  reasonRequired: boolean;
  error: string | null;
  entryHref: string;
  /** The schema refused this revert: offer the admin's override (app/components/schema). */
  schemaRefused?: boolean;
}) {
  const editorsReady = useEditorsReady();
  const dark = useDarkMode();
  const navigation = useNavigation();
  const [reason, setReason] = useState("");
  const busy = navigation.state === "submitting";
  const sessionHref = `/users/${encodeURIComponent(plan.userId)}/sessions/${encodeURIComponent(plan.sessionHandle)}`;
  return (
    <section aria-labelledby="revert-heading" className="card space-y-4 p-4">
      <div>
        <h2 id="revert-heading" className="text-lg font-semibold">
          Review the revert
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Undoes “{plan.actionLabel}” by {plan.staffName} at {plan.createdAt.slice(0, 19).replace("T", " ")} UTC
          {plan.entryReason ? ` (reason: ${plan.entryReason})` : ""} on{" "}
          <Link to={sessionHref} className="mono text-indigo-700 hover:underline dark:text-indigo-300">
            session {plan.sessionHandle}
          </Link>
          . Left: the session's data now. Right: what will be written. Later changes to other places are kept.
        </p>
      </div>
      {error ? (
        <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
          {error}
        </p>
      ) : null}
      <ChangeSummaryView summary={plan.summary} label="Summary of the revert" />
      {editorsReady ? <JsonDiffView original={plan.currentText} modified={plan.proposedText} dark={dark} label="Difference between the current data and the reverted data" /> : null}
      <Form method="post" className="space-y-3" replace>
        <input type="hidden" name="intent" value="revert" />
        <input type="hidden" name="expectedFingerprint" value={plan.currentFingerprint} />
        <input type="hidden" name="proposedFingerprint" value={plan.proposedFingerprint} />
        <ReasonField id="revert-reason" value={reason} onChange={setReason} required={reasonRequired} />
        {schemaRefused ? <SchemaOverrideField id="revert-schema-override" /> : null}
        <div className="flex flex-wrap gap-2">
          <button type="submit" className="btn-primary" disabled={busy}>
            {busy ? "Writing…" : "Write to database"}
          </button>
          <Link to={entryHref} className="btn">
            Cancel
          </Link>
        </div>
      </Form>
    </section>
  );
}
