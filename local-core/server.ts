// The HTTP front of the local core: path parsing, API-key and cdi-version checks in the order
// the real core's WebserverAPI.service() performs them, fault injection, stats, and the
// /_local-core/* control endpoints. Plain node:http so headers, status and bodies are exact.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { CoreState, Route } from "./context.js";
import { DEFAULT_TENANT, RequestContext, tenantExists, type Method } from "./context.js";
import { CoreHttpError, tenantNotFound, textReply, writeReply, type Reply } from "./http.js";
import type { Faults } from "./faults.js";
import { parseFaultConfig, SQLITE_LOCKED_BODY } from "./faults.js";
import { MAX_CDI_VERSION, SUPPORTED_CDI_VERSIONS } from "./recipes/core.js";

/** Path segments the core never treats as a tenant id. */
const RESERVED_TENANT_WORDS = new Set(["recipe", "config", "users", "hello"]);

interface CompiledRoute {
  route: Route;
  regex: RegExp;
}

export interface RouteMatch {
  route: Route;
  appId: string;
  tenantId: string;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class Router {
  private compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    // Longest paths first so that a more specific API wins if two could match.
    this.compiled = [...routes]
      .sort((a, b) => b.path.length - a.path.length)
      .map((route) => ({
        route,
        regex: new RegExp(`^(?:/appid-([a-z0-9-]*))?(?:/([a-z0-9-]+))?${escapeRegex(route.path)}/?$`),
      }));
  }

  /** `servletPath` must already be lower-cased, like the core does. */
  match(servletPath: string): RouteMatch | undefined {
    const helloRoute = this.compiled.find((c) => c.route.path === "/hello")?.route;
    if ((servletPath === "" || servletPath === "/") && helloRoute) {
      return { route: helloRoute, appId: DEFAULT_TENANT, tenantId: DEFAULT_TENANT };
    }
    for (const c of this.compiled) {
      const m = c.regex.exec(servletPath);
      if (!m) continue;
      const app = m[1];
      const tenant = m[2];
      if (tenant !== undefined && RESERVED_TENANT_WORDS.has(tenant)) continue;
      return {
        route: c.route,
        appId: app === undefined || app === "public" ? DEFAULT_TENANT : app,
        tenantId: tenant ?? DEFAULT_TENANT,
      };
    }
    return undefined;
  }
}

