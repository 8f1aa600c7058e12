/**
 * A real OpenID Connect provider for the SSO tests: `oidc-provider` (a certified OpenID Provider) on
 * 127.0.0.1 over plain http, with one confidential client for Session Desk and people whose `groups` a
 * test can change between sign-ins.
 *
 *   const idp = await startTestIdentityProvider();           // the issuer is known from here on
 *   const stack = await startTestStack({ env: idp.appEnv() }); // Session Desk, pointed at it
 *   idp.registerApp(stack.url);                               // the client's redirect URIs need the app's origin
 *
 * Its pages are its own (oidc-provider's development pages load Google Fonts, and the browser tests refuse
 * any request outside 127.0.0.1): a sign-in form with username and password, and the sign-out prompt.
 * Consent is given on the person's behalf (a first-party client, as a company configures its own tools).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

export interface TestPerson {
  /** The sign-in name at the provider, also its `sub`. */
  login: string;
  password: string;
  email?: string;
  name?: string;
  groups: string[];
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The environment that points Session Desk at this provider. */
  appEnv(extra?: Record<string, string>): Record<string, string>;
  /** Makes the provider's client accept `appOrigin`'s callback and sign-out return addresses (once the app listens). */
  registerApp(appOrigin: string): void;
  /** Adds or replaces a person (e.g. new groups before their next sign-in). */
  setPerson(person: TestPerson): void;
  stop(): Promise<void>;
}

export const TEST_ROLE_MAP = "desk-admins=admin,desk-editors=editor,support=viewer";
export const TEST_PROVIDER_NAME = "Test IdP";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;background:#eef2f7;margin:0}main{max-width:22rem;margin:4rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 3px #0003}
h1{font-size:1.2rem}label{display:block;margin-top:.8rem;font-size:.9rem}input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;width:100%;padding:.5rem;background:#0f766e;color:#fff;border:0;border-radius:4px}
.error{color:#b91c1c}</style></head><body><main>${body}</main></body></html>`;
}

