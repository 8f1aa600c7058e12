import { ConfirmSubmit } from "~/components/confirm-submit";

/**
 * The staff page's switch for "everyone who signs in with a password must use two-step sign-in".
 * Turning it on asks for a second click (it changes everyone's next sign-in); turning it off does too.
 */
function describeSetting(required: boolean, withoutTotp: number): string {
  const accounts = withoutTotp === 1 ? "1 active password account has" : `${withoutTotp} active password accounts have`;
  if (required) {
    const rest = withoutTotp === 0 ? "Every active password account has it set up." : `${accounts} not set it up yet: they will, right after their password, at their next sign-in.`;
    return `Everyone who signs in with a password also enters a code from an authenticator app. ${rest}`;
  }
  const rest = withoutTotp === 0 ? "Every active password account has it set up." : `${accounts} not set it up; if you require it, they set it up right after their password at their next sign-in.`;
  return `Each person may turn it on from their account page. ${rest}`;
}

export function RequireTotpSetting({ required, withoutTotp }: { required: boolean; withoutTotp: number }) {
  return (
    <section className="card flex flex-wrap items-center justify-between gap-3 p-4" aria-labelledby="require-totp-heading">
      <div className="max-w-3xl">
        <h2 id="require-totp-heading" className="text-sm font-semibold">
          Two-step sign-in for password accounts{" "}
          <span
            className={`badge ml-1 ${required ? "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"}`}
          >
            {required ? "Required" : "Optional"}
          </span>
        </h2>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{describeSetting(required, withoutTotp)} SSO accounts are not affected: their identity provider handles extra checks.</p>
      </div>
      {/* A new instance when the setting flips: the armed state of the last click must not carry over to the opposite action. */}
      <ConfirmSubmit
        key={String(required)}
        intent="require-totp"
        fields={{ required: required ? "false" : "true" }}
        label={required ? "Stop requiring it" : "Require it"}
        confirmLabel={required ? "Confirm: make it optional" : "Confirm: require it for everyone"}
        danger={false}
      />
    </section>
  );
}
