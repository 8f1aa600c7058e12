import { Form, useNavigation } from "@remix-run/react";
import type { RunProgress } from "~/bulk/types";

/** One action of a run page (apply, cancel, resume, retry, a fresh dry run): a POST with its intent. */
export function IntentButton({
  intent,
  label,
  fields = {},
  primary = false,
  danger = false,
  disabled = false,
}: {
  intent: string;
  label: string;
  fields?: Record<string, string>;
  primary?: boolean;
  danger?: boolean;
  disabled?: boolean;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === intent && Object.entries(fields).every(([k, v]) => navigation.formData?.get(k) === v);
  return (
    // A block, not inline: a lone action then takes the page's vertical spacing (in a row of actions it is a
    // flex item either way).
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={primary ? "btn-primary" : danger ? "btn-danger" : "btn"} disabled={disabled || navigation.state === "submitting"}>
        {busy ? "Working…" : label}
      </button>
    </Form>
  );
}

const n = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString("en")} ${count === 1 ? one : many}`;

/** What an admin can do with the run now. Viewers and editors see the same page without these. */
export function RunActions({ progress }: { progress: RunProgress }) {
  const { status, plan, outcomes } = progress;
  switch (status) {
    case "planned":
      return (
        <div className="flex flex-wrap items-center gap-2">
          {plan["will-change"] > 0 ? (
            <IntentButton intent="apply" primary label={`Apply — write ${n(plan["will-change"], "session")}`} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-300">Nothing to write: no session would change.</p>
          )}
          <IntentButton intent="replan" label="Fresh dry run" />
        </div>
      );
    case "running":
      return <IntentButton intent="cancel" danger label="Cancel run" />;
    case "cancelling":
      return <p className="text-sm text-amber-800 dark:text-amber-200">Cancelling: writes in flight are finishing; the rest will be reported as not attempted.</p>;
    case "interrupted":
      return (
        <div className="space-y-2">
          <p className="text-sm text-violet-800 dark:text-violet-200">
            The server running this stopped before it finished. Every outcome so far is below; {n(outcomes.pending, "session has", "sessions have")} no outcome yet.
          </p>
          <div className="flex flex-wrap gap-2">
            <IntentButton intent="resume" primary label={`Resume the remaining ${n(outcomes.pending, "session")}`} />
            <IntentButton intent="cancel" label="Cancel the rest" />
          </div>
        </div>
      );
    case "planning":
      return (
        <div className="flex flex-wrap items-center gap-2">
          <p className="text-sm text-amber-800 dark:text-amber-200">This dry run did not finish (the server stopped while making it).</p>
          <IntentButton intent="replan" label="Fresh dry run" />
        </div>
      );
    case "completed":
    case "cancelled":
      return (
        <div className="flex flex-wrap gap-2">
          {outcomes.failed > 0 ? <IntentButton intent="retry" fields={{ which: "failed" }} primary label={`Retry failed (${outcomes.failed.toLocaleString("en")})`} /> : null}
          {outcomes.changed > 0 ? <IntentButton intent="retry" fields={{ which: "changed" }} label={`Fresh dry run of the ${n(outcomes.changed, "changed session")}`} /> : null}
          {outcomes["not-attempted"] > 0 ? <IntentButton intent="retry" fields={{ which: "not-attempted" }} label={`Dry run of the ${outcomes["not-attempted"].toLocaleString("en")} not attempted`} /> : null}
          <IntentButton intent="replan" label="Fresh dry run of the same change" />
        </div>
      );
  }
}
