/**
 * Refuses every non-GET that did not come from a Session Desk page (CSRF), before Remix runs: no loader,
 * action or guard sees it, so nothing can be done. (Remix 2.17 has its own Origin-vs-Host check, but it
 * answers a 500 and ignores Referer and a missing Origin; this answers 403 and applies our one rule,
 * app/staff/same-origin.ts, which the guard repeats.)
 */
import type { NextFunction, Request, Response } from "express";
import { getConfig } from "../app/config.server";
import { decideAppOrigin, FOREIGN_ORIGIN_MESSAGE, isReadMethod, isSameOrigin } from "../app/staff/same-origin";
import { requestOrigin } from "./forwarded";

/** The origin the dashboard is served from: the same rule as the guard's (after normaliseForwardedHeaders). */
function expectedOrigin(req: Request): string | null {
  try {
    return decideAppOrigin(getConfig().APP_ORIGIN, requestOrigin(req));
  } catch {
    return null; // a Host header that is no host: no page of ours was served from it
  }
}

export function refuseForeignOrigin(req: Request, res: Response, next: NextFunction) {
  // The JSON API takes only a bearer token, never a cookie, so a foreign page cannot act through it (a
  // browser cannot add Authorization to a cross-site request); scripts send no Origin at all.
  if (req.path.startsWith("/api/v1/")) return next();
  if (isReadMethod(req.method)) return next();
  const expected = expectedOrigin(req);
  if (expected && isSameOrigin((name) => req.get(name), expected)) return next();
  res.status(403).type("text/plain").send(FOREIGN_ORIGIN_MESSAGE);
}
