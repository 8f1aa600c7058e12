/**
 * The one door to the SuperTokens core. Only `app/core/*` imports supertokens-node; routes and domain
 * modules call the typed wrappers next to this file. That keeps "core down / wrong key" handling in one
 * place and lets a real core replace the bundled one by configuration alone.
 */
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session/index.js";
import UserMetadata from "supertokens-node/recipe/usermetadata/index.js";
import { getConfig, isDemoMode } from "~/config.server";
import { singleton } from "~/utils/singleton.server";
import { installCoreTransport, installExactJsonFetch } from "./transport.server";
import { observeSdkCoreCalls } from "~/observability/core-calls.server";

export interface CoreTarget {
  /** The connection URI as configured (may contain an `/appid-…` path). */
  url: string;
  /** "bundled": the local core Session Desk started itself; "external": a real core the operator pointed us at. */
  mode: "bundled" | "external";
  apiKeyConfigured: boolean;
}

export function coreTarget(): CoreTarget {
  const config = getConfig();
  return {
    url: config.SUPERTOKENS_CONNECTION_URI ?? "(not configured)",
    mode: isDemoMode(config) ? "bundled" : "external",
    apiKeyConfigured: Boolean(config.SUPERTOKENS_API_KEY),
  };
}

/**
 * Initialises the SDK once per process. The SDK is a process-wide singleton: if something else in this
 * process (a test, the demo seed) already initialised it, we reuse that.
 */
export function ensureSupertokens(): void {
  singleton("supertokens-init", () => {
    const config = getConfig();
    if (!config.SUPERTOKENS_CONNECTION_URI) {
      throw new Error("SUPERTOKENS_CONNECTION_URI is not set and no bundled core was started.");
    }
    try {
      SuperTokens.init({
        framework: "custom",
        // The dashboard never relies on the per-userContext GET cache; every read must be fresh
        // because the conflict check compares what the core holds *now*.
        supertokens: { connectionURI: config.SUPERTOKENS_CONNECTION_URI, apiKey: config.SUPERTOKENS_API_KEY, disableCoreCallCache: true },
        appInfo: {
          appName: "Session Desk",
          apiDomain: config.APP_ORIGIN ?? `http://localhost:${config.PORT}`,
          websiteDomain: config.APP_ORIGIN ?? `http://localhost:${config.PORT}`,
          apiBasePath: "/auth",
        },
        recipeList: [Session.init(), UserMetadata.init()],
      });
    } catch (error) {
      if (!(error instanceof Error) || !/already initiali[sz]ed/i.test(error.message)) throw error;
    }
    // Both transports keep number text exact; "fetch" keeps the SDK's own fetch underneath.
    if (config.CORE_TRANSPORT === "pooled") installCoreTransport(config.SUPERTOKENS_CONNECTION_URI);
    else installExactJsonFetch();
    // A log line and a latency sample per core call (app/observability/core-calls.server.ts).
    observeSdkCoreCalls();
    return true;
  });
}

export { SuperTokens, Session, UserMetadata };
