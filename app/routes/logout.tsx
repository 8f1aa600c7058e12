import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { assertSameOrigin } from "~/staff/origin.server";
import { endSessionUrl } from "~/staff/oidc.server";
import { endStaffSession, staffSessionIdToken } from "~/staff/session.server";

/**
 * Sign-out is a POST (no GET changes anything). It does not require a live session: signing out of one
 * that already expired must still clear the cookie and land on the sign-in page, not show a 401.
 * A session begun through the identity provider is ended there too when it offers RP-initiated logout:
 * the browser goes to its end_session_endpoint (with the ID token as hint) and comes back to /login.
 */
export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const idToken = await staffSessionIdToken(request);
  const setCookie = await endStaffSession(request);
  const atProvider = idToken ? await endSessionUrl(request, idToken) : null;
  return redirect(atProvider ?? "/login", { headers: { "Set-Cookie": setCookie } });
}

/** A stray GET (typed URL, old bookmark) changes nothing and goes home. */
export async function loader() {
  return redirect("/");
}
