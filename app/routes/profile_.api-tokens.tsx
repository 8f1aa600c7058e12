/**
 * Your personal API tokens: make one (name, scope up to your role, expiry; shown once), see when each
 * was last used, revoke one. The API and the CLI (`npx session-desk login`) use them.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { scopesForRole } from "~/api/scopes";
import { runTokenIntent } from "~/api/token-forms.server";
import { listOwnApiTokens } from "~/api/tokens.server";
import { ApiTokenTable } from "~/components/api-tokens/api-token-table";
import { CreateApiTokenForm, CreatedApiTokenNotice } from "~/components/api-tokens/create-api-token-form";
import { ProfileTabs } from "~/components/profile-tabs";
import { requireStaff } from "~/staff/guard.server";
import { readFormData } from "~/utils/request-input.server";

export const meta: MetaFunction = () => [{ title: "API tokens · Session Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  return json({ tokens: await listOwnApiTokens(staff.id), scopes: scopesForRole(staff.role), role: staff.role });
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  return runTokenIntent({ staff, form: await readFormData(request), here: "/profile/api-tokens", asAdmin: false });
}

export default function ApiTokensPage() {
  const { tokens, scopes, role } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <div className="space-y-2">
        <ProfileTabs />
        <h1 className="text-xl font-semibold">Your API tokens</h1>
        <p className="max-w-3xl text-sm text-slate-500 dark:text-slate-400">
          A token lets a script or the <code className="mono">session-desk</code> CLI act as you through the <Link className="text-indigo-700 hover:underline dark:text-indigo-300" to="/api/docs">API</Link>,
          with a scope no wider than your role ({role}). Every change it makes is audited as you, “via API token &lt;name&gt;”. Lowering your role narrows your tokens at once; a
          disabled account’s tokens stop working.
        </p>
      </div>
      {result?.kind === "created" ? <CreatedApiTokenNotice name={result.name} token={result.token} /> : null}
      {result?.kind === "problem" && !("name" in result.fields && result.fields.name !== undefined) ? (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200">
          {result.message}
        </p>
      ) : null}
      <section className="card overflow-x-auto" aria-label="Your API tokens">
        <ApiTokenTable rows={tokens} emptyText="You have no API tokens yet." />
      </section>
      <section className="card">
        <CreateApiTokenForm
          key={result?.kind === "created" ? `created-${result.token.slice(0, 19)}` : "create"}
          scopes={scopes}
          problem={result?.kind === "problem" && "name" in result.fields && result.fields.name !== undefined ? { message: result.message, fields: result.fields } : undefined}
        />
      </section>
    </div>
  );
}
