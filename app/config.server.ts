import { isIP } from "node:net";
import { z } from "zod";
import { parseRoleMap } from "./staff/sso-roles";

/**
 * The environment, parsed and validated once. A bad value stops start-up with one line per variable
 * (see `formatConfigErrors`), so nobody debugs a half-configured dashboard at 3 a.m.
 */
const booleanFromString = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: "must be a number" }).int("must be a whole number").positive("must be above 0").default(fallback);

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  SUPERTOKENS_CONNECTION_URI: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .url("must be a URL such as http://localhost:3567")
      .refine((value) => /^https?:\/\//.test(value), "must start with http:// or https://")
      .optional(),
  ),
  SUPERTOKENS_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  DATA_DIR: z.string().min(1).default("data"),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((value) => /^(postgres(ql)?:\/\/|sqlite:|file:)/.test(value), "must start with postgres://, sqlite: or file:")
      .optional(),
  ),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  STAFF_IDLE_TIMEOUT_MINUTES: positiveInt(30),
  STAFF_SESSION_MAX_HOURS: positiveInt(12),
  /**
   * Sign-in throttling (app/staff/throttle.server.ts): failures in a row for one account from one client
   * address before each further attempt from there must wait (1 s, 2 s, 4 s … up to the cap). Never a lock:
   * the same account from another address is not slowed.
   */
  SIGN_IN_FREE_FAILURES: positiveInt(3),
  /** Failures from one client address (any account) within the hour before guesses from it are slowed too. */
  SIGN_IN_ADDRESS_FREE_FAILURES: positiveInt(20),
  /** The longest wait a run of failures can impose, in seconds. */
  SIGN_IN_MAX_DELAY_SECONDS: positiveInt(900),
  /**
   * Which peers may set X-Forwarded-For/-Proto/-Host, as Express's "trust proxy": false (the default: none),
   * a hop count, or a comma list of addresses, CIDR ranges or loopback/linklocal/uniquelocal.
   */
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default("false")
      .transform((value, context) => {
        const parsed = parseTrustProxy(value);
        if (typeof parsed === "string") {
          context.addIssue({ code: z.ZodIssueCode.custom, message: parsed });
          return z.NEVER;
        }
        return parsed;
      }),
  ),
  /** Production with an http:// APP_ORIGIN refuses to start unless this is true (a deliberate plain-HTTP deployment). */
  ALLOW_INSECURE_HTTP: z.preprocess(emptyToUndefined, booleanFromString.default("false")),
  /** Every call to the core gives up after this long (ms): the page shows the outage page, a bulk run retries. */
  CORE_TIMEOUT_MS: positiveInt(10_000),
  /**
   * "pooled": the SDK's core requests go through a keep-alive undici client (app/core/transport.server.ts);
   * "fetch": the SDK's own built-in fetch, as shipped.
   */
  CORE_TRANSPORT: z.preprocess(emptyToUndefined, z.enum(["pooled", "fetch"], { message: 'must be "pooled" or "fetch"' }).default("pooled")),
  /**
   * Session reads in flight while loading a user. Sized for a core across a network (5 ms away, 1,000
   * sessions: 128 in flight is within a few percent of the best a bare client does); a real core queues
   * what its thread pool cannot take at once, so a high number costs it nothing.
   */
  SESSION_LOAD_CONCURRENCY: positiveInt(128),
  /**
   * Sessions a bulk run works on at once (each is a read, then a write). As for reads: a core across a
   * network needs many in flight, and a real core queues what its thread pool cannot take at once.
   */
  BULK_APPLY_CONCURRENCY: positiveInt(128),
  /** Extra attempts per session after a transient core failure (5xx, 429, connection error) in a bulk run. */
  BULK_APPLY_MAX_RETRIES: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0).max(20).default(4),
  /** First retry waits about this long; each further retry doubles it (with jitter). */
  BULK_APPLY_RETRY_BASE_MS: positiveInt(100),
  /** A running bulk run whose owner has not renewed its lease for this long is shown as interrupted (resumable). */
  BULK_RUN_LEASE_SECONDS: positiveInt(15),
  /**
   * A bulk run across users with more sessions than this needs a second admin's approval before it can
   * be applied (four-eyes; the admin who made the dry run cannot approve it).
   */
  BULK_APPROVAL_THRESHOLD: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0).default(1000),
  /**
   * How long a write waits for another Session Desk write to the same session to finish (the per-session
   * lock, app/sessions/session-lock.server.ts) before it gives up with a transient failure.
   */
  SESSION_LOCK_WAIT_MS: positiveInt(10_000),
  /**
   * Requests one personal API token may make per minute (/api/v1); more are answered 429 with Retry-After.
   * Counted per instance: with several instances behind a balancer a token gets this much from each.
   */
  API_RATE_LIMIT_PER_MINUTE: positiveInt(300),
  MAX_SESSION_DATA_BYTES: positiveInt(1024 * 1024),
  /**
   * Every write, revoke and bulk run must say why (a ticket number is enough). On by default; set it to
   * false to make the reason optional (e.g. a team that links every change from its ticket tool instead).
   */
  AUDIT_REASON_REQUIRED: z.preprocess(emptyToUndefined, booleanFromString.default("true")),
  /**
   * Masked path patterns (app/masking/patterns.ts) put in the database when its masking settings have never
   * been saved: a comma- or line-separated list, e.g. `device.ip, **.token, cart.address.*`. After that the
   * admin page (/masking) is the one place to change them. Unset in demo mode: the demo patterns.
   */
  MASK_PATTERNS: z.preprocess(emptyToUndefined, z.string().max(20_000).optional()),
  /** Roles that see `•••• (masked)` instead of masked values until an admin changes it on /masking. */
  MASKED_ROLES: z.preprocess(
    (value) => (value === undefined ? "viewer,editor" : value),
    z
      .string()
      .transform((value) => value.split(",").map((role) => role.trim()).filter(Boolean))
      .pipe(z.array(z.enum(["viewer", "editor", "admin"], { message: "must list roles from viewer, editor, admin" }))),
  ),
  /** How long one "Reveal" of a session's masked values lasts, in minutes. */
  MASK_REVEAL_MINUTES: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1).max(240).default(5),
  APP_ORIGIN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .url("must be a URL such as https://desk.example.com")
      .refine((value) => /^https?:\/\//.test(value), "must start with https:// (or http://)")
      // Links and redirects in the app are absolute paths: it cannot live under a path prefix (README "Behind a proxy").
      .refine((value) => ["", "/"].includes(new URL(value).pathname), "must be an origin without a path (Session Desk is served at the root of its host name)")
      .optional(),
  ),
  /**
   * Staff sign-in through the company's identity provider (OpenID Connect; app/staff/oidc.server.ts).
   * Off while OIDC_ISSUER is unset; with it, the client id, secret and role map are required too.
   */
  OIDC_ISSUER: z.preprocess(emptyToUndefined, z.string().url("must be the issuer URL, such as https://login.example.com/realms/staff").optional()),
  OIDC_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  OIDC_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  /** The claim (ID token or userinfo) whose values OIDC_ROLE_MAP maps to roles. */
  OIDC_ROLE_CLAIM: z.preprocess(emptyToUndefined, z.string().default("groups")),
  /** "claim-value=role,…", e.g. "desk-admins=admin,desk-editors=editor,support=viewer"; the highest mapped role wins. */
  OIDC_ROLE_MAP: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((text, context) => {
        try {
          return parseRoleMap(text);
        } catch (error) {
          context.addIssue({ code: z.ZodIssueCode.custom, message: `${(error as Error).message} (write claim-value=role,… e.g. desk-admins=admin,support=viewer)` });
          return z.NEVER;
        }
      })
      .optional(),
  ),
  /** Scopes asked for; the role claim often needs its own (e.g. "groups" at Keycloak or Okta). */
  OIDC_SCOPES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default("openid email profile")
      .refine((value) => value.split(/\s+/).includes("openid"), "must include openid"),
  ),
  /** The provider's name on the sign-in button ("Sign in with …") and the staff page. */
  OIDC_DISPLAY_NAME: z.preprocess(emptyToUndefined, z.string().max(60, "use at most 60 characters").default("SSO")),
  /** false turns password sign-in off (only with OIDC configured: nobody could sign in otherwise). */
  PASSWORD_SIGN_IN: z.preprocess(emptyToUndefined, booleanFromString.default("true")),
  LOCAL_CORE_SEED: positiveInt(1),
  LOCAL_CORE_PORT: z.preprocess(emptyToUndefined, z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).optional()),
  // ── Operating it (README "Deploy") ──
  /** Log lines at or above this level are written (JSON on stdout; pretty in development). */
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "must be one of fatal, error, warn, info, debug, trace, silent" }).default("info"),
  ),
  /** Prometheus metrics on their own listener at this port (/metrics, no token), e.g. 9464. Unset: no listener. */
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).optional()),
  /** Interface of the metrics listener (default: HOST). */
  METRICS_HOST: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Serves /metrics on the app's own port to requests with `Authorization: Bearer <token>`. Unset: /metrics is 404 there. */
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** On SIGTERM/SIGINT: how long in-flight requests and bulk writes may take to finish before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(20_000),
  /**
   * A session-data JSON Schema (draft 2020-12) kept in the team's repository: read once at start-up and
   * shown read-only in the Schemas page as "from file" (app/schema/store.server.ts). Unreadable or not a
   * valid schema: start-up stops with the reason.
   */
  SESSION_DATA_SCHEMA_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
  /** The tenants the file's schema applies to (comma-separated); unset = every tenant. */
  SESSION_DATA_SCHEMA_FILE_TENANTS: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Set by the server when it started the bundled core itself (never set by hand). */
  SESSION_DESK_BUNDLED_CORE: z.preprocess(emptyToUndefined, booleanFromString.default("false")),
});

