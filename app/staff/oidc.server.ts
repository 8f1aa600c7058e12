/**
 * Staff sign-in through the company's identity provider: OpenID Connect, authorization code flow with
 * PKCE, `state` and `nonce`, through openid-client (a certified relying-party library; we hand-write
 * none of the protocol's checks).
 *
 *   POST /sso/start     beginSsoSignIn: a fresh state, nonce and PKCE verifier. The verifier and nonce stay
 *                       on the server under the hash of the state; the browser gets the state in a signed,
 *                       httpOnly cookie (10 minutes) and goes to the provider.
 *   GET  /sso/callback  completeSsoSignIn: the state in the address must equal the cookie's, and its record
 *                       is deleted before anything else (one use: a replayed callback finds nothing). Then
 *                       the code is exchanged (PKCE verifier, nonce and issuer checked by openid-client),
 *                       the claims read, the role mapped and the account signed in (sso-accounts.server.ts).
 *
 * The cookie binds the flow to the browser that started it: a callback address sent to someone else (login
 * CSRF: "sign in as me") is refused there, because their browser has no matching state cookie.
 */
import { createCookie, type Cookie } from "@remix-run/node";
import { createHash, timingSafeEqual } from "node:crypto";
import * as client from "openid-client";
import { getConfig, isLoopbackHost, isOidcConfigured, type Config } from "~/config.server";
import { getDb } from "~/db/db.server";
import { now } from "./clock.server";
import { safeRedirectPath } from "./guard.server";
import { expectedOrigin, isServedOverHttps } from "./origin.server";
import { getSessionSecret } from "./secret.server";
import { startStaffSession } from "./session.server";
import { signInSsoAccount, type SsoRefusal } from "./sso-accounts.server";
import { roleFromClaim } from "./sso-roles";

/** How long a person may take at the provider's sign-in page. */
const SIGN_IN_REQUEST_MINUTES = 10;
/** Discovery and token calls give up after this long (seconds): a stalled provider must not hang the page. */
const PROVIDER_TIMEOUT_SECONDS = 10;
const FLOW_COOKIE_NAME = "sd_sso";
export const SSO_CALLBACK_PATH = "/sso/callback";

export type SsoProblemReason = SsoRefusal["reason"] | "invalid-request" | "provider-refused" | "provider-unreachable";
export interface SsoProblem {
  reason: SsoProblemReason;
  status: number;
  title: string;
  message: string;
}

export const INVALID_REQUEST_MESSAGE =
  "This sign-in cannot be finished: its link was used already, it is older than 10 minutes, or it was started in another browser. Nothing was signed in. Start again from the sign-in page.";

export function ssoDisplayName(config: Config = getConfig()): string {
  return config.OIDC_DISPLAY_NAME;
}

// ── The provider's configuration (discovery), kept once found ─────────────────────────────────────

let discovered: { key: string; configuration: Promise<client.Configuration> } | undefined;

/**
 * openid-client refuses plain-http providers. That is right in production, and config.server.ts refuses an
 * http issuer there; outside production an issuer on 127.0.0.1 or localhost is allowed, so the tests (and a
 * laptop) can run a real provider without certificates.
 */
function mayUseInsecureRequests(config: Config, issuer: URL): boolean {
  return issuer.protocol === "http:" && config.NODE_ENV !== "production" && isLoopbackHost(issuer.hostname);
}

/** The provider's endpoints and keys, from OIDC_ISSUER's discovery document; a failed discovery is retried next time. */
export function providerConfiguration(): Promise<client.Configuration> {
  const config = getConfig();
  const issuer = new URL(config.OIDC_ISSUER!);
  const key = `${issuer.href} ${config.OIDC_CLIENT_ID}`;
  if (discovered?.key !== key) {
    const configuration = client.discovery(issuer, config.OIDC_CLIENT_ID!, undefined, client.ClientSecretBasic(config.OIDC_CLIENT_SECRET!), {
      timeout: PROVIDER_TIMEOUT_SECONDS,
      execute: mayUseInsecureRequests(config, issuer) ? [client.allowInsecureRequests] : [],
    });
    discovered = { key, configuration };
    configuration.catch(() => {
      if (discovered?.configuration === configuration) discovered = undefined;
    });
  }
  return discovered.configuration;
}

function unreachable(error: unknown): SsoProblem {
  const config = getConfig();
  return {
    reason: "provider-unreachable",
    status: 502,
    title: `${config.OIDC_DISPLAY_NAME} could not be reached`,
    message: `Session Desk could not talk to the identity provider at ${config.OIDC_ISSUER} (${describeError(error)}). Nothing was signed in. Try again in a moment; if it keeps happening, tell your Session Desk admin.`,
  };
}

