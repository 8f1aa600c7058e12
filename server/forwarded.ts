/**
 * Forwarded headers count only from the proxies TRUST_PROXY names (as Express's "trust proxy"). From any
 * other peer, X-Forwarded-For/-Host/-Proto are dropped, so a client cannot pick its own address (and dodge
 * the per-address sign-in slow-down) or its own origin. From a trusted proxy, its X-Forwarded-Host becomes
 * the Host and its X-Forwarded-Proto the one scheme: everything after (the CSRF check, the Remix adapter's
 * request.url, the guard, the cookie's Secure flag) then reads one consistent view, through
 * decideAppOrigin (app/staff/same-origin.ts).
 */
import type { NextFunction, Request, Response } from "express";

const firstValue = (header: string | string[] | undefined) => (Array.isArray(header) ? header[0] : header)?.split(",")[0]?.trim() || undefined;

export function normaliseForwardedHeaders(req: Request, _res: Response, next: NextFunction) {
  const trust = req.app.get("trust proxy fn") as (address: string | undefined, hop: number) => boolean;
  if (!trust(req.socket.remoteAddress, 0)) {
    delete req.headers["x-forwarded-for"];
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-proto"];
    return next();
  }
  const host = firstValue(req.headers["x-forwarded-host"]);
  if (host) req.headers.host = host;
  // The Remix adapter takes the port from X-Forwarded-Host but the name from req.hostname: with the header
  // folded into Host, both come from one place.
  delete req.headers["x-forwarded-host"];
  const proto = firstValue(req.headers["x-forwarded-proto"]);
  if (proto === "http" || proto === "https") req.headers["x-forwarded-proto"] = proto;
  else delete req.headers["x-forwarded-proto"];
  next();
}

/** The origin of this request as the app sees it (scheme and Host after normaliseForwardedHeaders). */
export function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get("host") ?? ""}`;
}
