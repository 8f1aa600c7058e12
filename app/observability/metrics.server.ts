/**
 * Prometheus metrics (prom-client) in one registry per process, shared by the server and the Remix build
 * (each bundles its own copy of this module; the registry lives on globalThis).
 *
 * Names follow Prometheus conventions: counters end in _total, so `rate(...[1m])` gives a per-second
 * figure (bulk items per second is `sum(rate(session_desk_bulk_items_total[1m]))`); durations are in
 * seconds. Label values are bounded sets (operation templates, outcomes), never ids.
 */
import client from "prom-client";
import { existingSingleton, singleton } from "~/utils/singleton.server";

const PREFIX = "session_desk_";

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: PREFIX });
  return {
    registry,
    coreCallDuration: new client.Histogram({
      name: `${PREFIX}core_call_duration_seconds`,
      help: "SuperTokens core calls: latency by operation (method and path template) and outcome (ok, client_error, server_error, timeout, unreachable).",
      labelNames: ["operation", "outcome"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    sessionWrites: new client.Counter({
      name: `${PREFIX}session_writes_total`,
      help: "Session data writes (editor, revert, bulk items) by outcome: written, overtaken, unchanged, conflict, session_gone, not_found, failed, failed_transient.",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    bulkItems: new client.Counter({
      name: `${PREFIX}bulk_items_total`,
      help: "Sessions a bulk run finished, by outcome (rate() of it is the bulk items per second).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    signIns: new client.Counter({
      name: `${PREFIX}sign_ins_total`,
      help: "Staff sign-in attempts by method and result: password (ok, invalid, throttled, second_step), totp (ok, recovery_code, enrolled, invalid, throttled, expired), oidc (ok, or the refusal's reason).",
      labelNames: ["method", "result"] as const,
      registers: [registry],
    }),
    bulkRunsInProgress: new client.Gauge({
      name: `${PREFIX}bulk_runs_in_progress`,
      help: "Bulk runs this instance is applying now.",
      registers: [registry],
      collect() {
        // The engine's own map of live runners (app/bulk/engine.server.ts): counted when scraped, so no
        // code path that starts or ends a run can forget to move the gauge.
        this.set(existingSingleton<Map<unknown, unknown>>("bulk-runners")?.size ?? 0);
      },
    }),
    httpRequestDuration: new client.Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: "HTTP requests by method, route (Remix route id or a fixed name) and status class.",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export function metrics(): Metrics {
  return singleton("metrics", createMetrics);
}

/** Prometheus label values: lower case, underscores ("session-gone" → "session_gone"). */
function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_]+/g, "_");
}

/** Counts a write's outcome and hands it back (so a `return` can count on its way out). */
export function countSessionWrite<T extends { status: string }>(outcome: T): T {
  const transient = (outcome as { transient?: boolean }).transient === true;
  metrics().sessionWrites.inc({ outcome: outcome.status === "failed" && transient ? "failed_transient" : labelValue(outcome.status) });
  return outcome;
}

export function countBulkItem(outcome: string): void {
  metrics().bulkItems.inc({ outcome: labelValue(outcome) });
}

export function countSignIn(method: "password" | "oidc" | (string & {}), result: string): void {
  metrics().signIns.inc({ method: labelValue(method), result: labelValue(result) });
}

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
