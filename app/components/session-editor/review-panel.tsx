import { Form, useNavigation } from "@remix-run/react";
import type { ChangeSummary } from "~/json";
import { ChangeSummaryView } from "./change-summary";
import { JsonDiffView } from "./diff-editor.client";
import { ReasonField } from "./reason-field";
import type { ReviewExcerpt } from "./review-excerpt";

export interface ReviewSnapshot {
  /** The exact text that will be posted (what the diff was computed from). */
  text: string;
  prettyOriginal: string;
  prettyEdit: string;
  summary: ChangeSummary;
  /** A large document's diff shows only its changed regions (null: the whole texts). */
  excerpt?: ReviewExcerpt | null;
}

/**
 * Review before write: the diff of the original against the edit (both pretty-printed the same way),
 * the structural summary, a reason, and the two ways on. Nothing reaches the core without this step.
 */
export function ReviewPanel({
  review,
  originalText,
  fingerprint,
  reason,
  onReasonChange,
  reasonRequired,
  onBack,
  dark,
  editorsReady,
}: {
  review: ReviewSnapshot;
  originalText: string;
  fingerprint: string;
  reason: string;
  onReasonChange: (value: string) => void;
  reasonRequired: boolean;
  onBack: () => void;
  dark: boolean;
  editorsReady: boolean;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "write";
  if (review.summary.count === 0) {
    return (
      <section aria-labelledby="review-heading" className="card space-y-3 p-4">
        <h2 id="review-heading" className="text-lg font-semibold">
          Nothing to write
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">The edited data is the same as the data you opened (formatting and key order do not count). Nothing will be written.</p>
        <button type="button" className="btn" onClick={onBack}>
          Back to editing
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby="review-heading" className="card space-y-4 p-4">
      <div>
        <h2 id="review-heading" className="text-lg font-semibold">
          Review the change
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">Left: the data when you opened it. Right: what will be written. The whole object is replaced with the right side.</p>
      </div>
      <ChangeSummaryView summary={review.summary} label="Summary of the changes" />
      {review.excerpt ? (
        <p className="text-xs text-slate-500" data-testid="diff-excerpt-note">
          A large document: the difference shows only the changed regions, with 3 lines around each. Line numbers are those of the whole text.
        </p>
      ) : null}
      {editorsReady ? (
        review.excerpt ? (
          <JsonDiffView
            original={review.excerpt.original}
            modified={review.excerpt.modified}
            lineNumbers={{ original: review.excerpt.originalLineNumbers, modified: review.excerpt.modifiedLineNumbers }}
            dark={dark}
            label="Difference between the original and your edit"
          />
        ) : (
          <JsonDiffView original={review.prettyOriginal} modified={review.prettyEdit} dark={dark} label="Difference between the original and your edit" />
        )
      ) : null}
      <Form method="post" className="space-y-3" replace>
        <input type="hidden" name="intent" value="write" />
        <input type="hidden" name="text" value={review.text} />
        <input type="hidden" name="original" value={originalText} />
        <input type="hidden" name="fingerprint" value={fingerprint} />
        <ReasonField id="review-reason" value={reason} onChange={onReasonChange} required={reasonRequired} />
        <div className="flex flex-wrap gap-2">
          <button type="submit" className="btn-primary" disabled={busy}>
            {busy ? "Writing…" : "Write to database"}
          </button>
          <button type="button" className="btn" onClick={onBack} disabled={busy}>
            Back to editing
          </button>
        </div>
      </Form>
    </section>
  );
}
