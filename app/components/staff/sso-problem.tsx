import { Link } from "@remix-run/react";

/** Why an SSO sign-in did not sign anyone in, with the way back. Rendered as inert text. */
export function SsoProblemNotice({ title, message }: { title: string; message: string }) {
  return (
    <div className="mx-auto mt-8 max-w-md">
      <section className="card p-6" aria-labelledby="sso-problem-heading">
        <h1 id="sso-problem-heading" className="text-xl font-semibold">
          {title}
        </h1>
        <p role="alert" className="mt-3 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200">
          {message}
        </p>
        <p className="mt-5">
          <Link to="/login" className="btn-primary">
            Back to sign-in
          </Link>
        </p>
      </section>
    </div>
  );
}

/** The "Sign in with …" button: a POST that starts the flow (no GET changes anything), as a full page load so the browser follows the redirect to the provider. */
export function SsoSignInForm({ providerName, redirectTo }: { providerName: string; redirectTo: string }) {
  return (
    <form method="post" action="/sso/start" className="mt-5">
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button type="submit" className="btn-primary w-full justify-center">
        {`Sign in with ${providerName}`}
      </button>
    </form>
  );
}

/** Under the sign-in card when SSO is set up: access comes from the provider's groups, not from an admin here. */
export function SsoAccessHint({ providerName }: { providerName: string }) {
  return (
    <section className="card p-4 text-sm text-slate-600 dark:text-slate-300">
      <p>
        {`Your access and role come from your groups at ${providerName}. Your Session Desk account is made the first time you sign in.`}
      </p>
    </section>
  );
}
