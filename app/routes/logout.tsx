import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { assertSameOrigin } from "~/staff/origin.server";
import { endStaffSession } from "~/staff/session.server";

/**
 * Sign-out is a POST (no GET changes anything). It does not require a live session: signing out of one
 * that already expired must still clear the cookie and land on the sign-in page, not show a 401.
 */
export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const setCookie = await endStaffSession(request);
  return redirect("/login", { headers: { "Set-Cookie": setCookie } });
}

/** A stray GET (typed URL, old bookmark) changes nothing and goes home. */
export async function loader() {
  return redirect("/");
}
