/**
 * How the SDK's requests travel to the core.
 *
 * supertokens-node sends every core request through one function, `doFetch` in its querier, which calls
 * Node's built-in `fetch`. On this kind of machine that costs about 0.2 ms of CPU per call (Request and
 * Response objects, web streams, and a `response.clone()` the SDK makes of every answer), while a core
 * answers a session read in a fraction of that, so a user with 1,000 sessions spent most of its load
 * time in the client (docs/decisions/core-transport.md has the figures).
 *
 * This module swaps that one function for a keep-alive undici client whose answers are fully buffered
 * (core answers are small JSON) and expose the part of the Fetch `Response` the SDK uses: `status`,
 * `ok`, `headers`, `clone()`, `text()`, `json()`. Everything else stays the SDK's: URLs, `cdi-version`
 * and `api-key` headers, failover across hosts, 429 back-off, error texts. Transport failures are thrown
 * the way `fetch` throws them (`TypeError("fetch failed")` with the cause), so the SDK's failover and our
 * outage classification see exactly what they saw before. Requests to any other origin go to the SDK's
 * original `doFetch`. CORE_TRANSPORT=fetch switches the pooled client off.
 *
 * Either way the SDK's JSON is exact (app/json/exact-number.ts): answers are parsed with `parseJson`, so a
 * number the core holds as 9223372036854775807 or 1.0 reaches us as that text, and request bodies get
 * `restoreExactNumbers`, so the SDK's own JSON.stringify writes those numbers back as the same text.
 */
import { createRequire } from "node:module";
import { Pool, type Dispatcher } from "undici";
import { getConfig } from "~/config.server";
import { parseJson, restoreExactNumbers } from "~/json";
import { existingSingleton, singleton } from "~/utils/singleton.server";

type FetchLike = (input: string | URL, init?: { method?: string; headers?: unknown; body?: unknown }) => Promise<unknown>;
interface QuerierModule {
  doFetch: FetchLike;
}

/**
 * The answer's headers as undici hands them over (alternating name/value buffers). The SDK reads one of
 * them per answer (`content-type`), so `get`/`has` look it up directly; anything else builds a real
 * `Headers` once.
 */
export class BufferedHeaders {
  private full: Headers | undefined;

  constructor(private readonly raw: Buffer[]) {}

  get(name: string): string | null {
    const wanted = name.toLowerCase();
    let found: string | null = null;
    for (let i = 0; i < this.raw.length; i += 2) {
      if (this.raw[i]!.toString("latin1").toLowerCase() === wanted) {
        const value = this.raw[i + 1]!.toString("latin1");
        found = found === null ? value : `${found}, ${value}`;
      }
    }
    return found;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  private headers(): Headers {
    if (!this.full) {
      this.full = new Headers();
      for (let i = 0; i < this.raw.length; i += 2) this.full.append(this.raw[i]!.toString("latin1"), this.raw[i + 1]!.toString("latin1"));
    }
    return this.full;
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void): void {
    this.headers().forEach(callback);
  }

  entries() {
    return this.headers().entries();
  }

  keys() {
    return this.headers().keys();
  }

  values() {
    return this.headers().values();
  }

  [Symbol.iterator]() {
    return this.headers()[Symbol.iterator]();
  }
}

/** The buffered answer: what the SDK reads of a `Response`, and nothing it has to pay for. */
export class BufferedCoreResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = "basic";
  readonly bodyUsed = false;

