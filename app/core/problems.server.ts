/**
 * Turns whatever the SDK throws into a problem a support person (or the operator) can act on.
 * The SDK reports core errors as plain `Error`s with a fixed message format (contract §1.6), so we
 * classify by message; anything unrecognised stays a generic core error with its status.
 */
import { pacedCoreCall } from "./core-pacing.server";
import { coreTarget } from "./sdk.server";
import { CoreTimeoutError } from "./transport.server";

export type CoreProblemKind = "unreachable" | "unauthorised" | "incompatible" | "unknown-app" | "transient" | "error";

export interface CoreProblem {
  kind: CoreProblemKind;
  coreUrl: string;
  coreMode: "bundled" | "external";
  /** One sentence: what went wrong. */
  cause: string;
  /** One sentence: what to do about it. */
  advice: string;
  /** HTTP status the core answered, when it answered. */
  status?: number;
}

const STATUS_IN_MESSAGE = /with status code: (\d{3}) and message: ([\s\S]*)$/;

export function describeCoreError(error: unknown): CoreProblem {
  const { url, mode } = coreTarget();
  const message = error instanceof Error ? error.message : String(error);
  const base = { coreUrl: url, coreMode: mode };
  if (error instanceof CoreTimeoutError || /did not answer within/.test(message)) {
    // An outage for the page (503) and, as "unreachable", a transient failure for a bulk run (retried).
    const within = error instanceof CoreTimeoutError ? formatSeconds(error.timeoutMs) : "the time allowed";
    return {
      ...base,
      kind: "unreachable",
      cause: `The SuperTokens core at ${url} did not answer within ${within} (CORE_TIMEOUT_MS).`,
      advice:
        "It may be overloaded or stuck. This page retries by itself; a change you were saving may or may not have been written, so check it after the core answers again.",
    };
  }
  if (/No SuperTokens core available to query|ECONNREFUSED|fetch failed|ETIMEDOUT|ENOTFOUND|socket hang up|other side closed/i.test(message)) {
    return {
      ...base,
      kind: "unreachable",
      cause: `The SuperTokens core at ${url} cannot be reached.`,
      advice:
        mode === "bundled"
          ? "The bundled demo core stopped. Restart Session Desk with npm start."
          : "Check that the core is running and that SUPERTOKENS_CONNECTION_URI points at it. This page retries by itself.",
    };
  }
  if (/not compatible with this NodeJS SDK/i.test(message)) {
    return {
      ...base,
      kind: "incompatible",
      cause: `The SuperTokens core at ${url} does not speak CDI 5.4, the version supertokens-node 24 needs.`,
      advice: "Use a SuperTokens core from the 9.x–11.x line (CDI 5.4), or a newer core that still supports 5.4.",
    };
  }
  const match = STATUS_IN_MESSAGE.exec(message);
  const status = match ? Number(match[1]) : undefined;
  const body = match ? match[2]!.trim() : message;
  if (status === 401) {
    return {
      ...base,
      kind: "unauthorised",
      status,
      cause: `The SuperTokens core at ${url} refused the API key (401).`,
      advice: "Check SUPERTOKENS_API_KEY: it must be one of the core's api_keys.",
    };
  }
  if (status === 400 && /AppId or tenantId not found/i.test(body)) {
    return {
      ...base,
      kind: "unknown-app",
      status,
      cause: `The SuperTokens core at ${url} does not know this app or tenant.`,
      advice: "Check the /appid-… part of SUPERTOKENS_CONNECTION_URI.",
    };
  }
  if (status !== undefined && (status >= 500 || status === 429)) {
    return {
      ...base,
      kind: "transient",
      status,
      cause: `The SuperTokens core at ${url} answered HTTP ${status}: ${truncate(body, 200)}`,
      advice: "This is usually temporary. Try again in a moment; nothing was changed.",
    };
  }
  return {
    ...base,
    kind: "error",
    status,
    cause: status ? `The SuperTokens core at ${url} answered HTTP ${status}: ${truncate(body, 200)}` : truncate(message, 300),
    advice: "Nothing was changed. If this keeps happening, check the core's logs.",
  };
}

/** Problems that mean "the core as a whole is not usable": shown as the 503 page. */
export function isOutage(problem: CoreProblem): boolean {
  return problem.kind === "unreachable" || problem.kind === "unauthorised" || problem.kind === "incompatible" || problem.kind === "unknown-app";
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The 503 answer every loader and action gives during an outage; the root error boundary renders it. */
export function outageResponse(problem: CoreProblem): Response {
  return new Response(JSON.stringify({ coreProblem: problem }), {
    status: 503,
    headers: { "Content-Type": "application/json; charset=utf-8", "Retry-After": "5" },
  });
}

export function isOutageResponse(value: unknown): value is Response {
  return value instanceof Response && value.status === 503;
}

/**
 * Runs one SDK call. An outage (unreachable, wrong key, wrong CDI) is thrown as the 503 response, so
 * any loader or action that reaches the core shows the outage page without code of its own; other
 * errors are rethrown unchanged for the caller to classify with `describeCoreError`.
 */
export async function callCore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await pacedCoreCall(operation);
  } catch (error) {
    if (error instanceof Response) throw error;
    const problem = describeCoreError(error);
    if (isOutage(problem)) throw outageResponse(problem);
    throw error;
  }
}

/**
 * For loaders: any core failure becomes a page a person can act on. Outages are already 503s; a single
 * failed call (a 500 or 429 from the core, say) becomes a 502 with the core's answer and a retry, never
 * a bare "unexpected error".
 */
export async function loadFromCore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof Response) throw error;
    const problem = describeCoreError(error);
    throw new Response(JSON.stringify({ coreProblem: problem }), {
      status: isOutage(problem) ? 503 : 502,
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
  }
}

/** The problem behind anything a core call threw: an outage Response carries it, other errors are described. */
export async function problemFrom(error: unknown): Promise<CoreProblem> {
  if (error instanceof Response) {
    const body = (await error.json().catch(() => null)) as { coreProblem?: CoreProblem } | null;
    if (body?.coreProblem) return body.coreProblem;
  }
  return describeCoreError(error);
}
