/**
 * Where a non-GET request came from, judged from its headers. Pure, so the express server (which
 * refuses foreign requests before Remix sees them) and the guard (defence in depth) share one rule.
 *
 * Browsers send `Origin` on every POST; a few privacy settings strip it, and then `Referer` (kept for
 * same-origin requests by our Referrer-Policy) stands in. Neither, or `Origin: null` → refused:
 * a form of ours always has one.
 */
export const FOREIGN_ORIGIN_MESSAGE =
  "This request did not come from a Session Desk page, so it was refused. Nothing was changed. Reload the page and try again.";

export function originOfRequest(header: (name: string) => string | null | undefined): string | null {
  const origin = header("origin");
  if (origin) return origin === "null" ? null : origin;
  const referer = header("referer");
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

export function isSameOrigin(header: (name: string) => string | null | undefined, expectedOrigin: string): boolean {
  const origin = originOfRequest(header);
  if (!origin) return false;
  try {
    return new URL(origin).origin === new URL(expectedOrigin).origin;
  } catch {
    return false;
  }
}

/**
 * The one rule for the origin the dashboard is served from: APP_ORIGIN when configured, else the origin of
 * the request as the server sees it. The express server has already dropped X-Forwarded-Host/-Proto from
 * peers that TRUST_PROXY does not trust and folded a trusted proxy's into Host and the scheme
 * (server/forwarded.ts), so the CSRF check before Remix, the guard and the cookie's Secure flag all agree.
 */
export function decideAppOrigin(configuredOrigin: string | undefined, requestUrl: string): string {
  return new URL(configuredOrigin ?? requestUrl).origin;
}

/** GET and HEAD change nothing, so they need no origin check. */
export function isReadMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}
