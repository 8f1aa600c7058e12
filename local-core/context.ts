// Shared state of one running core and the per-request context handed to endpoint handlers.

import type { IncomingHttpHeaders } from "node:http";
import type { Clock } from "./clock.js";
import type { KeyManager } from "./keys.js";
import type { DB } from "./store.js";
import { CoreHttpError, tenantNotFound, type Reply } from "./http.js";
import { parseJsonBody, type JsonObject } from "./input.js";
import { nodeToText, type JNode } from "./json.js";
import type { EeFeature } from "./licence.js";

export interface CoreConfig {
  /** `access_token_validity` (s), core default 3600. */
  accessTokenValiditySeconds: number;
  /** `refresh_token_validity` (ms), core default 144000 min = 100 days. */
  refreshTokenValidityMs: number;
  /** `passwordless_code_lifetime` (ms), core default 900000. */
  passwordlessCodeLifetimeMs: number;
  /** `passwordless_max_code_input_attempts`, core default 5. */
  passwordlessMaxCodeInputAttempts: number;
}

export const DEFAULT_CONFIG: CoreConfig = {
  accessTokenValiditySeconds: 3600,
  refreshTokenValidityMs: 144000 * 60 * 1000,
  passwordlessCodeLifetimeMs: 900000,
  passwordlessMaxCodeInputAttempts: 5,
};

export interface CoreState {
  db: DB;
  keys: KeyManager;
  clock: Clock;
  /** AES key for refresh tokens (the core's `refresh_token_key`). */
  refreshKey: Buffer;
  config: CoreConfig;
  /** Paid features the core's "licence" enables (none when started unlicensed). */
  features: readonly EeFeature[];
}

export type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

export const DEFAULT_TENANT = "public";

export class RequestContext {
  private parsed: { value: JsonObject; node: JNode } | undefined;

  constructor(
    readonly state: CoreState,
    readonly method: string,
    /** Tenant from the path prefix, lower-cased; "public" when absent. */
    readonly tenantId: string,
    /** App from the path prefix ("public" when absent or `appid-public`). */
    readonly appId: string,
    readonly query: URLSearchParams,
    readonly headers: IncomingHttpHeaders,
    private readonly bodyText: string,
  ) {}

  get db(): DB {
    return this.state.db;
  }

  now(): number {
    return this.state.clock.now();
  }

  /** The JSON body, parsed the way the core's InputParser does (400 "Invalid Json Input"). */
  body(): JsonObject {
    this.parsed ??= parseJsonBody(this.bodyText);
    return this.parsed.value;
  }

  /**
   * Canonical Gson text of a body field (validate it with the input helpers first). User data is
   * stored and echoed in this form so number literals and key order survive (json.ts).
   */
  rawField(field: string): string {
    this.body();
    const entry = (this.parsed!.node as Extract<JNode, { t: "obj" }>).entries.find(([k]) => k === field);
    if (!entry) throw new Error(`no field ${field}`);
    return nodeToText(entry[1]);
  }

  /** Parsed node of a top-level body field. */
  rawNode(field: string): JNode {
    this.body();
    const entry = (this.parsed!.node as Extract<JNode, { t: "obj" }>).entries.find(([k]) => k === field);
    if (!entry) throw new Error(`no field ${field}`);
    return entry[1];
  }

  /** 400 "AppId or tenantId not found" unless the app and path tenant exist. */
  requireTenant(): string {
    if (!tenantExists(this.state, this.appId, this.tenantId)) throw tenantNotFound(this.appId, this.tenantId);
    return this.tenantId;
  }

  /**
   * App-specific APIs (no tenant prefix in the SDK): the tenant must exist and be public,
   * otherwise 403 with the API's permission message.
   */
  requirePublicTenant(message = "Only public tenantId can call this app specific API"): void {
    this.requireTenant();
    if (this.tenantId !== DEFAULT_TENANT) throw new CoreHttpError(403, message);
  }
}

export function tenantExists(state: CoreState, appId: string, tenantId: string): boolean {
  if (appId !== DEFAULT_TENANT) return false;
  return state.db.prepare("SELECT 1 FROM tenants WHERE tenant_id = ?").get(tenantId) !== undefined;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  /** API path as the core registers it, lower case, e.g. "/recipe/session". */
  path: string;
  handlers: Partial<Record<Method, Handler>>;
  /** jwks, hello: no API key. */
  skipApiKey?: boolean;
  /** apiversion, jwks, hello: the cdi-version need not be a supported one. */
  versionNotNeeded?: boolean;
}
