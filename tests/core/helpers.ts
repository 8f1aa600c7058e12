// Shared harness for the local core's contract tests.
//
// Every test file gets its own core (ephemeral port, in-memory store) and, when it talks through the SDK,
// one SuperTokens.init (the SDK is a process-wide singleton; vitest gives each file its own process).
// The SDK is pointed at a small recording proxy in front of the core, so a test can assert exactly which
// HTTP calls (method, path, query, headers, body) an SDK function made, as cdi-contract.md §7 lists them.
import http from "node:http";
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { startLocalCore, type LocalCore, type LocalCoreOptions } from "../../local-core/index";

export const API_KEY = "contract-test-api-key-0123456789";
export const API_DOMAIN = "http://localhost:3001";
export const WEBSITE_DOMAIN = "http://localhost:3000";
/** `iss` the SDK puts into every access-token payload: apiDomain + default apiBasePath. */
export const ISS = "http://localhost:3001/auth";
export const JSON_CT = "application/json;charset=UTF-8";
export const TEXT_CT = "text/html;charset=UTF-8";
export const REFRESH_VALIDITY_MS = 144_000 * 60 * 1000; // 100 days (§3.1)
export const ACCESS_VALIDITY_S = 3600; // §3.10
export const DAY_MS = 24 * 60 * 60 * 1000;

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const HEX64 = /^[0-9a-f]{64}$/;

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: { "cdi-version"?: string; "api-key"?: string; rid?: string; "content-type"?: string };
  body: unknown;
  status?: number;
  /** Response body (parsed JSON, or the raw text); filled in when the response has ended. */
  response?: unknown;
}

export interface RecordingProxy {
  url: string;
  calls: RecordedCall[];
  clear(): void;
  stop(): Promise<void>;
}

/** A transparent HTTP proxy that records each request before forwarding it to `targetUrl`. */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const calls: RecordedCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://proxy");
      let body: unknown = null;
      if (raw.length > 0) {
        const text = raw.toString("utf8");
        try {
          body = JSON.parse(text);
        } catch {
          body = { __raw: text };
        }
      }
      const h = (name: string) => (req.headers[name] as string | undefined) ?? undefined;
      const call: RecordedCall = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { "cdi-version": h("cdi-version"), "api-key": h("api-key"), rid: h("rid"), "content-type": h("content-type") },
        body,
      };
      calls.push(call);
      const headers = { ...req.headers, host: target.host };
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (up) => {
          call.status = up.statusCode;
          res.writeHead(up.statusCode ?? 502, up.headers);
          const out: Buffer[] = [];
          up.on("data", (c: Buffer) => {
            out.push(c);
            res.write(c);
          });
          up.on("end", () => {
            const text = Buffer.concat(out).toString("utf8");
            try {
              call.response = JSON.parse(text);
            } catch {
              call.response = text;
            }
            res.end();
          });
          up.on("error", () => res.destroy());
        },
      );
      // A dropped upstream connection is passed on as a dropped connection.
      upstream.on("error", () => res.destroy());
      upstream.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    clear: () => void calls.splice(0, calls.length),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startCore(options: LocalCoreOptions = {}): Promise<LocalCore> {
  return startLocalCore({ port: 0, host: "127.0.0.1", dbPath: ":memory:", ...options });
}

export function initSdk(connectionURI: string, apiKey: string | undefined = API_KEY): void {
  SuperTokens.init({
    supertokens: { connectionURI, apiKey },
    appInfo: { appName: "Session Desk contract tests", apiDomain: API_DOMAIN, websiteDomain: WEBSITE_DOMAIN },
    recipeList: [Session.init(), EmailPassword.init(), UserMetadata.init()],
  });
}

export interface SdkHarness {
  core: LocalCore;
  proxy: RecordingProxy;
  /** Calls made during the warm-up call in beforeAll (the one-time GET /apiversion included). */
  bootCalls: RecordedCall[];
}

/**
 * Registers beforeAll/afterAll that start a core (with API key), a recording proxy in front of it, and init
 * the real SDK against the proxy. The returned object is filled in by beforeAll.
 */
export function useSdkCore(options: LocalCoreOptions = {}): SdkHarness {
  const h = {} as SdkHarness;
  beforeAll(async () => {
    h.core = await startCore({ apiKey: API_KEY, ...options });
    h.proxy = await startRecordingProxy(h.core.url);
    initSdk(h.proxy.url);
    // Warm-up so that GET /apiversion (cached for the process) does not show up in per-test call lists.
    await SuperTokens.getUserCount();
    h.bootCalls = [...h.proxy.calls];
    h.proxy.clear();
  });
  afterAll(async () => {
    await h.proxy?.stop();
    await h.core?.stop();
  });
  return h;
}

/** Runs `fn` and returns its result plus the HTTP calls it made (method, path, query), in order. */
export async function recordCalls<T>(proxy: RecordingProxy, fn: () => Promise<T>): Promise<{ result: T; calls: RecordedCall[] }> {
  proxy.clear();
  const result = await fn();
  return { result, calls: [...proxy.calls] };
}

/** Method, path and query of each call: what the §7 cheat-sheet specifies. */
export function brief(calls: RecordedCall[]): { method: string; path: string; query: Record<string, string> }[] {
  return calls.map(({ method, path, query }) => ({ method, path, query }));
}

export interface RawResponse {
  status: number;
  contentType: string | null;
  headers: Headers;
  text: string;
  json: any;
}

export interface RawOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** An object is JSON-encoded; a string is sent as is. */
  body?: unknown;
  /** API key to send in `api-key`; `null` sends none. Defaults to API_KEY. */
  apiKey?: string | null;
  /** cdi-version header; `null` sends none. Defaults to "5.4". */
  cdiVersion?: string | null;
}

/** Plain fetch against the core, as the SDK would send it unless told otherwise. */
export async function raw(baseUrl: string, method: string, path: string, opts: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(baseUrl + path);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  const apiKey = opts.apiKey === undefined ? API_KEY : opts.apiKey;
  if (apiKey !== null) headers["api-key"] = apiKey;
  const cdi = opts.cdiVersion === undefined ? "5.4" : opts.cdiVersion;
  if (cdi !== null) headers["cdi-version"] = cdi;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  Object.assign(headers, opts.headers ?? {});
  const res = await fetch(url, { method, headers, body, redirect: "manual", cache: "no-store" });
  const text = await res.text();
  let json: any = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get("content-type"), headers: res.headers, text, json };
}

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

export function decodeJwt(token: string): { header: any; payload: any; signature: string } {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error(`not a JWT: ${token}`);
  const dec = (p: string) => JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  return { header: dec(parts[0]), payload: dec(parts[1]), signature: parts[2] };
}

export function uniqueEmail(tag = "user"): string {
  return `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Signs up an emailpassword user through the SDK and returns its id. */
export async function signUpUser(email = uniqueEmail(), tenantId = "public", password = "Passw0rd-123"): Promise<string> {
  const r = await EmailPassword.signUp(tenantId, email, password);
  if (r.status !== "OK") throw new Error(`signUp failed: ${r.status}`);
  return r.user.id;
}

export async function createSession(
  userId: string,
  accessTokenPayload: Record<string, unknown> = {},
  sessionData: Record<string, unknown> = {},
  tenantId = "public",
) {
  return Session.createNewSessionWithoutRequestResponse(
    tenantId,
    SuperTokens.convertToRecipeUserId(userId),
    accessTokenPayload,
    sessionData,
  );
}

/** Runs `fn` and returns what it threw (fails the test if nothing was thrown). */
export async function thrown(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to throw");
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
