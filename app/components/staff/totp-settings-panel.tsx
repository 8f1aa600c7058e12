import { Form, useNavigation } from "@remix-run/react";
import { ErrorNote, RecoveryCodesNotice, TotpSetupPanel, type EnrolmentView } from "~/components/staff/totp-setup";
import { formatDateTime } from "~/utils/format";

type Status = { state: "off" } | { state: "pending"; startedAt: string } | { state: "on"; confirmedAt: string; recoveryCodesLeft: number };

function StateBadge({ on }: { on: boolean }) {
  return (
    <span className={`badge ${on ? "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"}`}>{on ? "On" : "Off"}</span>
  );
}

/** One change that needs proof: a current code from the app, a recovery code, or the password. */
function ProofForm({ intent, label, buttonClass, problem }: { intent: "regenerate" | "disable"; label: string; buttonClass: string; problem?: string }) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  const id = `proof-${intent}`;
  return (
    <Form method="post" className="space-y-2">
      <input type="hidden" name="intent" value={intent} />
      <div>
        <label className="label" htmlFor={id}>
          Current code or your password
        </label>
        <input className="input max-w-xs" id={id} name="proof" type="password" autoComplete="off" required maxLength={256} aria-invalid={problem ? true : undefined} />
      </div>
      {problem ? <ErrorNote message={problem} /> : null}
      <button type="submit" className={buttonClass} disabled={busy}>
        {busy ? "Working…" : label}
      </button>
    </Form>
  );
}

export function TotpSettingsPanel({
  sso,
  status,
  enrolment,
  required,
  codes,
  problem,
}: {
  sso: string | null;
  status: Status | null;
  enrolment: EnrolmentView | null;
  required: boolean;
  codes: { title: string; recoveryCodes: string[] } | null;
  problem: { intent: string; message: string } | null;
}) {
  const problemFor = (intent: string) => (problem?.intent === intent ? problem.message : undefined);
  if (sso || !status) {
    return (
      <section className="card p-4 text-sm text-slate-600 dark:text-slate-300">
        You sign in with <strong>{sso}</strong>. Extra sign-in checks, such as an authenticator app, are set up there, not in Session Desk.
      </section>
    );
  }
  const generalProblem = problem && !["confirm", "regenerate", "disable"].includes(problem.intent) ? problem.message : undefined;
  return (
    <div className="space-y-4">
      {codes ? (
        <>
          <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
            {codes.title}.
          </p>
          <RecoveryCodesNotice codes={codes.recoveryCodes} />
        </>
      ) : null}
      {generalProblem ? <ErrorNote message={generalProblem} /> : null}
      <section className="card space-y-4 p-4" aria-labelledby="totp-heading">
        <h2 id="totp-heading" className="flex items-center gap-2 text-sm font-semibold">
          Authenticator app <StateBadge on={status.state === "on"} />
        </h2>
        {status.state === "off" ? (
          <>
            <p className="text-sm text-slate-600 dark:text-slate-300">
              {required
                ? "Your admin requires two-step sign-in: if you do not set it up here, you will be asked to right after your password at your next sign-in."
                : "Two-step sign-in is off for your account."}
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="start" />
              <button type="submit" className="btn-primary">
                Set up two-step sign-in
              </button>
            </Form>
          </>
        ) : status.state === "pending" ? (
          enrolment ? (
            <>
              <TotpSetupPanel enrolment={enrolment} problem={problemFor("confirm")} />
              <Form method="post">
                <input type="hidden" name="intent" value="cancel" />
                <button type="submit" className="btn btn-sm">
                  Cancel set-up
                </button>
              </Form>
            </>
          ) : (
            <>
              <ErrorNote message="The set-up in progress cannot be read (the server's secret changed). Start it again." />
              <Form method="post">
                <input type="hidden" name="intent" value="start" />
                <button type="submit" className="btn-primary">
                  Start again
                </button>
              </Form>
            </>
          )
        ) : (
          <>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-500 dark:text-slate-400">Turned on</dt>
              <dd>{formatDateTime(Date.parse(status.confirmedAt))}</dd>
              <dt className="text-slate-500 dark:text-slate-400">Recovery codes left</dt>
              <dd className={status.recoveryCodesLeft <= 2 ? "font-medium text-amber-700 dark:text-amber-300" : undefined}>
                {`${status.recoveryCodesLeft} of 10${status.recoveryCodesLeft <= 2 ? " — make new ones soon" : ""}`}
              </dd>
            </dl>
            <div className="grid gap-6 border-t border-slate-100 pt-4 md:grid-cols-2 dark:border-slate-800">
              <div className="space-y-2">
                <h3 className="text-sm font-semibold">New recovery codes</h3>
                <p className="text-sm text-slate-500 dark:text-slate-400">Replaces all your recovery codes, used or not.</p>
                <ProofForm intent="regenerate" label="Make new recovery codes" buttonClass="btn" problem={problemFor("regenerate")} />
              </div>
              <div className="space-y-2">
                <h3 className="text-sm font-semibold">Turn off</h3>
                <p className="text-sm text-slate-500 dark:text-slate-400">
                  {required ? "Your admin requires it: you would set it up again at your next sign-in. " : ""}To move to a new phone, turn it off and set it up again.
                </p>
                <ProofForm intent="disable" label="Turn off two-step sign-in" buttonClass="btn-danger" problem={problemFor("disable")} />
              </div>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
