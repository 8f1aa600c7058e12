/**
 * Your two-step sign-in (TOTP): set it up with a QR code, see how many recovery codes are left, make new
 * ones, or turn it off (both need a current code or your password). SSO accounts are pointed to their
 * identity provider, which handles extra checks for them.
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ProfileTabs } from "~/components/profile-tabs";
import { TotpSettingsPanel } from "~/components/staff/totp-settings-panel";
import { findStaffByEmail } from "~/staff/accounts.server";
import { isTotpRequired } from "~/staff/app-settings.server";
import { recordStaffEvent } from "~/staff/events.server";
import { requireStaff } from "~/staff/guard.server";
import { ssoProviderName } from "~/staff/oidc.server";
import { checkOwnerProof } from "~/staff/totp-proof.server";
import { cancelTotpEnrolment, confirmTotpEnrolment, pendingEnrolment, removeTotp, replaceRecoveryCodes, startTotpEnrolment, totpStatus, TotpError } from "~/staff/totp.server";
import { securityIntentSchema } from "~/staff/totp-schemas.server";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Two-step sign-in · Session Desk" }];

export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

const HERE = "/profile/security";

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const account = await findStaffByEmail(staff.email);
  if (account?.signInMethod === "oidc") {
    return json({ sso: ssoProviderName(account.oidcIssuer) ?? "your identity provider", status: null, enrolment: null, required: false });
  }
  const [status, required] = await Promise.all([totpStatus(staff.id), isTotpRequired()]);
  const enrolment = status.state === "pending" ? await pendingEnrolment(staff) : null;
  return json({ sso: null, status, enrolment: enrolment && { secretText: enrolment.secretText, qrDataUrl: enrolment.qrDataUrl }, required });
}

const problem = (intent: string, message: string, status = 400, headers?: HeadersInit) => json({ kind: "problem" as const, intent, message }, { status, headers });

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const form = Object.fromEntries(await readFormData(request));
  const parsed = securityIntentSchema.safeParse(form);
  if (!parsed.success) return problem(String(form.intent ?? ""), parsed.error.issues.map((issue) => issue.message).join("; "));
  const input = parsed.data;
  const account = await findStaffByEmail(staff.email);
  if (account?.signInMethod !== "password") return problem(input.intent, "You sign in through your identity provider, which handles two-step sign-in for you. Nothing was changed.");
  const clientAddress = context.clientAddress ?? null;
  try {
    switch (input.intent) {
      case "start":
        await startTotpEnrolment(staff.id);
        return redirectWithToast(HERE, { kind: "info", title: "Add Session Desk to your authenticator app", description: "Then enter the code it shows to turn two-step sign-in on." });
      case "cancel":
        await cancelTotpEnrolment(staff.id);
        return redirectWithToast(HERE, { kind: "info", title: "Set-up cancelled", description: "Two-step sign-in stays off. Remove the entry from your app if you added it." });
      case "confirm": {
        const confirmed = await confirmTotpEnrolment(staff, input.code);
        if (!confirmed.ok) return problem(input.intent, confirmed.message);
        await recordStaffEvent({ actorEmail: staff.email, action: "totp-enrol", targetEmail: staff.email });
        // Not a redirect: the recovery codes are shown exactly once, and never ride in a URL or cookie.
        return json({ kind: "codes" as const, title: "Two-step sign-in is on", recoveryCodes: confirmed.recoveryCodes });
      }
      case "regenerate":
      case "disable": {
        const proof = await checkOwnerProof(staff, input.proof, clientAddress);
        if (!proof.ok) return problem(input.intent, proof.message, proof.status, proof.retryAfterSeconds ? { "Retry-After": String(proof.retryAfterSeconds) } : undefined);
        if (input.intent === "regenerate") {
          const recoveryCodes = await replaceRecoveryCodes(staff.id);
          await recordStaffEvent({ actorEmail: staff.email, action: "totp-recovery-codes", targetEmail: staff.email });
          return json({ kind: "codes" as const, title: "New recovery codes", recoveryCodes });
        }
        if (!(await removeTotp(staff.id))) return problem(input.intent, "Two-step sign-in is not on. Nothing was changed.");
        await recordStaffEvent({ actorEmail: staff.email, action: "totp-disable", targetEmail: staff.email });
        const required = await isTotpRequired();
        return redirectWithToast(HERE, {
          kind: "success",
          title: "Two-step sign-in is off",
          description: required ? "Your admin requires it: you will set it up again right after your password at your next sign-in." : "Your authenticator entry and recovery codes no longer work.",
        });
      }
    }
  } catch (error) {
    if (error instanceof TotpError) return problem(input.intent, error.message);
    throw error;
  }
}

export default function SecurityPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <div className="space-y-2">
        <ProfileTabs />
        <h1 className="text-xl font-semibold">Two-step sign-in</h1>
        <p className="max-w-3xl text-sm text-slate-500 dark:text-slate-400">
          After your password, Session Desk asks for a code from an authenticator app on your phone, so a leaked password alone does not open your account.
        </p>
      </div>
      <TotpSettingsPanel
        sso={data.sso}
        status={data.status}
        enrolment={data.enrolment}
        required={data.required}
        codes={result?.kind === "codes" ? { title: result.title, recoveryCodes: result.recoveryCodes } : null}
        problem={result?.kind === "problem" ? { intent: result.intent, message: result.message } : null}
      />
    </div>
  );
}