function loginPage(uid: string, clientName: string, error?: string): string {
  return page(
    "Test IdP · Sign in",
    `<h1>Test IdP</h1><p>Sign in to continue to ${escapeHtml(clientName)}.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="login">Username</label><input id="login" name="login" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in to Test IdP</button></form>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startTestIdentityProvider(options: { people?: TestPerson[] } = {}): Promise<TestIdentityProvider> {
  const people = new Map<string, TestPerson>();
  for (const person of options.people ?? []) people.set(person.login, person);
  const clientId = "session-desk";
  const clientSecret = "test-client-secret-0123456789abcdef";
  let provider: Provider | undefined;

  async function handleInteraction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider!.interactionDetails(req, res);
    const send = (status: number, html: string) => {
      res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      res.end(html);
    };
    if (details.prompt.name !== "login") return send(501, page("Not supported", `<p>This test provider only handles sign-in, not "${escapeHtml(details.prompt.name)}".</p>`));
    if (req.method === "GET" && !action) return send(200, loginPage(uid, String(details.params.client_id)));
    if (req.method === "POST" && action === "login") {
      const form = await readForm(req);
      const person = people.get(form.get("login") ?? "");
      if (!person || person.password !== form.get("password")) return send(401, loginPage(uid, String(details.params.client_id), "Wrong username or password."));
      await provider!.interactionFinished(req, res, { login: { accountId: person.login } }, { mergeWithLastSubmission: false });
      return;
    }
    send(404, page("Not found", "<p>No such page.</p>"));
  }

  const server: Server = createServer((req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/([a-z]+))?/.exec(req.url ?? "");
    if (!provider) {
      res.writeHead(503).end("not ready");
      return;
    }
    if (match) {
      handleInteraction(req, res, match[1]!, match[2]).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(400, { "Content-Type": "text/plain" });
        res.end(`interaction failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function registerApp(appOrigin: string) {
    const configuration: Configuration = {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          client_name: "Session Desk",
          redirect_uris: [`${appOrigin}/sso/callback`],
          post_logout_redirect_uris: [`${appOrigin}/login`],
          response_types: ["code"],
          grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      // PKCE on every request, also for this confidential client: a sign-in without it is refused.
      pkce: { required: () => true },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
      async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
        const person = people.get(sub);
        if (!person) return undefined;
        return {
          accountId: sub,
          // Read at each use: a change to the person's groups shows at their next sign-in.
          async claims() {
            const current = people.get(sub) ?? person;
            return { sub, ...(current.email ? { email: current.email, email_verified: true } : {}), name: current.name, groups: current.groups };
          },
        };
      },
      interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      // Consent on the person's behalf for what the client asks (a company's own tool).
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
        if (existing) return ctx.oidc.provider.Grant.find(existing);
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        grant.addOIDCScope(String(ctx.oidc.params!.scope ?? "openid"));
        await grant.save();
        return grant;
      },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          async logoutSource(ctx: KoaContextWithOIDC, form: string) {
            ctx.body = page("Test IdP · Sign out", `<h1>Sign out of Test IdP?</h1>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
          },
          async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
            ctx.body = page("Test IdP · Signed out", "<h1>You are signed out of Test IdP.</h1>");
          },
        },
      },
      async renderError(ctx: KoaContextWithOIDC, out: Record<string, unknown>) {
        ctx.type = "html";
        ctx.body = page("Test IdP · Error", `<h1>Error</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`);
      },
      cookies: { keys: ["test-idp-cookie-key-0123456789abcdef"] },
    };
    provider = new Provider(issuer, configuration);
    // Quiet: oidc-provider reports every refused request (the tests make plenty on purpose).
    provider.on("server_error", (_ctx, error) => console.error("test IdP server_error", error));
  }

  return {
    issuer,
    clientId,
    clientSecret,
    appEnv: (extra = {}) => ({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_ROLE_MAP: TEST_ROLE_MAP,
      OIDC_SCOPES: "openid email profile groups",
      OIDC_DISPLAY_NAME: TEST_PROVIDER_NAME,
      ...extra,
    }),
    registerApp,
    setPerson: (person) => people.set(person.login, person),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Cookies per host, as a browser keeps them (paths ignored: sending a cookie to more paths of the same test server is harmless). */
export class CookieJar {
  private readonly hosts = new Map<string, Map<string, string>>();

  take(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.hosts.get(host) ?? new Map<string, string>();
    this.hosts.set(host, jar);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const gone = /max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "";
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
  }

  header(url: string): string {
    const jar = this.hosts.get(new URL(url).host);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join("; ") : "";
  }

  get(url: string, name: string): string | undefined {
    return this.hosts.get(new URL(url).host)?.get(name);
  }
}

/**
 * What a browser does from "Sign in with …" to the provider's answer: POSTs /sso/start from the app's
 * page, follows the provider's redirects, fills its sign-in form, and stops at the address the provider
 * sends back to the app (not opened: the test decides what to do with it). `jar` keeps both sites' cookies.
 */
export async function signInAtProvider(
  appUrl: string,
  person: { login: string; password: string },
  options: { redirectTo?: string; jar?: CookieJar } = {},
): Promise<{ callbackUrl: string; authorizationUrl: string; jar: CookieJar }> {
  const jar = options.jar ?? new CookieJar();
  const start = await fetch(`${appUrl}/sso/start`, {
    method: "POST",
    headers: { Origin: appUrl, "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.header(appUrl) },
    body: new URLSearchParams({ redirectTo: options.redirectTo ?? "/" }).toString(),
    redirect: "manual",
  });
  if (start.status !== 302) throw new Error(`POST /sso/start answered ${start.status}: ${await start.text()}`);
  jar.take(appUrl, start);
  const authorizationUrl = start.headers.get("Location")!;
  let url = authorizationUrl;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(appUrl)) return { callbackUrl: url, authorizationUrl, jar };
    const response = await fetch(url, { headers: { Cookie: jar.header(url) }, redirect: "manual" });
    jar.take(url, response);
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get("Location")!, url).href;
      continue;
    }
    const html = await response.text();
    const form = /<form method="post" action="([^"]+\/login)"/.exec(html);
    if (response.status !== 200 || !form) throw new Error(`the provider answered ${response.status} at ${url}: ${html.slice(0, 500)}`);
    const action = new URL(form[1]!, url).href;
    const posted = await fetch(action, {
      method: "POST",
      headers: { Cookie: jar.header(action), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ login: person.login, password: person.password }).toString(),
      redirect: "manual",
    });
    jar.take(action, posted);
    if (posted.status < 300 || posted.status >= 400) throw new Error(`the provider's sign-in answered ${posted.status}: ${(await posted.text()).slice(0, 500)}`);
    url = new URL(posted.headers.get("Location")!, action).href;
  }
  throw new Error("too many redirects between Session Desk and the provider");
}
