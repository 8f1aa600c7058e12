/**
 * Which paid features the core's licence enables (`GET /ee/featureflag`, which every core since
 * multi-tenancy answers; the SDK has no wrapper for it). Session Desk never calls a paid endpoint
 * itself, but a core without a licence key can only ever have the public tenant, and saying so is
 * clearer than a tenant list that silently has one entry, or a support link to a tenant that is gone.
 * Unknown (undefined) when the core does not answer it: then nothing is claimed.
 */
import { getConfig } from "~/config.server";

const CACHE_MS = 60_000;
let cached: { features: string[] | undefined; at: number } | undefined;

export async function getLicensedFeatures(): Promise<string[] | undefined> {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.features;
  cached = { features: await fetchFeatures(), at: Date.now() };
  return cached.features;
}

async function fetchFeatures(): Promise<string[] | undefined> {
  const config = getConfig();
  if (!config.SUPERTOKENS_CONNECTION_URI) return undefined;
  // The first host of a `;`-separated list; its path may hold /appid-<id>, as for the SDK.
  const base = config.SUPERTOKENS_CONNECTION_URI.split(";")[0]!.replace(/\/+$/, "");
  try {
    const response = await fetch(`${base}/ee/featureflag`, {
      headers: { "cdi-version": "5.4", ...(config.SUPERTOKENS_API_KEY ? { "api-key": config.SUPERTOKENS_API_KEY } : {}) },
      signal: AbortSignal.timeout(2_500),
    });
    if (response.status !== 200) return undefined;
    const body = (await response.json()) as { status?: unknown; features?: unknown };
    if (body.status !== "OK" || !Array.isArray(body.features)) return undefined;
    return body.features.filter((feature): feature is string => typeof feature === "string");
  } catch {
    return undefined;
  }
}

export interface TenantNotice {
  /** The `tenant` the link asked for, when the core has no such tenant. */
  missingTenant?: string;
  /** The core answered that its licence has no multi-tenancy (so only the public tenant can exist). */
  noMultiTenancy: boolean;
}

/**
 * What the find-user page should say about tenants: nothing when the list is as expected; the
 * licence only when the core has just the public tenant (the feature list is asked for only then).
 */
export async function describeTenantScope(tenants: string[], requestedTenant: string): Promise<TenantNotice | undefined> {
  const missingTenant = requestedTenant && !tenants.includes(requestedTenant) ? requestedTenant : undefined;
  const onlyPublic = tenants.length === 1 && tenants[0] === "public";
  const features = onlyPublic ? await getLicensedFeatures() : undefined;
  const noMultiTenancy = features !== undefined && !features.includes("multi_tenancy");
  if (!missingTenant && !noMultiTenancy) return undefined;
  return { missingTenant, noMultiTenancy };
}
