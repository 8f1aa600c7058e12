/**
 * Refuses every non-GET that did not come from a Session Desk page (CSRF), before Remix runs: no loader,
 * action or guard sees it, so nothing can be done. (Remix 2.17 has its own Origin-vs-Host check, but it
 * answers a 500 and ignores Referer and a missing Origin; this answers 403 and applies our one rule,
 * app/staff/same-origin.ts, which the guard repeats.)
 */
import type { NextFunction, Request, Response } from "express";
import { FOREIGN_ORIGIN_MESSAGE, isReadMethod, isSameOrigin } from "../app/staff/same-origin";

/** The origin the dashboard is served from, computed as the Remix express adapter builds request.url. */
function expectedOrigin(req: Request): string {
  if (process.env.APP_ORIGIN) return new URL(process.env.APP_ORIGIN).origin;
  const port = (req.get("x-forwarded-host") ?? req.get("host") ?? "").split(":")[1];
  return `${req.protocol}://${req.hostname}${port ? `:${port}` : ""}`;
}

export function refuseForeignOrigin(req: Request, res: Response, next: NextFunction) {
  if (isReadMethod(req.method) || isSameOrigin((name) => req.get(name), expectedOrigin(req))) return next();
  res.status(403).type("text/plain").send(FOREIGN_ORIGIN_MESSAGE);
}