export type Config = z.infer<typeof configSchema>;

/** TRUST_PROXY as Express's "trust proxy" takes it, or a message saying what is wrong. */
export type TrustProxySetting = false | number | string[];

const NAMED_PROXY_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

export function parseTrustProxy(value: string): TrustProxySetting | string {
  const text = value.trim();
  if (text === "false" || text === "0") return false;
  // "true" would trust any peer to say who the client is: exactly the X-Forwarded-For bypass.
  if (text === "true") return "must not be true (that trusts every peer); give a hop count or the proxies' addresses";
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(",").map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !NAMED_PROXY_RANGES.has(entry) && !isAddressOrCidr(entry));
  if (entries.length === 0 || bad.length > 0) {
    return `must be false, a hop count, or a comma list of addresses, CIDR ranges, loopback, linklocal or uniquelocal (not understood: ${bad.join(", ") || "(empty)"})`;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split("/");
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(`Invalid configuration:\n${lines.join("\n")}`);
    this.name = "ConfigError";
  }
}

export function formatConfigErrors(error: z.ZodError): string[] {
  return error.issues.map((issue) => `  ${issue.path.join(".") || "environment"}: ${issue.message}`);
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) throw new ConfigError(formatConfigErrors(result.error));
  const config = result.data;
  const problems: string[] = [];
  // No connection URI means demo mode: the server starts the bundled core and marks it as such.
  const realCore = config.SUPERTOKENS_CONNECTION_URI !== undefined && !config.SESSION_DESK_BUNDLED_CORE;
  if (config.NODE_ENV === "production" && realCore && !config.SESSION_SECRET) {
    problems.push("  SESSION_SECRET: required with a real SuperTokens core in production (at least 32 random characters)");
  }
  problems.push(...oidcConfigProblems(config));
  if (config.NODE_ENV === "production" && config.APP_ORIGIN?.startsWith("http://") && !config.ALLOW_INSECURE_HTTP) {
    problems.push(
      "  APP_ORIGIN: is http:// in production, so staff passwords and session cookies would cross the network unencrypted. Use https://, or set ALLOW_INSECURE_HTTP=true to run over plain HTTP on purpose",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** OIDC settings that only make sense together (see the OIDC_* entries of .env.example). */
function oidcConfigProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.OIDC_ISSUER) {
    if (!config.PASSWORD_SIGN_IN) problems.push("  PASSWORD_SIGN_IN: false needs OIDC sign-in configured (OIDC_ISSUER…), or nobody could sign in");
    return problems;
  }
  if (!config.OIDC_CLIENT_ID) problems.push("  OIDC_CLIENT_ID: required with OIDC_ISSUER (the client id the provider gave Session Desk)");
  if (!config.OIDC_CLIENT_SECRET) problems.push("  OIDC_CLIENT_SECRET: required with OIDC_ISSUER (the client secret the provider gave Session Desk)");
  if (!config.OIDC_ROLE_MAP) problems.push("  OIDC_ROLE_MAP: required with OIDC_ISSUER, e.g. desk-admins=admin,desk-editors=editor,support=viewer");
  const issuer = new URL(config.OIDC_ISSUER);
  if (issuer.protocol !== "https:" && !(config.NODE_ENV !== "production" && isLoopbackHost(issuer.hostname))) {
    problems.push("  OIDC_ISSUER: must be https:// (plain http only for a provider on 127.0.0.1 or localhost outside production)");
  }
  return problems;
}

/** 127.0.0.1 or localhost: where a plain-http identity provider is acceptable outside production (tests, a laptop). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

/** True when staff can sign in through the identity provider. */
export function isOidcConfigured(config: Config = getConfig()): boolean {
  return config.OIDC_ISSUER !== undefined;
}

let cached: Config | undefined;

/** The configuration of this process. Parsed on first use; the server calls it at start-up so errors surface there. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** True when the dashboard runs against the core it bundles (demo mode). */
export function isDemoMode(config: Config = getConfig()): boolean {
  return config.SESSION_DESK_BUNDLED_CORE;
}
