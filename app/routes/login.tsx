import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SsoAccessHint, SsoSignInForm } from "~/components/staff/sso-problem";
import { getConfig, isDemoMode, isOidcConfigured } from "~/config.server";
import { countSignIn } from "~/observability/metrics.server";
import { hasActiveAdmin } from "~/staff/accounts.server";
import { DEMO_ACCOUNTS } from "~/staff/demo.server";
import { getOptionalStaff, safeRedirectPath } from "~/staff/guard.server";
import { assertSameOrigin, isServedOverHttps } from "~/staff/origin.server";
import { signInFormSchema } from "~/staff/schemas.server";
import { SIGN_IN_FAILED_MESSAGE, signInStaff } from "~/staff/sign-in.server";
import { readFormData } from "~/utils/request-input.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Session Desk" }];

/** A throttled sign-in says when to come back (Retry-After), for scripts as well as the message for people. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

/**
 * The one public page. Its loader cannot require a staff session (it is where you get one); it only
 * sends an already signed-in person on to where they were going.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirectPath(url.searchParams.get("redirectTo"));
  if (await getOptionalStaff(request)) throw redirect(redirectTo);
  const demo = isDemoMode();
  return json({
    redirectTo,
    expired: url.searchParams.get("expired") === "1",
    // Demo passwords are of no use (and not shown) when password sign-in is off.
    demoAccounts: demo && getConfig().PASSWORD_SIGN_IN ? DEMO_ACCOUNTS.map(({ role, email, password }) => ({ role, email, password })) : null,
    // With SSO, the first admin is whoever signs in with a group mapped to admin: no CLI step to explain.
    needsFirstAdmin: !demo && !isOidcConfigured() && !(await hasActiveAdmin()),
    sso: isOidcConfigured() ? { providerName: getConfig().OIDC_DISPLAY_NAME } : null,
    passwordSignIn: getConfig().PASSWORD_SIGN_IN,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  // No staff session to require yet, but the form must still come from our own page (login CSRF).
  assertSameOrigin(request);
  if (!getConfig().PASSWORD_SIGN_IN) {
    // PASSWORD_SIGN_IN=false: the form is not shown, and a password posted anyway is not even looked at.
    return json({ message: `Password sign-in is turned off. Use "Sign in with ${getConfig().OIDC_DISPLAY_NAME}".`, email: "" }, { status: 403 });
  }
  const form = Object.fromEntries(await readFormData(request));
  const parsed = signInFormSchema.safeParse(form);
  const email = typeof form.email === "string" ? form.email : "";
  if (!parsed.success) {
    return json({ message: parsed.error.issues[0]?.message ?? SIGN_IN_FAILED_MESSAGE, email }, { status: 400 });
  }
  const result = await signInStaff({
    email: parsed.data.email,
    password: parsed.data.password,
    userAgent: request.headers.get("User-Agent"),
    clientAddress: context.clientAddress ?? null,
    secure: isServedOverHttps(request),
    redirectTo: safeRedirectPath(parsed.data.redirectTo),
  });
  countSignIn("password", result.ok ? "ok" : result.reason);
  if (!result.ok && result.reason === "second-step") {
    // The password was right; the session comes after the second step (app/staff/sign-in-challenge.server.ts).
    throw redirect(result.step === "code" ? "/login/verify" : "/login/enrol", { headers: { "Set-Cookie": result.setCookie } });
  }
  if (!result.ok) {
    if (result.reason === "throttled") {
      return json({ message: result.message, email }, { status: 429, headers: { "Retry-After": String(Math.ceil(result.waitMs / 1000)) } });
    }
    return json({ message: result.message, email }, { status: 401 });
  }
  throw redirect(safeRedirectPath(parsed.data.redirectTo), { headers: { "Set-Cookie": result.setCookie } });
}

export default function Login() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formAction?.startsWith("/login") === true;
  return (
    <div className="mx-auto mt-8 max-w-md space-y-4">
      <div className="card p-6">
        <h1 className="text-xl font-semibold">Sign in to Session Desk</h1>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">For support staff. Every change you make is recorded in the audit trail.</p>
        {data.expired ? (
          <p className="mt-4 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-800" role="status">
            Your session ended. Sign in again to carry on where you were.
          </p>
        ) : null}
        {data.sso ? <SsoSignInForm providerName={data.sso.providerName} redirectTo={data.redirectTo} /> : null}
        {data.sso && data.passwordSignIn ? (
          <p className="mt-5 flex items-center gap-3 text-xs uppercase tracking-wide text-slate-400 before:h-px before:flex-1 before:bg-slate-200 after:h-px after:flex-1 after:bg-slate-200 dark:before:bg-slate-700 dark:after:bg-slate-700">
            or with a password
          </p>
        ) : null}
        {data.passwordSignIn ? (
        <Form method="post" className="mt-5 space-y-4" noValidate={false}>
          <input type="hidden" name="redirectTo" value={data.redirectTo} />
          <div>
            <label className="label" htmlFor="email">
              Email
            </label>
            <input className="input" id="email" name="email" type="email" autoComplete="username" required defaultValue={failure?.email} autoFocus />
          </div>
          <div>
            <label className="label" htmlFor="password">
              Password
            </label>
            <input className="input" id="password" name="password" type="password" autoComplete="current-password" required />
          </div>
          {failure?.message ? (
            <p className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200" role="alert">
              {failure.message}
            </p>
          ) : null}
          <button type="submit" className="btn-primary w-full justify-center" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </Form>
        ) : failure?.message ? (
          <p className="mt-4 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200" role="alert">
            {failure.message}
          </p>
        ) : null}
      </div>
      {data.demoAccounts ? (
        <DemoNotice accounts={data.demoAccounts} />
      ) : data.sso ? (
        <SsoAccessHint providerName={data.sso.providerName} />
      ) : (
        <FirstAdminHint needed={data.needsFirstAdmin} />
      )}
    </div>
  );
}

function DemoNotice({ accounts }: { accounts: { role: string; email: string; password: string }[] }) {
  return (
    <section aria-labelledby="demo-heading" className="card border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950">
      <h2 id="demo-heading" className="text-sm font-semibold text-amber-900 dark:text-amber-100">
        Demo mode
      </h2>
      <p className="mt-1 text-sm text-amber-900/80 dark:text-amber-100/80">
        Session Desk is running against its bundled SuperTokens core with generated data. Sign in with one of these staff accounts (one per
        role); they work only in demo mode.
      </p>
      <ul className="mt-3 divide-y divide-amber-200 text-sm dark:divide-amber-900" aria-label="Demo staff accounts">
        {accounts.map((account) => (
          <li key={account.email} className="grid grid-cols-[4.5rem_1fr] gap-x-2 py-2">
            <span className="row-span-2 font-semibold text-amber-950 dark:text-amber-50">{account.role}</span>
            <span className="mono whitespace-nowrap" title="Email">
              {account.email}
            </span>
            <span className="mono whitespace-nowrap text-amber-900/80 dark:text-amber-100/80">
              <span className="sr-only">Password: </span>
              {account.password}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function FirstAdminHint({ needed }: { needed: boolean }) {
  return (
    <section className="card p-4 text-sm text-slate-600 dark:text-slate-300">
      {needed ? (
        <>
          <h2 className="font-semibold text-slate-900 dark:text-slate-100">No staff accounts yet</h2>
          <p className="mt-1">Create the first admin on the server, then sign in with the password it prints:</p>
          <pre className="mono mt-2 overflow-x-auto rounded-md bg-slate-100 p-2 dark:bg-slate-800">npm run staff -- create --email you@company.com --role admin</pre>
        </>
      ) : (
        <p>No account? Ask a Session Desk admin to create one for you.</p>
      )}
    </section>
  );
}
