// Fault injection for tests and benchmarks: added latency and per-endpoint failures (HTTP 500,
// HTTP 429, dropped connection). Off by default. Endpoint keys are "<METHOD> <api path>" without
// the appid/tenant prefix (e.g. "PUT /recipe/session/data"), or "*" for every endpoint; a specific
// key wins over "*". The global `latencyMs` is added on top of any endpoint latency.
//
// Two modes make the bundled core behave like a loaded real one (issue #14 §2):
// - service time: every request holds one of `workers` for `serviceTimeMs` before it is answered and
//   waits for a free one first, as requests wait for a real core's thread pool (Tomcat's). Throughput
//   is then at most workers / serviceTimeMs, and a client that sends more only makes a queue.
// - contention: while more than `contentionLimit` requests are in flight, a write (any method but GET)
//   answers 500 with the body a real core on SQLite gave under concurrent writes (cdi-contract.md §9):
//   the StorageQueryException of SQLITE_LOCKED_SHAREDCACHE. Nothing is written.

import pLimit, { type LimitFunction } from "p-limit";

export type FaultKind = "500" | "429" | "drop";

export interface EndpointFault {
  latencyMs?: number;
  /** Probability 0..1 that a request fails. */
  failureRate?: number;
  /** Kinds to choose from (uniformly) when a request fails; default ["500"]. */
  kinds?: FaultKind[];
}

export interface FaultConfig {
  latencyMs?: number;
  endpoints?: Record<string, EndpointFault>;
  /** Time each request holds a worker; 0 or absent: no worker pool. */
  serviceTimeMs?: number;
  /** Size of the worker pool when serviceTimeMs is set (default 8). */
  workers?: number;
  /** Above this many requests in flight, a write answers the real core's SQLite-lock 500. */
  contentionLimit?: number;
}

/** What a real core v11.4.7 on its in-memory SQLite answered to concurrent writes (cdi-contract.md §9). */
export const SQLITE_LOCKED_BODY =
  "io.supertokens.pluginInterface.exceptions.StorageQueryException: org.sqlite.SQLiteException: [SQLITE_LOCKED_SHAREDCACHE] Contention with a different database connection that shares the cache (database table is locked: session_info)";

export const DEFAULT_WORKERS = 8;

const KINDS: FaultKind[] = ["500", "429", "drop"];

/** Validate an untrusted fault config (from HTTP or the environment). Throws with a readable message. */
export function parseFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new Error("fault config must be a JSON object");
  }
  const o = input as Record<string, unknown>;
  const out: FaultConfig = {};
  const nonNegative = (v: unknown, where: string) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`${where} must be a number >= 0`);
    return v;
  };
  const positiveInteger = (v: unknown, where: string) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`${where} must be a whole number >= 1`);
    return v;
  };
  if (o.latencyMs !== undefined) out.latencyMs = nonNegative(o.latencyMs, "latencyMs");
  if (o.serviceTimeMs !== undefined) out.serviceTimeMs = nonNegative(o.serviceTimeMs, "serviceTimeMs");
  if (o.workers !== undefined) out.workers = positiveInteger(o.workers, "workers");
  if (o.contentionLimit !== undefined) out.contentionLimit = positiveInteger(o.contentionLimit, "contentionLimit");
  if (o.endpoints !== undefined) {
    if (typeof o.endpoints !== "object" || o.endpoints === null || Array.isArray(o.endpoints)) {
      throw new Error("endpoints must be an object keyed by \"<METHOD> <path>\" or \"*\"");
    }
    out.endpoints = {};
    for (const [key, raw] of Object.entries(o.endpoints as Record<string, unknown>)) {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`endpoints["${key}"] must be an object`);
      const e = raw as Record<string, unknown>;
      const ef: EndpointFault = {};
      if (e.latencyMs !== undefined) ef.latencyMs = nonNegative(e.latencyMs, `endpoints["${key}"].latencyMs`);
      if (e.failureRate !== undefined) {
        const r = nonNegative(e.failureRate, `endpoints["${key}"].failureRate`);
        if (r > 1) throw new Error(`endpoints["${key}"].failureRate must be between 0 and 1`);
        ef.failureRate = r;
      }
      if (e.kinds !== undefined) {
        if (!Array.isArray(e.kinds) || e.kinds.length === 0 || !e.kinds.every((k) => KINDS.includes(k as FaultKind))) {
          throw new Error(`endpoints["${key}"].kinds must be a non-empty array of "500", "429", "drop"`);
        }
        ef.kinds = e.kinds as FaultKind[];
      }
      out.endpoints[normaliseEndpointKey(key)] = ef;
    }
  }
  return out;
}

