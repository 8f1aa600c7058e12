// Fault injection for tests and benchmarks: added latency and per-endpoint failures (HTTP 500,
// HTTP 429, dropped connection). Off by default. Endpoint keys are "<METHOD> <api path>" without
// the appid/tenant prefix (e.g. "PUT /recipe/session/data"), or "*" for every endpoint; a specific
// key wins over "*". The global `latencyMs` is added on top of any endpoint latency.

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
}

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
  if (o.latencyMs !== undefined) out.latencyMs = nonNegative(o.latencyMs, "latencyMs");
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

  constructor(
    initial?: FaultConfig,
    private readonly random: () => number = Math.random,
  ) {
    if (initial) this.set(initial);
  }

  set(config: FaultConfig): void {
    this.config = parseFaultConfig(config);
  }

  clear(): void {
    this.config = {};
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