  constructor(
    readonly status: number,
    readonly headers: BufferedHeaders,
    private readonly body: string,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get statusText(): string {
    return "";
  }

  clone(): BufferedCoreResponse {
    return new BufferedCoreResponse(this.status, this.headers, this.body, this.url);
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return parseJson(this.body);
  }
}

/** The part of a `Headers` the SDK reads. */
interface HeaderReader {
  get(name: string): string | null;
  has(name: string): boolean;
}

/**
 * An answer from the SDK's own fetch, read whole so that `json()` keeps number text exactly (the SDK calls
 * `clone()` and `json()` on it). Used with CORE_TRANSPORT=fetch and for origins the pool does not serve.
 */
class ExactFetchResponse extends BufferedCoreResponse {
  constructor(status: number, headers: HeaderReader, body: string, url: string) {
    super(status, headers as BufferedHeaders, body, url);
  }
}

/**
 * A core call that took longer than CORE_TIMEOUT_MS. Deliberately not worded like a fetch failure: the SDK
 * would "fail over" on that and report only "No SuperTokens core available"; this reaches
 * describeCoreError as it is, so the outage page and a bulk run's retry can say what happened.
 */
export class CoreTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The SuperTokens core did not answer within ${formatTimeout(timeoutMs)} (CORE_TIMEOUT_MS).`);
    this.name = "CoreTimeoutError";
  }
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const configuredTimeout = () => getConfig().CORE_TIMEOUT_MS;

/**
 * Wraps a fetch-like function so that request bodies and answers keep every number's text, and the whole
 * exchange (answer and body) gives up after `timeoutMs`.
 */
export function exactJsonFetch(inner: FetchLike, timeoutMs = configuredTimeout()): FetchLike {
  return async (input, init = {}) => {
    const body = typeof init.body === "string" ? restoreExactNumbers(init.body) : init.body;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const answer = (await inner(input, { ...init, body, signal } as typeof init)) as Response;
      return new ExactFetchResponse(answer.status, answer.headers, await answer.text(), answer.url || String(input));
    } catch (error) {
      if (signal.aborted) throw new CoreTimeoutError(timeoutMs);
      throw error;
    }
  };
}

/** Request headers as fetch would send them: every value a string (fetch sends `undefined` as "undefined"). */
function plainHeaders(headers: unknown): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  const entries = Array.isArray(headers) ? (headers as [string, unknown][]) : Object.entries(headers as Record<string, unknown>);
  const plain: Record<string, string> = {};
  for (const [name, value] of entries) plain[name] = String(value);
  return plain;
}

export interface CoreTransport {
  /** The function installed as the SDK's `doFetch`. */
  fetch: FetchLike;
  /** Requests this transport carried (for the test that proves it is in use). */
  readonly requests: number;
  /** What answers requests to other origins: the SDK's original `doFetch`. */
  readonly fallback: FetchLike;
  close(): Promise<void>;
}

interface Target {
  pool: Pool;
  origin: string;
  path: string;
}

/**
 * A transport for the given core origins; anything else goes to `fallback`. `connections` caps the
 * sockets per core (callers bound their own concurrency; this is the last guard).
 */
export function createCoreTransport(coreOrigins: string[], fallback: FetchLike, options: { connections?: number; timeoutMs?: number } = {}): CoreTransport {
  const timeoutMs = options.timeoutMs ?? configuredTimeout();
  // Idle sockets are closed after 4 s, as Node's fetch does: well before a core's own keep-alive timeout,
  // so a request never races the core closing its socket.
  const pools = new Map(coreOrigins.map((origin) => [origin, new Pool(origin, { connections: options.connections ?? 128, keepAliveTimeout: 4_000 })]));
  let requests = 0;
  const exactFallback = exactJsonFetch(fallback, timeoutMs);

  // The SDK builds URLs from the configured host, so a prefix test finds the core without parsing;
  // anything unusual (a default port spelled out, say) is parsed properly.
  const targetOf = (input: string | URL): Target | undefined => {
    const href = String(input);
    for (const [origin, pool] of pools) {
      if (href.startsWith(origin) && (href[origin.length] === "/" || href[origin.length] === "?")) return { pool, origin, path: href.slice(origin.length) };
    }
    const url = new URL(href);
    const pool = pools.get(url.origin);
    return pool && { pool, origin: url.origin, path: url.pathname + url.search };
  };

  return {
    fallback,
    get requests() {
      return requests;
    },
    async fetch(input, init = {}) {
      const target = targetOf(input);
      // The SDK sends JSON text; any other kind of body (none today) is left to fetch, which knows them all.
      if (!target || (init.body !== undefined && init.body !== null && typeof init.body !== "string")) return exactFallback(input, init);
      requests++;
      const body = typeof init.body === "string" ? restoreExactNumbers(init.body) : undefined;
      try {
        const answer = await exchange(target, (init.method ?? "GET").toUpperCase(), plainHeaders(init.headers), body, timeoutMs);
        return new BufferedCoreResponse(answer.status, new BufferedHeaders(answer.headers), answer.body, target.origin + target.path);
      } catch (error) {
        if (error instanceof CoreTimeoutError) throw error;
        // The shape fetch gives a transport failure: the SDK fails over on "fetch failed", and
        // describeCoreError reads it as "core unreachable".
        throw new TypeError("fetch failed", { cause: error });
      }
    },
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}

/**
 * One request, its answer collected whole. undici's handler API rather than `request()`: no stream
 * object per answer, which is most of what a small JSON answer would otherwise cost.
 */
function exchange(
  target: Target,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; headers: Buffer[]; body: string }> {
  return new Promise((resolveExchange, rejectExchange) => {
    let status = 0;
    let rawHeaders: Buffer[] = [];
    const chunks: Buffer[] = [];
    let abortRequest: ((reason: Error) => void) | undefined;
    // The whole exchange, queueing for a socket included, must finish in time; after that the answer is
    // dropped (and the request aborted, freeing its socket) whatever arrives later.
    const timer = setTimeout(() => {
      const timeout = new CoreTimeoutError(timeoutMs);
      abortRequest?.(timeout);
      rejectExchange(timeout);
    }, timeoutMs);
    const resolve = (value: { status: number; headers: Buffer[]; body: string }) => {
      clearTimeout(timer);
      resolveExchange(value);
    };
    const reject = (error: Error) => {
      clearTimeout(timer);
      rejectExchange(error);
    };
    target.pool.dispatch(
      { origin: target.origin, path: target.path, method: method as Dispatcher.HttpMethod, headers, body },
      {
        onConnect(abort) {
          abortRequest = abort as (reason: Error) => void;
        },
        onHeaders(statusCode, headerBuffers) {
          status = statusCode;
          rawHeaders = headerBuffers;
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          resolve({ status, headers: rawHeaders, body: chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8") });
        },
        onError: reject,
      },
    );
  });
}

/** The origins of a connection URI; several hosts are separated by ";" (contract §1.1). */
export function coreOriginsOf(connectionUri: string): string[] {
  return connectionUri
    .split(";")
    .map((host) => host.trim())
    .filter(Boolean)
    .map((host) => new URL(host).origin);
}

/**
 * Routes the SDK's core requests through a `CoreTransport`. Returns it; throws when this SDK
 * build has no `doFetch` to replace (then the SDK keeps its own fetch and a warning says so).
 */
export function installCoreTransport(connectionUri: string): CoreTransport | undefined {
  // Once per process: the SDK's module outlives Remix dev rebuilds, so must the transport installed in it.
  return singleton("core-transport", () => {
    const querier = querierModule();
    // Without the hook the SDK's JSON would round numbers: refuse to start rather than rewrite data.
    if (typeof querier.doFetch !== "function") throw new Error(SDK_CHANGED);
    const transport = createCoreTransport(coreOriginsOf(connectionUri), querier.doFetch, { timeoutMs: configuredTimeout() });
    querier.doFetch = transport.fetch;
    return transport;
  });
}

/**
 * With CORE_TRANSPORT=fetch: the SDK keeps its own fetch, wrapped so that its JSON is exact. Throws when
 * this SDK build has no `doFetch`: silently falling back to lossy JSON would rewrite customers' numbers.
 */
export function installExactJsonFetch(): void {
  singleton("exact-json-fetch", () => {
    const querier = querierModule();
    if (typeof querier.doFetch !== "function") throw new Error(SDK_CHANGED);
    querier.doFetch = exactJsonFetch(querier.doFetch);
    return true;
  });
}

/**
 * The supertokens-node version whose internal `doFetch` this module was checked against (the parity
 * tests in tests/integration/core/transport.test.ts). An upgrade fails that test until someone re-runs
 * them against the new version and moves this constant: replacing an internal must never change
 * silently under an `npm update`.
 */
export const SDK_VERSION_VERIFIED = "24.0.3";

const SDK_CHANGED = `This supertokens-node build has no querier.doFetch, which Session Desk wraps so that session data keeps every number's text exactly. Install the version in package.json (supertokens-node ${SDK_VERSION_VERIFIED}).`;

function querierModule(): Partial<QuerierModule> {
  return createRequire(import.meta.url)("supertokens-node/lib/build/querier.js") as Partial<QuerierModule>;
}

/**
 * Runs `work` with the SDK on its built-in fetch, as if CORE_TRANSPORT=fetch, then puts the transport
 * back. Process-wide while it runs: for the parity tests and the benchmark's comparison, not for requests.
 */
export async function withBuiltinFetch<T>(work: () => Promise<T>): Promise<T> {
  const transport = installedCoreTransport();
  if (!transport) return work();
  const querier = querierModule() as QuerierModule;
  // Put back what was there: the transport, or the transport wrapped by the core-call observer.
  const installed = querier.doFetch;
  querier.doFetch = exactJsonFetch(transport.fallback);
  try {
    return await work();
  } finally {
    querier.doFetch = installed;
  }
}

/** The transport in use, if any (undefined with CORE_TRANSPORT=fetch). */
export function installedCoreTransport(): CoreTransport | undefined {
  return existingSingleton<CoreTransport | undefined>("core-transport");
}