export interface ServerDeps {
  state: CoreState;
  router: Router;
  faults: Faults;
  apiKeys: string[] | undefined;
  stats: Map<string, number>;
  /** Serve /_local-core/* (faults, clock, stats): test and bench mode only; otherwise those paths are unknown (404). */
  controlEndpoints: boolean;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** api-key header, else Authorization with an optional "Bearer " prefix; trimmed, exact match. */
export function apiKeyMatches(req: IncomingMessage, keys: string[]): boolean {
  let value: string | undefined;
  const header = req.headers["api-key"];
  if (header !== undefined) value = Array.isArray(header) ? header[0] : header;
  else if (req.headers.authorization !== undefined) value = req.headers.authorization.replace(/^bearer /i, "");
  if (value === undefined) return false;
  const v = value.trim();
  return keys.includes(v);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** cdi-version handling of WebserverAPI.service(): parse, max check, pre-multitenancy check, support check. */
function checkCdiVersion(req: IncomingMessage, versionNeeded: boolean, tenantId: string): Reply | undefined {
  const raw = req.headers["cdi-version"];
  if (raw === undefined) return undefined; // missing = latest
  const v = (Array.isArray(raw) ? raw[0] : raw).trim();
  if (!/^\d+(\.\d+)*$/.test(v)) {
    // Core 11.x lets SemVer's exception escape: a 500 with its toString() (cdi-contract.md §9).
    return textReply(500, "java.lang.IllegalArgumentException: Invalid version format");
  }
  if (compareVersions(v, MAX_CDI_VERSION) > 0) return textReply(400, `cdi-version ${v} not supported`);
  // Before CDI 3.0 there were no tenants: a tenant path is simply unknown.
  if (compareVersions(v, "3.0") < 0 && tenantId !== DEFAULT_TENANT) return textReply(404, "Not found");
  if (versionNeeded && !SUPPORTED_CDI_VERSIONS.includes(v)) return textReply(400, `cdi-version ${v} not supported`);
  return undefined;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function createCoreServer(deps: ServerDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      // Last resort: never leave a request hanging.
      if (!res.headersSent) {
        writeReply(res, textReply(500, `java.lang.RuntimeException: ${(err as Error)?.message ?? String(err)}`));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://local-core");

  if (deps.controlEndpoints && (url.pathname === "/_local-core" || url.pathname.startsWith("/_local-core/"))) {
    const body = await readBody(req);
    writeReply(res, controlEndpoint(deps, req, method, url.pathname, body));
    return;
  }

  const servletPath = safeDecode(url.pathname).toLowerCase();
  const match = deps.router.match(servletPath);
  const endpointKey = match ? `${method} ${match.route.path}` : `${method} ${servletPath}`;
  deps.stats.set(endpointKey, (deps.stats.get(endpointKey) ?? 0) + 1);

  const fault = await deps.faults.apply(endpointKey);
  if (fault.kind === "drop") {
    req.socket.destroy();
    return;
  }
  const body = await readBody(req);
  if (fault.kind === "500") {
    writeReply(res, textReply(500, "java.lang.RuntimeException: local-core injected fault"));
    return;
  }
  if (fault.kind === "429") {
    writeReply(res, textReply(429, "Too Many Requests"));
    return;
  }

  writeReply(res, await deps.faults.serve(method, () => dispatch(deps, req, method, url, match, body), () => textReply(500, SQLITE_LOCKED_BODY)));
}

async function dispatch(
  deps: ServerDeps,
  req: IncomingMessage,
  method: string,
  url: URL,
  match: RouteMatch | undefined,
  body: string,
): Promise<Reply> {
  // Unknown path: 404 without the API-key check.
  if (!match) return textReply(404, "Not found");
  const { route, appId, tenantId } = match;
  const state = deps.state;

  // The core resolves the app/tenant config before anything else (IP filter + API-key lookup).
  if (!tenantExists(state, appId, tenantId)) return errorReply(tenantNotFound(appId, tenantId));

  if (!route.skipApiKey && deps.apiKeys && !apiKeyMatches(req, deps.apiKeys)) {
    return textReply(401, "Invalid API key");
  }
  const versionError = checkCdiVersion(req, !route.versionNotNeeded, tenantId);
  if (versionError) return versionError;

  const handler = route.handlers[method as Method];
  if (!handler) return textReply(405, "Method not supported");

  const ctx = new RequestContext(state, method, tenantId, appId, url.searchParams, req.headers, body);
  try {
    return await handler(ctx);
  } catch (e) {
    if (e instanceof CoreHttpError) return errorReply(e);
    const err = e as Error;
    const name = err?.name === "SqliteError" ? "io.supertokens.pluginInterface.exceptions.StorageQueryException" : "java.lang.RuntimeException";
    return textReply(500, `${name}: ${err?.message ?? String(e)}`);
  }
}

function errorReply(e: CoreHttpError): Reply {
  return textReply(e.status, e.message);
}

// ---------------- /_local-core/* control endpoints ----------------

function controlEndpoint(deps: ServerDeps, req: IncomingMessage, method: string, path: string, body: string): Reply {
  if (deps.apiKeys && !apiKeyMatches(req, deps.apiKeys)) return textReply(401, "Invalid API key");
  const json = (): unknown => {
    try {
      return body.trim() === "" ? {} : JSON.parse(body);
    } catch {
      throw new CoreHttpError(400, "Invalid Json Input");
    }
  };
  try {
    const p = path.replace(/\/+$/, "");
    if (p === "/_local-core/faults") {
      if (method === "GET") return { status: 200, json: deps.faults.get() };
      if (method === "PUT") {
        try {
          deps.faults.set(parseFaultConfig(json()));
        } catch (e) {
          if (e instanceof CoreHttpError) throw e;
          throw new CoreHttpError(400, (e as Error).message);
        }
        return { status: 200, json: deps.faults.get() };
      }
      if (method === "DELETE") {
        deps.faults.clear();
        return { status: 200, json: deps.faults.get() };
      }
    } else if (p === "/_local-core/clock") {
      if (method === "GET") return { status: 200, json: { offsetMs: deps.state.clock.getOffsetMs(), now: deps.state.clock.now() } };
      if (method === "PUT") {
        const input = json() as { offsetMs?: unknown };
        if (typeof input !== "object" || input === null || typeof input.offsetMs !== "number" || !Number.isFinite(input.offsetMs)) {
          throw new CoreHttpError(400, "body must be {\"offsetMs\": <number>}");
        }
        deps.state.clock.setOffsetMs(input.offsetMs);
        return { status: 200, json: { offsetMs: deps.state.clock.getOffsetMs(), now: deps.state.clock.now() } };
      }
    } else if (p === "/_local-core/stats") {
      if (method === "GET") return { status: 200, json: Object.fromEntries(deps.stats) };
      if (method === "DELETE") {
        deps.stats.clear();
        return { status: 200, json: {} };
      }
    } else {
      return textReply(404, "Not found");
    }
    return textReply(405, "Method not supported");
  } catch (e) {
    if (e instanceof CoreHttpError) return errorReply(e);
    throw e;
  }
}
