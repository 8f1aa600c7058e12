/** Every staff member's API tokens, for admins: who holds which, when each was last used, and revoke. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { runTokenIntent } from "~/api/token-forms.server";
import { listAllApiTokens } from "~/api/tokens.server";
import { ApiTokenTable } from "~/components/api-tokens/api-token-table";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { requireStaff } from "~/staff/guard.server";
import { readFormData } from "~/utils/request-input.server";

export const meta: MetaFunction = () => [{ title: "API tokens of all staff · Session Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, "admin");
  return json({ tokens: await listAllApiTokens() });
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  return runTokenIntent({ staff, form: await readFormData(request), here: "/staff/api-tokens", asAdmin: true });
}

export default function StaffApiTokensPage() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const active = tokens.filter((token) => token.state === "active").length;
  return (
    <div className="space-y-4">
      <Breadcrumbs items={[{ label: "Staff", to: "/staff" }, { label: "API tokens" }]} />
      <div>
        <h1 className="text-xl font-semibold">API tokens of all staff</h1>
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {active} active. Revoking stops a token at once; its owner can make a new one on their profile page. Revocations are recorded in the staff changes.
        </p>
      </div>
      {result?.kind === "problem" ? (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200">
          {result.message}
        </p>
      ) : null}
      <section className="card overflow-x-auto" aria-label="API tokens">
        <ApiTokenTable rows={tokens} showOwner emptyText="No staff member has made an API token." />
      </section>
    </div>
  );
}
