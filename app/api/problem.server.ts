/**
 * Answers of the JSON API (/api/v1): data as exact JSON (every number as the core holds it), and every
 * error as an RFC 9457 problem detail (application/problem+json) with a `type` that links to its
 * explanation on the reference page (/api/docs#problem-<slug>).
 */
import { AuditReasonRequiredError } from "~/audit/audit.server";
import type { CoreProblem } from "~/core/problems.server";
import { stringifyJson } from "~/json";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Every problem the API answers with: its slug (the type's fragment), status and title. */
export const PROBLEMS = {
  unauthenticated: { status: 401, title: "Authentication required", explain: "Send a personal API token in the Authorization header: `Authorization: Bearer sd_…`. Cookies are not accepted by the API." },
  "invalid-token": { status: 401, title: "The token is not valid", explain: "The token is malformed, unknown, expired, revoked, or its account is disabled. Make a new one on your profile page." },
  "insufficient-scope": { status: 403, title: "The token's scope does not allow this", explain: "Reading needs the read scope, writing one session the write scope (editor), bulk runs the bulk scope (admin). A lowered role narrows existing tokens." },
  "not-found": { status: 404, title: "Not found", explain: "No such user, session, run, or API route." },
  "method-not-allowed": { status: 405, title: "Method not allowed", explain: "This route does not take that HTTP method." },
  "invalid-request": { status: 400, title: "The request is not valid", explain: "A parameter or the JSON body failed validation; `errors` lists each problem with its path. Nothing was changed." },
  "unsupported-media-type": { status: 415, title: "Send JSON", explain: "Request bodies must be `Content-Type: application/json`." },
  "payload-too-large": { status: 413, title: "The body is too large", explain: "The request body is larger than the session data limit allows." },
  conflict: { status: 409, title: "The session's data changed", explain: "The data no longer has the fingerprint you started from. `current` holds the data now and `currentFingerprint` its fingerprint; nothing was written." },
  "session-gone": { status: 410, title: "The session has ended", explain: "The session ended or expired; its data can no longer be changed." },
  "not-applicable": { status: 409, title: "Not possible in the run's state", explain: "E.g. applying a run that was already applied, resuming one that is not interrupted, or one waiting for approval." },
  "write-refused": { status: 422, title: "The write was refused", explain: "The new data breaks a rule of the editor (size, nesting, shape); nothing was written." },
  "rate-limited": { status: 429, title: "Too many requests", explain: "This token made more requests than API_RATE_LIMIT_PER_MINUTE allows; wait `Retry-After` seconds." },
  "core-error": { status: 502, title: "The SuperTokens core failed", explain: "The core answered with an error; try again. Nothing was changed unless the answer says so." },
  "core-unavailable": { status: 503, title: "The SuperTokens core is unavailable", explain: "The core is unreachable, refused the API key, or speaks another CDI version." },
  "internal-error": { status: 500, title: "Unexpected error", explain: "Something failed inside Session Desk. The server's log has the details." },
} as const;

export type ProblemSlug = keyof typeof PROBLEMS;

export const problemType = (slug: ProblemSlug) => `/api/docs#problem-${slug}`;

/** An RFC 9457 problem response. `extensions` go beside the standard members (e.g. `errors`, `current`). */
export function problem(slug: ProblemSlug, detail: string, options: { instance?: string; headers?: Record<string, string>; extensions?: Record<string, unknown>; status?: number } = {}): Response {
  const known = PROBLEMS[slug];
  const status = options.status ?? known.status;
  const body = { type: problemType(slug), title: known.title, status, detail, ...(options.instance ? { instance: options.instance } : {}), ...options.extensions };
  return new Response(stringifyJson(body), {
    status,
    headers: { "Content-Type": `${PROBLEM_CONTENT_TYPE}; charset=utf-8`, "Cache-Control": "no-store", ...options.headers },
  });
}

/** A JSON answer; exact numbers (JsonNumber) keep their text. */
export function apiJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(stringifyJson(body), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...init.headers },
  });
}

const isProblemResponse = (response: Response) => (response.headers.get("Content-Type") ?? "").startsWith(PROBLEM_CONTENT_TYPE);

/**
 * Runs an API handler after its guard, turning anything thrown into a problem response: the shared
 * domain code throws Remix JSON responses ({ message }) and the core's outage answers ({ coreProblem }),
 * which become problems with the same status and words; anything else is a 500 with no internals.
 */
export async function answerApi(request: Request, handler: () => Promise<Response>): Promise<Response> {
  const instance = new URL(request.url).pathname;
  try {
    return await handler();
  } catch (thrown) {
    if (thrown instanceof Response) return toProblem(thrown, instance);
    if (thrown instanceof AuditReasonRequiredError) return problem("invalid-request", thrown.message, { instance, extensions: { errors: [{ path: "reason", message: thrown.message }] } });
    console.error(`API ${request.method} ${instance} failed:`, thrown);
    return problem("internal-error", "Something failed inside Session Desk; nothing is known to have changed. The server's log has the details.", { instance });
  }
}

async function toProblem(response: Response, instance: string): Promise<Response> {
  if (isProblemResponse(response)) return response;
  const body = (await response.clone().json().catch(() => null)) as { message?: string; coreProblem?: CoreProblem } | null;
  if (body?.coreProblem) {
    const detail = `${body.coreProblem.cause} ${body.coreProblem.advice}`.trim();
    return problem(response.status === 503 ? "core-unavailable" : "core-error", detail, { instance, headers: response.status === 503 ? { "Retry-After": "5" } : {} });
  }
  const detail = body?.message ?? (response.statusText || `HTTP ${response.status}`);
  const slug = (Object.keys(PROBLEMS) as ProblemSlug[]).find((key) => PROBLEMS[key].status === response.status) ?? (response.status >= 500 ? "internal-error" : "invalid-request");
  return problem(slug, detail, { instance, status: response.status >= 400 ? response.status : 500 });
}

/** The answer for a method a route does not take (after its guard). */
export function methodNotAllowed(request: Request, allowed: string[]): Response {
  return problem("method-not-allowed", `${request.method} is not allowed here; use ${allowed.join(" or ")}.`, { instance: new URL(request.url).pathname, headers: { Allow: allowed.join(", ") } });
}
