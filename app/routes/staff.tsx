import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CreatedStaffNotice, CreateStaffForm } from "~/components/staff/create-staff-form";
import { StaffEventsList } from "~/components/staff/staff-events";
import { StaffTable } from "~/components/staff/staff-table";
import { RequireTotpSetting } from "~/components/staff/require-totp-setting";
import { isTotpRequired, setTotpRequired } from "~/staff/app-settings.server";
import {
  createStaffAccount,
  disableStaffAccount,
  enableStaffAccount,
  findStaffByEmail,
  listStaffAccounts,
  setStaffRole,
  StaffAccountError,
} from "~/staff/accounts.server";
import { listStaffEvents, recordStaffEvent, REQUIRE_TOTP_TARGET, roleChangeDetail } from "~/staff/events.server";
import { ssoProviderName } from "~/staff/oidc.server";
import { requireStaff } from "~/staff/guard.server";
import { staffIntentSchema } from "~/staff/schemas.server";
import { removeTotp, staffIdsWithTotp } from "~/staff/totp.server";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Staff · Session Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const [accounts, events, withTotp, totpRequired] = await Promise.all([listStaffAccounts(), listStaffEvents(15), staffIdsWithTotp(), isTotpRequired()]);
  const rows = accounts.map((account) => ({ ...account, ssoProvider: ssoProviderName(account.oidcIssuer), totp: withTotp.has(account.id) }));
  const passwordAccountsWithoutTotp = rows.filter((row) => row.signInMethod === "password" && !row.disabled && !row.totp).length;
  return json({ accounts: rows, events, selfId: staff.id, totpRequired, passwordAccountsWithoutTotp });
}

/** What the form keeps when a create fails (never the password). */
const keptFields = (form: Record<string, FormDataEntryValue>) => ({
  email: typeof form.email === "string" ? form.email : undefined,
  displayName: typeof form.displayName === "string" ? form.displayName : undefined,
  role: typeof form.role === "string" ? form.role : undefined,
});

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const form = Object.fromEntries(await readFormData(request));
  const parsed = staffIntentSchema.safeParse(form);
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => issue.message).join("; ");
    return json({ kind: "problem" as const, intent: String(form.intent ?? ""), message, fields: keptFields(form) }, { status: 400 });
  }
  const input = parsed.data;
  // An admin cannot lock themselves out from here; another admin (or the CLI) can.
  if (input.intent !== "create" && input.intent !== "require-totp" && input.email === staff.email.toLowerCase()) {
    return json(
      { kind: "problem" as const, intent: input.intent, message: "You cannot change your own account here. Ask another admin.", fields: {} },
      { status: 400 },
    );
  }
  try {
    switch (input.intent) {
      case "create": {
        const { account, generatedPassword } = await createStaffAccount(input);
        await recordStaffEvent({ actorEmail: staff.email, action: "create", targetEmail: account.email, detail: `as ${account.role}` });
        // Not a redirect: a generated password must be shown exactly once, and never ride in a URL or cookie.
        return json({ kind: "created" as const, email: account.email, password: generatedPassword });
      }
      case "set-role": {
        const account = await setStaffRole(input.email, input.role);
        await recordStaffEvent({ actorEmail: staff.email, action: "set-role", targetEmail: account.email, detail: roleChangeDetail(account) });
        return redirectWithToast("/staff", { kind: "success", title: `${account.email} is now ${account.role}` });
      }
      case "disable": {
        const account = await disableStaffAccount(input.email);
        await recordStaffEvent({ actorEmail: staff.email, action: "disable", targetEmail: account.email });
        return redirectWithToast("/staff", { kind: "success", title: `Disabled ${account.email}`, description: "Their sessions ended at once." });
      }
      case "enable": {
        const account = await enableStaffAccount(input.email);
        await recordStaffEvent({ actorEmail: staff.email, action: "enable", targetEmail: account.email });
        return redirectWithToast("/staff", { kind: "success", title: `Enabled ${account.email}` });
      }
      case "reset-totp": {
        const account = await findStaffByEmail(input.email);
        if (!account) throw new StaffAccountError(`There is no staff account for ${input.email}.`);
        if (!(await removeTotp(account.id))) throw new StaffAccountError(`${account.email} has no two-step sign-in to reset.`);
        await recordStaffEvent({ actorEmail: staff.email, action: "totp-reset", targetEmail: account.email, detail: `because: ${input.reason}` });
        return redirectWithToast("/staff", {
          kind: "success",
          title: `Reset the two-step sign-in of ${account.email}`,
          description: "Their authenticator and recovery codes no longer work; they can set it up again from their account page.",
        });
      }
      case "require-totp": {
        const required = input.required === "true";
        if (await setTotpRequired(required, staff.email)) {
          await recordStaffEvent({ actorEmail: staff.email, action: "require-totp", targetEmail: REQUIRE_TOTP_TARGET, detail: required ? "on" : "off" });
        }
        return redirectWithToast("/staff", {
          kind: "success",
          title: required ? "Two-step sign-in is required for password accounts" : "Two-step sign-in is no longer required",
          description: required ? "Anyone without it sets it up right after their password at their next sign-in. SSO accounts are not affected." : "Those who use it keep it.",
        });
      }
    }
  } catch (error) {
    if (error instanceof StaffAccountError) {
      return json({ kind: "problem" as const, intent: input.intent, message: error.message, fields: keptFields(form) }, { status: 400 });
    }
    throw error;
  }
}

export default function StaffPage() {
  const { accounts, events, selfId, totpRequired, passwordAccountsWithoutTotp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Staff</h1>
        <p className="text-sm text-slate-500 dark:text-slate-400">
          Who may use Session Desk, and with what power. Disabling an account signs it out at once. The same is possible on the server with{" "}
          <code className="mono">npm run staff</code>. Personal API tokens of every staff member:{" "}
          <Link to="/staff/api-tokens" className="text-indigo-700 hover:underline dark:text-indigo-300">
            API tokens
          </Link>
          .
        </p>
      </div>
      {result?.kind === "created" ? <CreatedStaffNotice email={result.email} password={result.password} /> : null}
      {result?.kind === "problem" && result.intent !== "create" ? (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200">
          {result.message}
        </p>
      ) : null}
      <RequireTotpSetting required={totpRequired} withoutTotp={passwordAccountsWithoutTotp} />
      <section className="card overflow-x-auto" aria-label="Staff accounts">
        <StaffTable rows={accounts} selfId={selfId} />
      </section>
      <section className="card">
        {/* A new key after a create empties the form for the next person (client navigation keeps inputs otherwise). */}
        <CreateStaffForm
          key={result?.kind === "created" ? `created-${result.email}` : "create"}
          problem={result?.kind === "problem" && result.intent === "create" ? { message: result.message, fields: result.fields } : undefined}
        />
      </section>
      <StaffEventsList events={events} />
    </div>
  );
}
