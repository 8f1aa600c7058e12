import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { z } from "zod";
import { SsoProblemNotice } from "~/components/staff/sso-problem";
import { isOidcConfigured } from "~/config.server";
import { beginSsoSignIn } from "~/staff/oidc.server";
import { assertSameOrigin } from "~/staff/origin.server";
import { readFormData } from "~/utils/request-input.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Session Desk" }];

const startFormSchema = z.object({ redirectTo: z.string().max(2000).optional() });

/**
 * "Sign in with …": starts an OpenID Connect sign-in and sends the browser to the identity provider.
 * A POST from our own sign-in page (it writes the pending request; login CSRF is refused), no staff
 * session required: this is how one is got.
 */
export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  if (!isOidcConfigured()) throw json({ message: "Sign-in through an identity provider is not set up here (OIDC_ISSUER)." }, { status: 404 });
  const parsed = startFormSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return json({ title: "This sign-in form is not valid", message: "Reload the sign-in page and try again. Nothing was signed in." }, { status: 400 });
  const started = await beginSsoSignIn(request, parsed.data.redirectTo);
  if (!started.ok) return json({ title: started.problem.title, message: started.problem.message }, { status: started.problem.status });
  throw redirect(started.location, { headers: { "Set-Cookie": started.setCookie } });
}

/** A stray GET (typed address, old bookmark) starts nothing. */
export async function loader() {
  return redirect("/login");
}

export default function SsoStart() {
  const problem = useActionData<typeof action>();
  return problem ? <SsoProblemNotice title={problem.title} message={problem.message} /> : null;
}
