/**
 * CSRF defence for every non-GET, inside the app: the request must come from a page of this dashboard.
 * The express server already refuses foreign non-GETs before Remix runs (server/same-origin.ts); this
 * repeats the check in the guard so a route is safe however it is reached.
 */
import { json } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { decideAppOrigin, FOREIGN_ORIGIN_MESSAGE, isReadMethod, isSameOrigin } from "./same-origin";

/** The origin pages are served from (see decideAppOrigin): APP_ORIGIN, else a trusted proxy's, else the request's. */
export function expectedOrigin(request: Request): string {
  return decideAppOrigin(getConfig().APP_ORIGIN, request.url);
}

/** Whether the staff cookie must be Secure: exactly when the app is served over https. */
export function isServedOverHttps(request: Request): boolean {
  return expectedOrigin(request).startsWith("https:");
}

export function isReadRequest(request: Request): boolean {
  return isReadMethod(request.method);
}

/** Throws 403 for a non-GET from anywhere but this dashboard. GET and HEAD pass (they change nothing). */
export function assertSameOrigin(request: Request): void {
  if (isReadRequest(request) || isSameOrigin((name) => request.headers.get(name), expectedOrigin(request))) return;
  throw json({ message: FOREIGN_ORIGIN_MESSAGE }, { status: 403 });
}
