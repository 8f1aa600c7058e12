/**
 * The second step of a password sign-in for an account with two-step sign-in: a code from the
 * authenticator app, or a recovery code. Public like /login; what it acts on is this browser's own
 * pending challenge (app/staff/sign-in-challenge.server.ts), made only by a right password.
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorNote } from "~/components/staff/totp-setup";
import { countSignIn } from "~/observability/metrics.server";
import { safeRedirectPath } from "~/staff/guard.server";
import { assertSameOrigin, isServedOverHttps } from "~/staff/origin.server";
import { clearChallengeCookie, completeSignInChallenge, readSignInChallenge, recordChallengeFailure } from "~/staff/sign-in-challenge.server";
import { signInThrottledMessage } from "~/staff/sign-in.server";
import { checkSignInThrottle } from "~/staff/throttle.server";
import { checkSecondFactor, totpStatus, WRONG_CODE_MESSAGE } from "~/staff/totp.server";
import { secondStepSchema } from "~/staff/totp-schemas.server";
import { SIGN_IN_STEP_EXPIRED_MESSAGE } from "~/staff/two-step-text";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Two-step sign-in · Session Desk" }];

export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  const lookup = await readSignInChallenge(request);
  if (lookup.status === "none") throw redirect("/login");
  if (lookup.status === "expired") return json({ expired: true as const, email: null }, { headers: { "Set-Cookie": await clearChallengeCookie(isServedOverHttps(request)) } });
  if (lookup.challenge.step === "enrol") throw redirect("/login/enrol");
  return json({ expired: false as const, email: lookup.challenge.staff.email });
}

export async function action({ request, context }: ActionFunctionArgs) {
  // No session yet; the form must still come from our own page.
  assertSameOrigin(request);
  const secure = isServedOverHttps(request);
  const lookup = await readSignInChallenge(request);
  if (lookup.status !== "active") {
    countSignIn("totp", "expired");
    return json({ message: SIGN_IN_STEP_EXPIRED_MESSAGE, expired: true }, { status: 401, headers: { "Set-Cookie": await clearChallengeCookie(secure) } });
  }
  const { challenge } = lookup;
  if (challenge.step === "enrol") throw redirect("/login/enrol");
  const parsed = secondStepSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return json({ message: parsed.error.issues[0]?.message ?? "Enter the code", expired: false }, { status: 400 });

  const clientAddress = context.clientAddress ?? null;
  const throttle = await checkSignInThrottle({ email: challenge.staff.email, clientAddress });
  if (throttle.throttled) {
    countSignIn("totp", "throttled");
    return json({ message: signInThrottledMessage(throttle.waitMs, throttle.scope), expired: false }, { status: 429, headers: { "Retry-After": String(Math.ceil(throttle.waitMs / 1000)) } });
  }
  const check = await checkSecondFactor(challenge.staff, parsed.data.code);
  if (!check.ok) {
    countSignIn("totp", "invalid");
    const left = await recordChallengeFailure(challenge, { clientAddress, throttle: true });
    if (left === 0) {
      return redirectWithToast(
        "/login",
        { kind: "error", title: "Too many wrong codes", description: "Sign in again with your password, then enter a current code." },
        { headers: { "Set-Cookie": await clearChallengeCookie(secure) } },
      );
    }
    const unreadable = check.unreadable ? " Your authenticator could not be checked here (the server's secret changed): use a recovery code, or ask an admin to reset your two-step sign-in." : "";
    return json({ message: `${WRONG_CODE_MESSAGE}${unreadable} ${left === 1 ? "1 try" : `${left} tries`} left.`, expired: false }, { status: 401 });
  }
  const cookies = await completeSignInChallenge(challenge, { userAgent: request.headers.get("User-Agent"), clientAddress, secure });
  if (!cookies) {
    countSignIn("totp", "expired");
    return json({ message: SIGN_IN_STEP_EXPIRED_MESSAGE, expired: true }, { status: 401, headers: { "Set-Cookie": await clearChallengeCookie(secure) } });
  }
  countSignIn("totp", check.via === "code" ? "ok" : "recovery_code");
  const headers = new Headers();
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  const to = safeRedirectPath(challenge.redirectTo);
  if (check.via === "recovery-code") {
    const status = await totpStatus(challenge.staff.id);
    const left = status.state === "on" ? status.recoveryCodesLeft : 0;
    return redirectWithToast(
      to,
      { kind: "info", title: "Signed in with a recovery code", description: `That code is used up; ${left} left. Make new ones on your account page (your name, top right).` },
      { headers },
    );
  }
  throw redirect(to, { headers });
}

export default function VerifySignIn() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formAction?.startsWith("/login/verify") === true;
  const expired = data.expired || failure?.expired === true;
  return (
    <div className="mx-auto mt-8 max-w-md space-y-4">
      <div className="card p-6">
        <h1 className="text-xl font-semibold">Two-step sign-in</h1>
        {expired ? (
          <div className="mt-4 space-y-4">
            <ErrorNote message={SIGN_IN_STEP_EXPIRED_MESSAGE} />
            <Link to="/login" className="btn-primary w-full justify-center">
              Sign in again
            </Link>
          </div>
        ) : (
          <>
            <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
              Signing in as <span className="mono text-slate-700 dark:text-slate-200">{data.email}</span>. Enter the 6-digit code your authenticator app shows now.
            </p>
            <Form method="post" className="mt-5 space-y-4">
              <div>
                <label className="label" htmlFor="code">
                  Code
                </label>
                <input
                  className="input font-mono tracking-widest"
                  id="code"
                  name="code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={64}
                  required
                  autoFocus
                  aria-describedby="code-hint"
                  aria-invalid={failure?.message ? true : undefined}
                />
                <p id="code-hint" className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                  Lost your phone? Enter one of your recovery codes here instead (like <span className="mono">abcd-efgh-jkmn-pqrs</span>).
                </p>
              </div>
              {failure?.message ? <ErrorNote message={failure.message} /> : null}
              <button type="submit" className="btn-primary w-full justify-center" disabled={busy}>
                {busy ? "Checking…" : "Verify and sign in"}
              </button>
            </Form>
            <p className="mt-4 text-sm text-slate-500 dark:text-slate-400">
              Not you, or no codes left?{" "}
              <Link to="/login" className="text-indigo-700 hover:underline dark:text-indigo-300">
                Start again
              </Link>{" "}
              — or ask a Session Desk admin to reset your two-step sign-in.
            </p>
          </>
        )}
      </div>
    </div>
  );
}
