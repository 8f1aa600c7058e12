/**
 * Forwarded headers count only from the proxies TRUST_PROXY names (as Express's "trust proxy"). From any
 * other peer, X-Forwarded-For/-Host/-Proto are dropped, so a client cannot pick its own address (and dodge
 * the per-address sign-in slow-down) or its own origin. From a trusted proxy, its X-Forwarded-Host becomes
 * the Host (APP_ORIGIN's host when that is set) and its X-Forwarded-Proto the one scheme: everything after (the CSRF check, the Remix adapter's
 * request.url, the guard, the cookie's Secure flag) then reads one consistent view, through
 * decideAppOrigin (app/staff/same-origin.ts).
 */
import type { NextFunction, Request, Response } from "express";
import { getConfig } from "../app/config.server";

const firstValue = (header: string | string[] | undefined) => (Array.isArray(header) ? header[0] : header)?.split(",")[0]?.trim() || undefined;

export function normaliseForwardedHeaders(req: Request, _res: Response, next: NextFunction) {
  const trust = req.app.get("trust proxy fn") as (address: string | undefined, hop: number) => boolean;
  const trusted = trust(req.socket.remoteAddress, 0);
  if (!trusted) {
    delete req.headers["x-forwarded-for"];
    delete req.headers["x-forwarded-proto"];
  }
  const configured = getConfig().APP_ORIGIN;
  // The public host: APP_ORIGIN's when configured (the operator said so), else a trusted proxy's. Remix
  // compares a POST's Origin with the Host itself (a 500 when they differ), so Host must say it too.
  const host = configured ? new URL(configured).host : trusted ? firstValue(req.headers["x-forwarded-host"]) : undefined;
  if (host) req.headers.host = host;
  if (!trusted) {
    delete req.headers["x-forwarded-host"];
    return next();
  }
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
