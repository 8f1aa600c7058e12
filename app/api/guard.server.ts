/**
 * The API's guard: the first line of every /api/v1 loader and action.
 *
 *   const caller = await requireApiToken(request, "write");
 *
 * - Only `Authorization: Bearer sd_…` authenticates. Cookies are never read here, so a staff cookie
 *   opens nothing (and a browser cannot add that header to a cross-site request: no CSRF by
 *   construction). Conversely the pages' guard (requireStaff) reads only the cookie, never a token.
 * - A missing, malformed, unknown, expired or revoked token, or one of a disabled account → 401.
 * - A scope below `minimumScope` (after narrowing to the owner's current role) → 403.
 * - More than API_RATE_LIMIT_PER_MINUTE requests by one token in a minute → 429 with Retry-After.
 * Every refusal is a problem detail and happens before anything else runs.
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { getConfig } from "~/config.server";
import type { StaffUser } from "~/staff/roles";
import { singleton } from "~/utils/singleton.server";
import { problem } from "./problem.server";
import { ROLE_FOR_SCOPE, scopeCovers, type ApiScope } from "./scopes";
import { checkApiToken } from "./tokens.server";

export interface ApiCaller {
  /** The staff member the token acts as, carrying the token (the audit trail names it). */
  staff: StaffUser;
  scope: ApiScope;
  token: { id: string; name: string };
}

const CHALLENGE = 'Bearer realm="session-desk"';

const TOKEN_REFUSALS = {
  malformed: "The bearer token is not a Session Desk API token (they look like sd_<16 hex>_<43 characters>).",
  unknown: "This API token is not known. It may have been mistyped or deleted; make a new one on your profile page.",
  expired: "This API token has expired. Make a new one on your profile page.",
  revoked: "This API token has been revoked. Make a new one on your profile page.",
  "account-disabled": "The staff account this token belongs to is disabled, so its tokens no longer work.",
  "no-scope": "The staff account this token belongs to no longer has a role that allows API access.",
} as const;

function rateLimiter(points: number): RateLimiterMemory {
  // One limiter per process (and per configured rate, so a test that changes it gets a fresh one).
  return singleton(`api-rate-limiter:${points}`, () => new RateLimiterMemory({ keyPrefix: "api-token", points, duration: 60 }));
}

export async function requireApiToken(request: Request, minimumScope: ApiScope): Promise<ApiCaller> {
  const instance = new URL(request.url).pathname;
  const header = request.headers.get("Authorization");
  const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!bearer) {
    const detail = header
      ? "The Authorization header must be `Bearer <token>` with a personal API token."
      : request.headers.get("Cookie")
        ? "The API does not accept cookies, not even a signed-in staff member's. Send a personal API token: `Authorization: Bearer sd_…` (make one on your profile page)."
        : "Send a personal API token: `Authorization: Bearer sd_…` (make one on your profile page).";
    throw problem("unauthenticated", detail, { instance, headers: { "WWW-Authenticate": CHALLENGE } });
  }
  const check = await checkApiToken(bearer[1]!);
  if (check.status !== "ok") {
    throw problem("invalid-token", TOKEN_REFUSALS[check.status], { instance, headers: { "WWW-Authenticate": `${CHALLENGE}, error="invalid_token"` } });
  }
  try {
    await rateLimiter(getConfig().API_RATE_LIMIT_PER_MINUTE).consume(check.token.id);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    throw problem("rate-limited", `This token made more than ${getConfig().API_RATE_LIMIT_PER_MINUTE} requests in a minute. Try again in ${seconds} s; nothing was done.`, {
      instance,
      headers: { "Retry-After": String(seconds) },
    });
  }
  if (!scopeCovers(check.scope, minimumScope)) {
    throw problem(
      "insufficient-scope",
      `This needs a token with the ${minimumScope} scope (and the ${ROLE_FOR_SCOPE[minimumScope]} role); this token can ${check.scope} (its owner is ${check.staff.role}). Nothing was changed.`,
      { instance, headers: { "WWW-Authenticate": `${CHALLENGE}, error="insufficient_scope", scope="${minimumScope}"` }, extensions: { requiredScope: minimumScope, tokenScope: check.scope } },
    );
  }
  return { staff: check.staff, scope: check.scope, token: check.token };
}
