import { ConfirmSubmit } from "~/components/confirm-submit";

/**
 * The staff page's switch for "everyone who signs in with a password must use two-step sign-in".
 * Turning it on asks for a second click (it changes everyone's next sign-in); turning it off does too.
 */
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
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          {required
            ? "Everyone who signs in with a password also enters a code from an authenticator app. "
            : "Each person may turn it on from their account page. When required, "}
          {withoutTotp === 0
            ? "Every active password account has it set up."
            : `${withoutTotp} active password ${withoutTotp === 1 ? "account has" : "accounts have"} not set it up yet${required ? " and will do so right after their password at their next sign-in" : " and would do so at their next sign-in"}.`}{" "}
          SSO accounts are not affected: their identity provider handles extra checks.
        </p>
      </div>
      <ConfirmSubmit
        intent="require-totp"
        fields={{ required: required ? "false" : "true" }}
        label={required ? "Stop requiring it" : "Require it"}
        confirmLabel={required ? "Confirm: make it optional" : "Confirm: require it for everyone"}
        danger={false}
      />
    </section>
  );
}
