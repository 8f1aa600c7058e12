/**
 * Transient core failures in bulk work. A real core answers HTTP 500 on a few percent of concurrent
 * writes to one user's sessions (a storage lock: cdi-contract.md §9), and a dropped connection reaches
 * us as "core unreachable" — which `callCore` turns into the outage Response. In a bulk run one such
 * answer must cost a retry, not the session, so both are retried a few times with growing waits.
 */
import { getConfig } from "~/config.server";
import { failedOutcome } from "~/sessions/write.server";

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
}

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const config = getConfig();
  return { maxRetries: overrides.maxRetries ?? config.BULK_APPLY_MAX_RETRIES, baseMs: overrides.baseMs ?? config.BULK_APPLY_RETRY_BASE_MS };
}

/** Wait before retry number `retry` (1-based): base × 2^(retry-1), ±50% jitter so retries do not arrive in step. */
export function backoffMs(retry: number, baseMs: number): number {
  const exact = baseMs * 2 ** (retry - 1);
  return Math.round(exact * (0.5 + Math.random()));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whatever a core call threw, as a message a person can act on and whether retrying may help. */
export async function classifyFailure(error: unknown): Promise<{ error: string; transient: boolean }> {
  try {
    const outcome = await failedOutcome(error);
    return { error: outcome.error, transient: outcome.transient };
  } catch {
    // failedOutcome rethrows Responses other than the outage (e.g. a guard's): not a core failure.
    return { error: error instanceof Error ? error.message : "Unexpected error", transient: false };
  }
}
