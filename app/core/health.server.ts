/**
 * A cheap probe of the core for the status badge and the outage page: `GET /apiversion` is the same
 * handshake the SDK makes, checks the API key, and tells us whether CDI 5.4 is offered.
 */
import { getConfig } from "~/config.server";
import { coreTarget, type CoreTarget } from "./sdk.server";
import { describeCoreError, type CoreProblem } from "./problems.server";

export interface CoreHealth extends CoreTarget {
  reachable: boolean;
  problem?: CoreProblem;
  checkedAt: number;
}

const CACHE_MS = 3_000;
let cached: CoreHealth | undefined;

export async function getCoreHealth({ fresh = false } = {}): Promise<CoreHealth> {
  if (!fresh && cached && Date.now() - cached.checkedAt < CACHE_MS) return cached;
  cached = await probe();
  return cached;
}

async function probe(): Promise<CoreHealth> {
  const config = getConfig();
  const target = coreTarget();
  const checkedAt = Date.now();
  if (!config.SUPERTOKENS_CONNECTION_URI) {
    return { ...target, reachable: false, checkedAt, problem: describeCoreError(new Error("No SuperTokens core available to query")) };
  }
  // The first host of a `;`-separated list is enough for a status badge.
  const base = config.SUPERTOKENS_CONNECTION_URI.split(";")[0]!.replace(/\/+$/, "");
  try {
    const response = await fetch(`${base}/apiversion`, {
      headers: config.SUPERTOKENS_API_KEY ? { "api-key": config.SUPERTOKENS_API_KEY } : {},
      signal: AbortSignal.timeout(2_500),
    });
    const text = await response.text();
    if (response.status !== 200) {
      const error = new Error(`SuperTokens core threw an error for a GET request to path: '/apiversion' with status code: ${response.status} and message: ${text}`);
      return { ...target, reachable: true, checkedAt, problem: describeCoreError(error) };
    }
    const versions = (JSON.parse(text) as { versions?: string[] }).versions ?? [];
    if (!versions.includes("5.4")) {
      const error = new Error("The running SuperTokens core version is not compatible with this NodeJS SDK.");
      return { ...target, reachable: true, checkedAt, problem: describeCoreError(error) };
    }
    return { ...target, reachable: true, checkedAt };
  } catch (error) {
    return { ...target, reachable: false, checkedAt, problem: describeCoreError(new Error(`fetch failed: ${String(error)}`)) };
  }
}
