// Public entry point of the bundled local SuperTokens core (CDI 5.4 subset used by
// supertokens-node 24). Others code against exactly this API; see local-core/README.md.

import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { Clock } from "./clock.js";
import { DEFAULT_CONFIG, type CoreState } from "./context.js";
import { Faults, faultConfigFromEnv, type FaultConfig } from "./faults.js";
import { KeyManager } from "./keys.js";
import { createCoreServer, Router } from "./server.js";
import { kvGet, kvSet, openStore } from "./store.js";
import { countAllUsers } from "./users.js";
import { coreRoutes } from "./recipes/core.js";
import { sessionRoutes } from "./recipes/session.js";
import { userRoutes } from "./recipes/users.js";
import { emailPasswordRoutes } from "./recipes/emailpassword.js";
import { metadataRoutes } from "./recipes/metadata.js";
import { multitenancyRoutes } from "./recipes/multitenancy.js";
import { thirdPartyRoutes } from "./recipes/thirdparty.js";
import { passwordlessRoutes } from "./recipes/passwordless.js";
import { accountLinkingRoutes } from "./recipes/accountlinking.js";
import { dashboardRoutes } from "./recipes/dashboard.js";
import { LICENSED_FEATURES } from "./licence.js";

export type { FaultConfig, EndpointFault, FaultKind } from "./faults.js";

export interface LocalCoreOptions {
  /** 0 = ephemeral (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, every CDI call (and /_local-core/*) must carry it, as with the core's `api_keys`. Comma-separated for several. */
  apiKey?: string;
  /** SQLite file, default ":memory:". */
  dbPath?: string;
  /** Initial faults; default from LOCAL_CORE_FAULTS / LOCAL_CORE_LATENCY_MS, else none. */
  faults?: FaultConfig;
  /** Initial clock offset in ms; default from LOCAL_CORE_CLOCK_OFFSET_MS, else 0. */
  clockOffsetMs?: number;
  /**
   * Answer as a real core without a licence key: 402 to the paid features (tenants other than
   * public, account linking; see licence.ts). Default false: licensed for multi-tenancy and account
   * linking, which the demo data needs.
   */
  unlicensed?: boolean;
  /**
   * Serve the /_local-core/* control endpoints (fault injection, clock, stats). Only tests and benchmarks
   * want them: default from LOCAL_CORE_CONTROL=true (which the test helpers and bench/ set), else off, so
   * the demo core a person runs cannot have its clock moved or faults injected over HTTP. The in-process
   * `faults`/`clock`/`stats` below are there either way.
   */
  controlEndpoints?: boolean;
}

export interface LocalCore {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  stop(): Promise<void>;
  faults: { set(config: FaultConfig): void; clear(): void; get(): FaultConfig };
  clock: { setOffsetMs(ms: number): void; getOffsetMs(): number };
  /** Requests per endpoint key ("PUT /recipe/session/data"), faulted ones included. */
  stats(): Record<string, number>;
  resetStats(): void;
  /** No users at all. */
  isEmpty(): boolean;
}

function clockOffsetFromEnv(): number | undefined {
  const raw = process.env.LOCAL_CORE_CLOCK_OFFSET_MS;
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error("LOCAL_CORE_CLOCK_OFFSET_MS must be a number");
  return n;
}

export async function startLocalCore(options: LocalCoreOptions = {}): Promise<LocalCore> {
  const dbPath = options.dbPath ?? ":memory:";
  const db = openStore(dbPath);
  const clock = new Clock(options.clockOffsetMs ?? clockOffsetFromEnv() ?? 0);
  const config = { ...DEFAULT_CONFIG };
  const keys = new KeyManager(db, () => clock.now(), config.accessTokenValiditySeconds * 1000);
  await keys.init(dbPath === ":memory:");

  // The refresh-token encryption key lives in the store so tokens survive a restart on a file db.
  let refreshKeyHex = kvGet(db, "refresh_token_key");
  if (!refreshKeyHex) {
    refreshKeyHex = randomBytes(32).toString("hex");
    kvSet(db, "refresh_token_key", refreshKeyHex, Date.now());
  }
  const state: CoreState = {
    db,
    keys,
    clock,
    refreshKey: Buffer.from(refreshKeyHex, "hex"),
    config,
    features: options.unlicensed ? [] : LICENSED_FEATURES,
  };

  const faults = new Faults(options.faults ?? faultConfigFromEnv());
  const stats = new Map<string, number>();
  const apiKeys = options.apiKey
    ? options.apiKey.split(",").map((k) => k.trim()).filter((k) => k !== "")
    : undefined;
  const router = new Router([
    ...coreRoutes,
    ...sessionRoutes,
    ...userRoutes,
    ...emailPasswordRoutes,
    ...metadataRoutes,
    ...multitenancyRoutes,
    ...thirdPartyRoutes,
    ...passwordlessRoutes,
    ...accountLinkingRoutes,
    ...dashboardRoutes,
  ]);
  const controlEndpoints = options.controlEndpoints ?? process.env.LOCAL_CORE_CONTROL === "true";
  const server = createCoreServer({ state, router, faults, apiKeys, stats, controlEndpoints });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
    faults: {
      set: (c) => faults.set(c),
      clear: () => faults.clear(),
      get: () => faults.get(),
    },
    clock: {
      setOffsetMs: (ms) => clock.setOffsetMs(ms),
      getOffsetMs: () => clock.getOffsetMs(),
    },
    stats: () => Object.fromEntries(stats),
    resetStats: () => stats.clear(),
    isEmpty: () => countAllUsers(db) === 0,
  };
}
