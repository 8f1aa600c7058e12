import { Form, useNavigation } from "@remix-run/react";
import type { SessionEditAnswer } from "~/components/session-editor/types";
import { SchemaOverrideField } from "./schema-override-field";

type Refusal = Extract<SessionEditAnswer, { kind: "schema-refused" }>;

/**
 * The schema refused a write: where and why, what was already wrong, and for an admin the way to write it
 * anyway with a reason (posted with the same text, original and fingerprint as the refused write).
 */
export function SchemaRefusal({ answer, canOverride, text, originalText, fingerprint, reason }: { answer: Refusal; canOverride: boolean; text: string | null; originalText: string; fingerprint: string; reason: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div role="alert" data-testid="schema-refusal" className="space-y-2 rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
      <p className="font-medium">
        Not written: the schema “{answer.schemaName}” (version {answer.schemaVersion}) refuses this change. {answer.wasValid ? "The data matched the schema before it." : "The data already broke the schema; this change adds errors."}
      </p>
      <ul className="list-disc pl-5" aria-label="What the change would break">
        {answer.introduced.map((issue) => (
          <li key={`${issue.pointer} ${issue.message}`}>
            <span className="mono font-semibold">{issue.path}</span>: {issue.message}
          </li>
        ))}
      </ul>
      {answer.remaining.length > 0 ? (
        <p className="text-xs">
          Already wrong before (allowed to stay): {answer.remaining.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}
        </p>
      ) : null}
      <p className="text-xs">Your edit is still in the editor: fix the places above and review again.</p>
      {canOverride && text !== null ? (
        <Form method="post" className="space-y-2" replace>
          <input type="hidden" name="intent" value="write" />
          <input type="hidden" name="text" value={text} />
          <input type="hidden" name="original" value={originalText} />
          <input type="hidden" name="fingerprint" value={fingerprint} />
          <input type="hidden" name="reason" value={reason} />
          <SchemaOverrideField id="editor-schema-override" />
          <button type="submit" className="btn-danger" disabled={busy}>
            {busy ? "Writing…" : "Write anyway (admin override)"}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
