/**
 * Setting up two-step sign-in in the middle of signing in, when an admin requires it and this password
 * account has none yet. The password was right (a challenge exists, app/staff/sign-in-challenge.server.ts),
 * but the session begins only once a code from the new authenticator is confirmed; the recovery codes are
 * shown once, on that answer, next to the way on.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorNote, RecoveryCodesNotice, TotpSetupPanel } from "~/components/staff/totp-setup";
import { countSignIn } from "~/observability/metrics.server";
import { recordStaffEvent } from "~/staff/events.server";
import { safeRedirectPath } from "~/staff/guard.server";
import { assertSameOrigin, isServedOverHttps } from "~/staff/origin.server";
import { clearChallengeCookie, completeSignInChallenge, readSignInChallenge, recordChallengeFailure } from "~/staff/sign-in-challenge.server";
import { confirmTotpEnrolment, pendingEnrolment, startTotpEnrolment } from "~/staff/totp.server";
import { enrolAtSignInSchema } from "~/staff/totp-schemas.server";
import { SIGN_IN_STEP_EXPIRED_MESSAGE } from "~/staff/two-step-text";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Set up two-step sign-in · Session Desk" }];

/**
 * Once set up, the challenge is used up and its cookie cleared: this page's loader would send the browser
 * to /login and take the recovery codes off the screen before they are saved. The root loader still
 * revalidates, so the header shows who is now signed in.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as { kind?: string } | undefined)?.kind === "enrolled" ? false : defaultShouldRevalidate;

export async function loader({ request }: LoaderFunctionArgs) {
  const lookup = await readSignInChallenge(request);
  if (lookup.status === "none") throw redirect("/login");
  if (lookup.status === "expired") return json({ expired: true as const, email: null, enrolment: null }, { headers: { "Set-Cookie": await clearChallengeCookie(isServedOverHttps(request)) } });
  if (lookup.challenge.step === "code") throw redirect("/login/verify");
  const enrolment = await pendingEnrolment(lookup.challenge.staff);
  return json({ expired: false as const, email: lookup.challenge.staff.email, enrolment: enrolment && { secretText: enrolment.secretText, qrDataUrl: enrolment.qrDataUrl } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const secure = isServedOverHttps(request);
  const lookup = await readSignInChallenge(request);
  if (lookup.status !== "active") {
    countSignIn("totp", "expired");
    return json({ kind: "problem" as const, message: SIGN_IN_STEP_EXPIRED_MESSAGE, expired: true }, { status: 401, headers: { "Set-Cookie": await clearChallengeCookie(secure) } });
  }
  const { challenge } = lookup;
  if (challenge.step === "code") throw redirect("/login/verify");
  const parsed = enrolAtSignInSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return json({ kind: "problem" as const, message: parsed.error.issues[0]?.message ?? "Unknown request", expired: false }, { status: 400 });
  if (parsed.data.intent === "start") {
    await startTotpEnrolment(challenge.staff.id);
    throw redirect("/login/enrol");
  }
  const confirmed = await confirmTotpEnrolment(challenge.staff, parsed.data.code);
  const clientAddress = context.clientAddress ?? null;
  if (!confirmed.ok) {
    // Not a throttle failure: whoever is here knows the secret being set up; the challenge's limit still applies.
    const left = await recordChallengeFailure(challenge, { clientAddress, throttle: false });
    if (left === 0) {
      return redirectWithToast("/login", { kind: "error", title: "Too many wrong codes", description: "Sign in again with your password to start the set-up over." }, { headers: { "Set-Cookie": await clearChallengeCookie(secure) } });
    }
    return json({ kind: "problem" as const, message: `${confirmed.message} ${left === 1 ? "1 try" : `${left} tries`} left.`, expired: false }, { status: 400 });
  }
  await recordStaffEvent({ actorEmail: challenge.staff.email, action: "totp-enrol", targetEmail: challenge.staff.email, detail: "at sign-in, as required" });
  const cookies = await completeSignInChallenge(challenge, { userAgent: request.headers.get("User-Agent"), clientAddress, secure });
  if (!cookies) {
    return json({ kind: "problem" as const, message: `Two-step sign-in is on, but ${SIGN_IN_STEP_EXPIRED_MESSAGE.toLowerCase()}`, expired: true }, { status: 401 });
  }
  countSignIn("totp", "enrolled");
  const headers = new Headers();
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  // Not a redirect: the recovery codes are shown exactly once, and never ride in a URL or cookie.
  return json({ kind: "enrolled" as const, recoveryCodes: confirmed.recoveryCodes, continueTo: safeRedirectPath(challenge.redirectTo) }, { headers });
}

export default function EnrolAtSignIn() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result?.kind === "enrolled") {
    return (
      <div className="mx-auto mt-8 max-w-xl space-y-4">
        <div className="card p-6">
          <h1 className="text-xl font-semibold">Two-step sign-in is on</h1>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">From now on you enter a code from your authenticator app after your password.</p>
        </div>
        <RecoveryCodesNotice codes={result.recoveryCodes} />
        {/* A full page load: the header and everything else see the new session. */}
        <a href={result.continueTo} className="btn-primary">
          I have saved my recovery codes — continue
        </a>
      </div>
    );
  }
  const expired = data.expired || (result?.kind === "problem" && result.expired);
  return (
    <div className="mx-auto mt-8 max-w-xl space-y-4">
      <div className="card p-6">
        <h1 className="text-xl font-semibold">Set up two-step sign-in</h1>
        {expired ? (
          <div className="mt-4 space-y-4">
            <ErrorNote message={result?.kind === "problem" ? result.message : SIGN_IN_STEP_EXPIRED_MESSAGE} />
            <Link to="/login" className="btn-primary w-full justify-center">
              Sign in again
            </Link>
          </div>
        ) : (
          <>
            <p className="mt-1 mb-4 text-sm text-slate-500 dark:text-slate-400">
              Your Session Desk admin requires a second step for password sign-ins. Set it up now to finish signing in as{" "}
              <span className="mono text-slate-700 dark:text-slate-200">{data.email}</span>.
            </p>
            {data.enrolment ? (
              <TotpSetupPanel enrolment={data.enrolment} problem={result?.kind === "problem" ? result.message : undefined} />
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="start" />
                <button type="submit" className="btn-primary">
                  Start the set-up
                </button>
              </Form>
            )}
          </>
        )}
      </div>
    </div>
  );
}
