import { Form, useNavigation } from "@remix-run/react";
import { CopyButton } from "~/components/copy-button";

export interface EnrolmentView {
  secretText: string;
  qrDataUrl: string;
}

export function ErrorNote({ message }: { message: string }) {
  return (
    <p className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200" role="alert">
      {message}
    </p>
  );
}

/**
 * Adding Session Desk to an authenticator app: the QR code (made on the server, an inert image), the same
 * secret as text for typing in by hand, and the first code to prove it worked.
 */
export function TotpSetupPanel({ enrolment, problem, action }: { enrolment: EnrolmentView; problem?: string; action?: string }) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "confirm";
  return (
    <div className="space-y-4">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-600 dark:text-slate-300">
        <li>Open an authenticator app on your phone (1Password, Google Authenticator, Microsoft Authenticator, Authy…).</li>
        <li>Scan this QR code, or type the key below into the app.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="flex flex-wrap items-start gap-5">
        {/* White behind the code in dark mode too: phone cameras read dark-on-light. */}
        <img src={enrolment.qrDataUrl} alt="QR code to add Session Desk to your authenticator app" width={184} height={184} className="rounded-md border border-slate-200 bg-white p-1 dark:border-slate-700" />
        <div className="min-w-0 space-y-2">
          <p className="text-sm font-medium" id="totp-key-label">
            Key for typing in by hand
          </p>
          <p className="flex flex-wrap items-center gap-2">
            <code className="mono break-all rounded bg-slate-100 px-2 py-1 text-sm dark:bg-slate-800" aria-labelledby="totp-key-label" data-testid="totp-secret">
              {enrolment.secretText}
            </code>
            <CopyButton value={enrolment.secretText.replace(/ /g, "")} text="Copy key" />
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400">Time-based, 6 digits, every 30 seconds (the apps' default).</p>
        </div>
      </div>
      <Form method="post" action={action} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="intent" value="confirm" />
        <div>
          <label className="label" htmlFor="totp-confirm-code">
            Code from the app
          </label>
          <input
            className="input w-40 font-mono tracking-widest"
            id="totp-confirm-code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={64}
            required
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? "totp-confirm-problem" : undefined}
          />
        </div>
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? "Checking…" : "Turn on two-step sign-in"}
        </button>
      </Form>
      {problem ? (
        <div id="totp-confirm-problem">
          <ErrorNote message={problem} />
        </div>
      ) : null}
    </div>
  );
}

/** Recovery codes, shown once right after they are made; only their hashes are kept. */
export function RecoveryCodesNotice({ codes }: { codes: string[] }) {
  const text = codes.join("\n");
  return (
    <section className="card border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950" aria-labelledby="recovery-codes-heading">
      <h2 id="recovery-codes-heading" className="text-sm font-semibold text-amber-950 dark:text-amber-50">
        Your recovery codes — shown only now
      </h2>
      <p className="mt-1 text-sm text-amber-900/80 dark:text-amber-100/80">
        Each one signs you in once if your phone is lost. Keep them somewhere safe, like a password manager. Session Desk keeps only a scrambled form and cannot show them again; new
        ones replace these.
      </p>
      <ul className="mono mt-3 grid w-fit grid-cols-1 gap-x-10 gap-y-1 text-sm text-amber-950 sm:grid-cols-2 dark:text-amber-50" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="mt-3 flex flex-wrap gap-2">
        <CopyButton value={text} text="Copy codes" />
        <a className="btn btn-sm" href={`data:text/plain;charset=utf-8,${encodeURIComponent(`Session Desk recovery codes\n\n${text}\n`)}`} download="session-desk-recovery-codes.txt">
          Download as text
        </a>
      </div>
    </section>
  );
}