function describeError(error: unknown): string {
  if (error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError) {
    return error.error_description ? `${error.error}: ${error.error_description}` : error.error;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

// ── The flow cookie ──────────────────────────────────────────────────────────────────────────────────

let flowCookie: { secret: string; cookie: Cookie } | undefined;

function ssoFlowCookie(): Cookie {
  const secret = getSessionSecret();
  if (flowCookie?.secret === secret) return flowCookie.cookie;
  flowCookie = {
    secret,
    cookie: createCookie(FLOW_COOKIE_NAME, {
      path: "/sso",
      httpOnly: true,
      // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
      sameSite: "lax",
      secrets: [secret],
      maxAge: SIGN_IN_REQUEST_MINUTES * 60,
    }),
  };
  return flowCookie.cookie;
}

// As the staff cookie (app/staff/session.server.ts): Secure exactly when the app is served over https.
const clearFlowCookie = (request: Request) => ssoFlowCookie().serialize("", { maxAge: 0, expires: new Date(0), secure: isServedOverHttps(request) });

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Where the provider sends the browser back: the app's own origin (APP_ORIGIN, or the request's). */
export function ssoRedirectUri(request: Request): string {
  return `${expectedOrigin(request)}${SSO_CALLBACK_PATH}`;
}

// ── Start ─────────────────────────────────────────────────────────────────────────────────────────

export type SsoStart = { ok: true; location: string; setCookie: string } | { ok: false; problem: SsoProblem };

export async function beginSsoSignIn(request: Request, redirectTo: string | undefined): Promise<SsoStart> {
  const config = getConfig();
  let configuration: client.Configuration;
  try {
    configuration = await providerConfiguration();
  } catch (error) {
    return { ok: false, problem: unreachable(error) };
  }
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const at = now();
  const db = getDb();
  await db
    .insertInto("oidc_sign_in_requests")
    .values({
      id: sha256(state),
      code_verifier: codeVerifier,
      nonce,
      redirect_to: safeRedirectPath(redirectTo),
      created_at: at.toISOString(),
      expires_at: new Date(at.getTime() + SIGN_IN_REQUEST_MINUTES * 60_000).toISOString(),
    })
    .execute();
  // Requests nobody came back from are of no use: tidy them on the way.
  await db.deleteFrom("oidc_sign_in_requests").where("expires_at", "<", at.toISOString()).execute();
  const location = client.buildAuthorizationUrl(configuration, {
    redirect_uri: ssoRedirectUri(request),
    scope: config.OIDC_SCOPES,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { ok: true, location: location.href, setCookie: await ssoFlowCookie().serialize(state, { secure: isServedOverHttps(request) }) };
}

// ── Callback ──────────────────────────────────────────────────────────────────────────────────────

export type SsoCompletion =
  | { ok: true; redirectTo: string; setCookies: string[]; staffId: string; created: boolean }
  | { ok: false; problem: SsoProblem; setCookies: string[] };

const invalidRequest = (): SsoProblem => ({ reason: "invalid-request", status: 400, title: "This sign-in link is not valid", message: INVALID_REQUEST_MESSAGE });

/**
 * Finishes a sign-in from the provider's answer. Every refusal clears the flow cookie and signs nobody in;
 * the request record is gone after the first try, so the same answer never works twice.
 */
export async function completeSsoSignIn(
  request: Request,
  details: { userAgent: string | null; clientAddress: string | null },
): Promise<SsoCompletion> {
  const clearing = [await clearFlowCookie(request)];
  const refuse = (problem: SsoProblem): SsoCompletion => ({ ok: false, problem, setCookies: clearing });
  const config = getConfig();
  const params = new URL(request.url).searchParams;
  const state = params.get("state");
  const cookieState = await ssoFlowCookie().parse(request.headers.get("Cookie"));
  if (!state || typeof cookieState !== "string" || !sameText(state, cookieState)) return refuse(invalidRequest());

  // One use: whoever deletes the record goes on; a replay (or a second tab) finds nothing.
  const db = getDb();
  const pending = await db.selectFrom("oidc_sign_in_requests").selectAll().where("id", "=", sha256(state)).executeTakeFirst();
  if (!pending) return refuse(invalidRequest());
  const deleted = await db.deleteFrom("oidc_sign_in_requests").where("id", "=", pending.id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1 || pending.expires_at <= now().toISOString()) return refuse(invalidRequest());

  const providerError = params.get("error");
  if (providerError) {
    const description = params.get("error_description");
    return refuse({
      reason: "provider-refused",
      status: 403,
      title: `${config.OIDC_DISPLAY_NAME} did not sign you in`,
      message: `The identity provider answered "${providerError}"${description ? `: ${description}` : ""}. Nothing was signed in. Start again from the sign-in page.`,
    });
  }

  let configuration: client.Configuration;
  try {
    configuration = await providerConfiguration();
  } catch (error) {
    return refuse(unreachable(error));
  }
  // The address the provider answered to, rebuilt on the app's public origin (behind a proxy the request's own URL is internal).
  const answeredAt = new URL(ssoRedirectUri(request));
  answeredAt.search = params.toString();
  let claims: Record<string, unknown>;
  let idToken: string | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(configuration, answeredAt, {
      pkceCodeVerifier: pending.code_verifier,
      expectedNonce: pending.nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error("the provider sent no ID token");
    idToken = tokens.id_token;
    claims = { ...idClaims };
    // Many providers put groups and email only in userinfo (oidc-provider, Keycloak without mappers, Okta's
    // org server): ask for it, checked to be about the same subject. Its answer is the fresher one.
    if (configuration.serverMetadata().userinfo_endpoint) {
      const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      claims = { ...claims, ...userInfo, iss: idClaims.iss, sub: idClaims.sub };
    }
  } catch (error) {
    const fromProvider = error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError;
    if (!fromProvider && isNetworkError(error)) return refuse(unreachable(error));
    return refuse({
      reason: "provider-refused",
      status: 400,
      title: `${config.OIDC_DISPLAY_NAME} sign-in failed`,
      message: `The identity provider's answer was refused (${describeError(error)}). Nothing was signed in. Start again from the sign-in page.`,
    });
  }

  const outcome = await signInSsoAccount({
    issuer: String(claims.iss),
    subject: String(claims.sub),
    email: claims.email,
    displayName: claims.name ?? claims.preferred_username,
    role: roleFromClaim(claims[config.OIDC_ROLE_CLAIM], config.OIDC_ROLE_MAP!),
    roleClaim: config.OIDC_ROLE_CLAIM,
    providerName: config.OIDC_DISPLAY_NAME,
  });
  if (!outcome.ok) return refuse({ ...outcome.refusal, reason: outcome.refusal.reason });
  const setCookie = await startStaffSession(outcome.staffId, { ...details, oidcIdToken: idToken, secure: isServedOverHttps(request) });
  return { ok: true, redirectTo: safeRedirectPath(pending.redirect_to), setCookies: [...clearing, setCookie], staffId: outcome.staffId, created: outcome.created };
}

function isNetworkError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message} ${error.cause instanceof Error ? error.cause.message : ""}` : "";
  return /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|TimeoutError|aborted/i.test(text);
}

// ── Sign-out ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Where to send the browser after Session Desk's own session has ended: the provider's end_session_endpoint
 * (RP-initiated logout, with id_token_hint and a way back to /login) when it has one, else null.
 * Only on the issuer's own origin: the page's Content-Security-Policy lets forms lead only there
 * (server/security-headers.ts), and every provider we know serves both from one origin.
 */
export async function endSessionUrl(request: Request, idToken: string): Promise<string | null> {
  if (!isOidcConfigured()) return null;
  let configuration: client.Configuration;
  try {
    configuration = await providerConfiguration();
  } catch {
    // The provider is down: Session Desk's own session is over anyway; sign-out must not fail on it.
    return null;
  }
  const endpoint = configuration.serverMetadata().end_session_endpoint;
  if (!endpoint || new URL(endpoint).origin !== new URL(getConfig().OIDC_ISSUER!).origin) return null;
  return client.buildEndSessionUrl(configuration, {
    id_token_hint: idToken,
    post_logout_redirect_uri: `${expectedOrigin(request)}/login`,
  }).href;
}

/** How the staff page names an SSO account's provider: OIDC_DISPLAY_NAME for the configured issuer, else the issuer's host (an account from a provider used before). */
export function ssoProviderName(issuer: string | null): string | null {
  if (!issuer) return null;
  const config = getConfig();
  if (config.OIDC_ISSUER && sameIssuer(issuer, config.OIDC_ISSUER)) return config.OIDC_DISPLAY_NAME;
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}

/** Issuers compare as written, but a trailing slash in OIDC_ISSUER is easy to add by mistake. */
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}
