import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { SsoProblemNotice } from "~/components/staff/sso-problem";
import { isOidcConfigured } from "~/config.server";
import { countSignIn } from "~/observability/metrics.server";
import { completeSsoSignIn } from "~/staff/oidc.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Session Desk" }];

/**
 * Where the identity provider sends the browser back. The one GET that writes: OAuth answers with a
 * redirect, so the callback must be a GET. It only ever signs the person in (or refuses), and only once
 * per sign-in started from this browser (app/staff/oidc.server.ts).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!isOidcConfigured()) throw json({ message: "Sign-in through an identity provider is not set up here (OIDC_ISSUER)." }, { status: 404 });
  const result = await completeSsoSignIn(request, { userAgent: request.headers.get("User-Agent"), clientAddress: context.clientAddress ?? null });
  countSignIn("oidc", result.ok ? "ok" : result.problem.reason);
  const headers = new Headers();
  for (const cookie of result.setCookies) headers.append("Set-Cookie", cookie);
  if (result.ok) throw redirect(result.redirectTo, { headers });
  return json({ title: result.problem.title, message: result.problem.message, reason: result.problem.reason }, { status: result.problem.status, headers });
}

export default function SsoCallback() {
  const problem = useLoaderData<typeof loader>();
  return <SsoProblemNotice title={problem.title} message={problem.message} />;
}
