/**
 * Every request the SDK makes to the core, observed: one log line and one latency sample per call, named
 * by its operation, the method and the path template ("PUT /recipe/session/data", "GET
 * /{tenant}/recipe/session"). Never the query string (it carries user ids and session handles), never a
 * body or a header (the api-key).
 *
 * It wraps the SDK's one door to the network (`querier.doFetch`, which app/core/transport.server.ts has
 * already replaced), so it sees both transports and whatever their own timeouts throw.
 */
import { createRequire } from "node:module";
import { singleton } from "~/utils/singleton.server";
import { errorMessage, logger } from "./log.server";
import { metrics } from "./metrics.server";

type FetchLike = (input: string | URL, init?: { method?: string; headers?: unknown; body?: unknown }) => Promise<unknown>;

/** First path segments the CDI uses at the top level; anything else in first place is a tenant id. */
const CDI_ROOTS = new Set(["recipe", "users", "user", "apiversion", "hello", "config", "jwt", ".well-known", "ee", "telemetry", "appid", "loginmethods", "health"]);
const ID_LIKE = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24,}|\d+)$/i;

/**
 * "PUT /recipe/session/data" for any URL of that call: the query is dropped, an `/appid-…` prefix and a
 * tenant id become placeholders, and anything id-like left in the path becomes {id}, so the set of
 * operations (a metric label) stays small whatever the traffic.
 */
export function coreOperation(method: string, url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split("?")[0] ?? "";
  }
  const segments = path.split("/").filter(Boolean);
  const template: string[] = [];
  let index = 0;
  if (segments[0]?.startsWith("appid-")) {
    template.push("{appId}");
    index = 1;
  }
  if (segments[index] !== undefined && !CDI_ROOTS.has(segments[index]!) && segments.length > index + 1) {
    template.push("{tenant}");
    index += 1;
  }
  for (; index < segments.length; index++) template.push(ID_LIKE.test(segments[index]!) ? "{id}" : segments[index]!);
  return `${method.toUpperCase()} /${template.join("/")}`;
}

export type CoreCallOutcome = "ok" | "client_error" | "server_error" | "timeout" | "unreachable";

function outcomeOfStatus(status: number): CoreCallOutcome {
  if (status >= 500) return "server_error";
  if (status >= 400) return "client_error";
  return "ok";
}

function outcomeOfError(error: unknown): CoreCallOutcome {
  const texts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) texts.push(current.name, current.message, String((current as { code?: unknown }).code ?? ""));
    current = current instanceof Error ? current.cause : undefined;
  }
  return /timeout|timed out|aborted/i.test(texts.join(" ")) ? "timeout" : "unreachable";
}

/** `inner`, with every call timed, logged and counted. */
export function observeCoreFetch(inner: FetchLike): FetchLike {
  return async (input, init = {}) => {
    const operation = coreOperation(init.method ?? "GET", String(input));
    const started = performance.now();
    try {
      const answer = (await inner(input, init)) as { status: number };
      record(operation, outcomeOfStatus(answer.status), answer.status, started);
      return answer;
    } catch (error) {
      record(operation, outcomeOfError(error), undefined, started, error);
      throw error;
    }
  };
}

function record(operation: string, outcome: CoreCallOutcome, status: number | undefined, started: number, error?: unknown) {
  const seconds = (performance.now() - started) / 1000;
  metrics().coreCallDuration.observe({ operation, outcome }, seconds);
  const line = { event: "core-call", operation, status, outcome, durationMs: Math.round(seconds * 10_000) / 10 };
  if (error === undefined) logger().info(line, "core call");
  // A transport error's message names the failure (ECONNREFUSED, timeout), never data.
  else logger().warn({ ...line, error: errorMessage(error) }, "core call failed");
}

/**
 * Wraps the SDK's `doFetch` once per process. Call after the transport is installed (it wraps whatever is
 * there: the pooled transport or the exact-JSON fetch).
 */
export function observeSdkCoreCalls(): void {
  singleton("core-calls-observed", () => {
    const querier = createRequire(import.meta.url)("supertokens-node/lib/build/querier.js") as { doFetch?: FetchLike };
    if (typeof querier.doFetch === "function") querier.doFetch = observeCoreFetch(querier.doFetch);
    return true;
  });
}