/** "put /Recipe/Session/Data/" → "PUT /recipe/session/data". */
export function normaliseEndpointKey(key: string): string {
  const k = key.trim();
  if (k === "*") return k;
  const m = /^([A-Za-z]+)\s+(\S+)$/.exec(k);
  if (!m) throw new Error(`endpoint key "${key}" must look like "PUT /recipe/session/data" or "*"`);
  let path = m[2].toLowerCase();
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return `${m[1].toUpperCase()} ${path}`;
}

/** Fault config from LOCAL_CORE_FAULTS (JSON) and LOCAL_CORE_LATENCY_MS. */
export function faultConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FaultConfig | undefined {
  let config: FaultConfig | undefined;
  if (env.LOCAL_CORE_FAULTS) {
    try {
      config = parseFaultConfig(JSON.parse(env.LOCAL_CORE_FAULTS));
    } catch (e) {
      throw new Error(`LOCAL_CORE_FAULTS is invalid: ${(e as Error).message}`);
    }
  }
  for (const [name, key] of [["LOCAL_CORE_SERVICE_TIME_MS", "serviceTimeMs"], ["LOCAL_CORE_WORKERS", "workers"], ["LOCAL_CORE_CONTENTION_LIMIT", "contentionLimit"]] as const) {
    if (!env[name]) continue;
    try {
      config = parseFaultConfig({ ...(config ?? {}), [key]: Number(env[name]) });
    } catch (e) {
      throw new Error(`${name} is invalid: ${(e as Error).message}`);
    }
  }
  if (env.LOCAL_CORE_LATENCY_MS) {
    const n = Number(env.LOCAL_CORE_LATENCY_MS);
    if (!Number.isFinite(n) || n < 0) throw new Error("LOCAL_CORE_LATENCY_MS must be a number >= 0");
    config = { ...(config ?? {}), latencyMs: n };
  }
  return config;
}

export type FaultDecision = { kind: "none" } | { kind: FaultKind };

export class Faults {
  private config: FaultConfig = {};
  /** Requests accepted and not yet answered, waiting for a worker included. */
  private inFlight = 0;
  private pool: LimitFunction | undefined;

  constructor(
    initial?: FaultConfig,
    private readonly random: () => number = Math.random,
  ) {
    if (initial) this.set(initial);
  }

  set(config: FaultConfig): void {
    this.config = parseFaultConfig(config);
    this.resizePool();
  }

  clear(): void {
    this.config = {};
    this.resizePool();
  }

  /** A new pool for new requests; requests already waiting in the old one finish there. */
  private resizePool(): void {
    const workers = this.config.serviceTimeMs ? (this.config.workers ?? DEFAULT_WORKERS) : 0;
    if (workers === 0) this.pool = undefined;
    else if (this.pool) this.pool.concurrency = workers;
    else this.pool = pLimit(workers);
  }

  /**
   * Serves one request under the service-time and contention modes: waits for a worker, holds it for
   * the service time, then answers the lock error for a write while too many requests are in flight, or
   * runs `handler`. Without either mode, runs `handler` at once.
   */
  async serve<T>(method: string, handler: () => Promise<T>, contended: () => T): Promise<T> {
    this.inFlight += 1;
    try {
      const work = async () => {
        // Whether a write meets contention is decided as it starts (gets its worker): what else is in
        // flight then is what it would contend with.
        const limit = this.config.contentionLimit;
        const contends = limit !== undefined && method !== "GET" && this.inFlight > limit;
        const serviceTime = this.config.serviceTimeMs ?? 0;
        if (serviceTime > 0) await new Promise((resolve) => setTimeout(resolve, serviceTime));
        return contends ? contended() : handler();
      };
      return await (this.pool ? this.pool(work) : work());
    } finally {
      this.inFlight -= 1;
    }
  }

  get(): FaultConfig {
    return structuredClone(this.config);
  }

  private endpointFault(endpointKey: string): EndpointFault | undefined {
    const eps = this.config.endpoints;
    if (!eps) return undefined;
    return eps[endpointKey] ?? eps["*"];
  }

  /** Wait for the configured latency, then decide whether this request fails and how. */
  async apply(endpointKey: string): Promise<FaultDecision> {
    const ef = this.endpointFault(endpointKey);
    const latency = (this.config.latencyMs ?? 0) + (ef?.latencyMs ?? 0);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    if (ef?.failureRate && this.random() < ef.failureRate) {
      const kinds = ef.kinds ?? ["500"];
      return { kind: kinds[Math.floor(this.random() * kinds.length)] ?? kinds[0] };
    }
    return { kind: "none" };
  }
}
