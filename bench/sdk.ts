import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import UserMetadata from "supertokens-node/recipe/usermetadata/index.js";
import pLimit from "p-limit";
import { installCoreTransport } from "../app/core/transport.server";

/** The SDK in the bench process, set up the way the dashboard sets it up, plus EmailPassword for fixtures. */
export async function initBenchSdk(coreUrl: string, apiKey?: string) {
  process.env.SUPERTOKENS_CONNECTION_URI = coreUrl;
  if (apiKey) process.env.SUPERTOKENS_API_KEY = apiKey;
  process.env.SESSION_DESK_BUNDLED_CORE = "true";
  process.env.NODE_ENV = "test";
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: coreUrl, apiKey, disableCoreCallCache: true },
    appInfo: { appName: "Session Desk bench", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000", apiBasePath: "/auth" },
    recipeList: [Session.init(), EmailPassword.init(), UserMetadata.init()],
  });
  // The same transport the dashboard installs (CORE_TRANSPORT=pooled, the default).
  if (!installCoreTransport(coreUrl)) throw new Error("the core transport could not be installed");
}


/** About 1 KB of realistic session data. */
export function kilobyteOfData(i: number): Record<string, unknown> {
  return {
    plan: i % 3 === 0 ? "pro" : "free",
    locale: ["en-GB", "de-DE", "fr-FR", "ja-JP"][i % 4],
    featureFlags: { beta: i % 2 === 0, newCheckout: i % 5 === 0, darkMode: true },
    cart: { id: `cart-${i}`, items: Array.from({ length: 6 }, (_, k) => ({ sku: `SKU-${i}-${k}`, qty: (k % 3) + 1, price: 9.99 + k })) },
    device: { ua: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36", ip: `10.0.${i % 255}.${(i * 7) % 255}` },
    notes: "x".repeat(320),
  };
}

export async function createUserWithSessions(email: string, count: number): Promise<string> {
  const signUp = await EmailPassword.signUp("public", email, "Passw0rd-bench");
  if (signUp.status !== "OK") throw new Error(`sign-up failed: ${signUp.status}`);
  const userId = signUp.user.id;
  const limit = pLimit(32);
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      limit(() => Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), { role: "member" }, kilobyteOfData(i))),
    ),
  );
  return userId;
}

export { withBuiltinFetch } from "../app/core/transport.server";
export { Session, SuperTokens };

/**
 * The same fixture through plain HTTP, for a core the SDK of this process is not pointed at (the SDK is a
 * per-process singleton). Requests are exactly what the SDK sends (contract §3.1, §5.1).
 */
export async function createUserWithSessionsOverHttp(coreUrl: string, email: string, count: number, apiKey?: string): Promise<string> {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "cdi-version": "5.4" };
  if (apiKey) headers["api-key"] = apiKey;
  const signUp = (await (await fetch(`${coreUrl}/public/recipe/signup`, { method: "POST", headers, body: JSON.stringify({ email, password: "Passw0rd-bench" }) })).json()) as { user: { id: string } };
  const userId = signUp.user.id;
  const limit = pLimit(32);
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      limit(async () => {
        const response = await fetch(`${coreUrl}/public/recipe/session`, {
          method: "POST",
          headers,
          body: JSON.stringify({ userId, userDataInJWT: { role: "member" }, userDataInDatabase: kilobyteOfData(i), useDynamicSigningKey: true, enableAntiCsrf: false }),
        });
        if (!response.ok) throw new Error(`session create failed: HTTP ${response.status}`);
        await response.arrayBuffer();
      }),
    ),
  );
  return userId;
}
