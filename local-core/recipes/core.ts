// Core endpoints that belong to no recipe: /apiversion, hello, JWKS (cdi-contract.md §2, §3.9), and
// the licence's feature list (/ee/featureflag).

import type { Route, RequestContext } from "../context.js";
import { ok } from "../http.js";

/**
 * Exactly the list (and order, which comes from a Java HashSet) a real core 11.4.7 returned in
 * real-core-recordings.jsonl.
 */
export const SUPPORTED_CDI_VERSIONS = [
  "2.14", "2.13", "2.12", "2.11", "2.10", "2.21", "2.20", "2.19", "2.18", "2.17", "3.0", "2.16",
  "3.1", "4.0", "2.15", "5.0", "5.1", "5.2", "5.3", "2.7", "5.4", "2.8", "2.9",
];
export const MAX_CDI_VERSION = "5.4";

function apiVersion(ctx: RequestContext) {
  ctx.requirePublicTenant();
  return ok({ versions: SUPPORTED_CDI_VERSIONS });
}

function hello() {
  return { status: 200, text: "Hello" };
}

async function jwks(ctx: RequestContext) {
  const keys = ctx.state.keys;
  await keys.currentDynamicKey(); // rotates first when a new dynamic key is due
  return {
    status: 200,
    json: keys.jwks(),
    headers: { "Cache-Control": `max-age=${keys.secondsUntilRotation()}, must-revalidate` },
  };
}

/**
 * EEFeatureFlagAPI: app-specific (public tenant only). `features` in EE_FEATURES order; the core adds
 * per-feature `usageStats` (and, on SQL storage, 31 days of MAUs), which the local core does not keep,
 * so its usageStats is empty (as a core on non-SQL storage answers).
 */
function featureFlags(ctx: RequestContext) {
  ctx.requirePublicTenant();
  return ok({ features: [...ctx.state.features], usageStats: {}, status: "OK" });
}

export const coreRoutes: Route[] = [
  { path: "/ee/featureflag", handlers: { GET: featureFlags } },
  { path: "/apiversion", handlers: { GET: apiVersion }, versionNotNeeded: true },
  { path: "/hello", handlers: { GET: hello, POST: hello, PUT: hello, DELETE: hello }, skipApiKey: true, versionNotNeeded: true },
  { path: "/.well-known/jwks.json", handlers: { GET: jwks }, skipApiKey: true, versionNotNeeded: true },
];
