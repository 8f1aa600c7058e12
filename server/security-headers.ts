import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { getConfig } from "../app/config.server";

/**
 * Security headers on every response. Scripts run only from our origin or with this request's nonce
 * (no 'unsafe-inline' for scripts). Styles allow 'unsafe-inline' because monaco injects style tags;
 * monaco's workers start from blob: URLs.
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction) {
  const nonce = randomBytes(16).toString("base64");
  res.locals.cspNonce = nonce;
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "worker-src 'self' blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      `form-action ${formTargets()}`,
      "frame-ancestors 'none'",
    ].join("; "),
  );
  res.setHeader("X-Content-Type-Options", "nosniff");
  // same-origin: our own requests keep Referer (the CSRF check's fallback when Origin is missing);
  // other sites never learn the dashboard's address or the user ids and handles in its URLs.
  res.setHeader("Referrer-Policy", "same-origin");
  noStoreUnlessSet(res);
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  // Served over HTTPS (directly or behind a proxy that says so): browsers must never fall back to HTTP,
  // where the staff cookie and session data would travel in the clear.
  if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  next();
}

/**
 * Where forms may lead. "Sign in with …" and "Sign out" post to us and we redirect to the identity
 * provider, and browsers apply form-action to a form's redirects too: its origin must be listed.
 */
function formTargets(): string {
  const issuer = getConfig().OIDC_ISSUER;
  return issuer ? `'self' ${new URL(issuer).origin}` : "'self'";
}

/**
 * Pages show end users' session data: never keep them in a shared or back/forward cache after sign-out.
 * Applied when the headers are written, and only if nothing set a Cache-Control of its own (express.static
 * for the fingerprinted assets, a route that chooses one), so it neither clobbers nor duplicates theirs.
 */
function noStoreUnlessSet(res: Response) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (!this.getHeader("Cache-Control")) this.setHeader("Cache-Control", "no-store");
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as typeof res.writeHead;
}
