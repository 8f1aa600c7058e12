/**
 * Bulk runs between instances.
 *
 * Across a graceful shutdown. The stopping instance hands its runs over (each finishes its
 * writes in flight, records them and releases its lease: BulkRunner.handOver); every instance looks for
 * runs handed over and takes them over at once, as the staff member who applied them, instead of
 * leaving them "interrupted" until someone presses Resume. A run whose instance died without a shutdown
 * keeps its owner until the lease runs out, and stays for a person to resume (they may want to look first).
 *
 * Beyond one machine (PostgreSQL): the same look also finds runs another instance is applying with
 * pending items nobody has claimed, and joins them as a helper (app/bulk/claims.server.ts), so every
 * running instance takes part in a large run.
 */
import { getConfig, isDemoMode } from "~/config.server";
import { errorMessage, logger } from "~/observability/log.server";
import { findStaffRowByEmail } from "~/staff/accounts.server";
import type { StaffRole, StaffUser } from "~/staff/roles";
import { existingSingleton } from "~/utils/singleton.server";
import { claimsInUse, listRunsToJoin } from "./claims.server";
import { INSTANCE_ID, joinRun, resumeRun, type BulkRunner, type RunnerOptions } from "./engine.server";
import { listHandedOverRuns } from "./store.server";

/** Shutdown: hands every run this process is applying, or helping with, over. Resolves when all have released it. */
export async function handOverLocalRuns(): Promise<number> {
  const owned = [...(existingSingleton<Map<string, BulkRunner>>("bulk-runners")?.values() ?? [])];
  const helping = [...(existingSingleton<Map<string, BulkRunner>>("bulk-run-helpers")?.values() ?? [])];
  await Promise.all([...owned, ...helping].map((runner) => runner.handOver()));
  return owned.length;
}

/** The writes are the applier's: a run goes on as theirs, as long as their account may still apply it. */
async function applierWhoMayApply(email: string | null): Promise<StaffUser | undefined> {
  const row = email ? await findStaffRowByEmail(email) : undefined;
  if (!row || row.disabled === 1 || row.role !== "admin" || (row.demo === 1 && !isDemoMode())) return undefined;
  return { id: row.id, email: row.email, displayName: row.display_name, role: row.role as StaffRole };
}

/** One look for handed-over runs; takes over each one it can. Returns the ids taken over. */
export async function adoptHandedOverRuns(): Promise<string[]> {
  const adopted: string[] = [];
  for (const run of await listHandedOverRuns(5)) {
    const staff = await applierWhoMayApply(run.applied_by_email);
    if (!staff) {
      logger().warn({ event: "bulk-handover", runId: run.id }, "a handed-over bulk run's applier can no longer apply it: left interrupted for an admin to resume");
      continue;
    }
    const result = await resumeRun(run.id, staff);
    if (result.status === "resumed") {
      adopted.push(run.id);
      logger().info({ event: "bulk-handover", runId: run.id }, "took over a bulk run handed over by a stopping instance");
    }
  }
  return adopted;
}

/**
 * PostgreSQL: one look for runs other instances are applying with pending items nobody holds; joins each
 * as a helper. Returns the helpers started. `instance`: tests only (two instances in one process).
 */
export async function joinRunningRuns(options: Pick<RunnerOptions, "owner" | "concurrency" | "heartbeatMs" | "retry"> = {}): Promise<BulkRunner[]> {
  if (!claimsInUse()) return [];
  const joined: BulkRunner[] = [];
  for (const run of await listRunsToJoin(options.owner ?? INSTANCE_ID, 5)) {
    const staff = await applierWhoMayApply(run.applied_by_email);
    if (!staff) continue; // its owner goes on alone; the run's page says who may resume it if it stops
    const helper = joinRun(run.id, staff, options);
    if (helper) {
      joined.push(helper);
      logger().info({ event: "bulk-join", runId: run.id }, "joined a bulk run another instance is applying");
    }
  }
  return joined;
}

/**
 * Looks for handed-over runs, and runs to join, every `intervalMs` (default a quarter of the lease, at most 2 s). Returns
 * the function that stops looking (shutdown).
 */
export function adoptHandedOverRunsContinually(options: { intervalMs?: number } = {}): () => void {
  const intervalMs = options.intervalMs ?? Math.min(2_000, (getConfig().BULK_RUN_LEASE_SECONDS * 1000) / 4);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const look = async () => {
    try {
      await adoptHandedOverRuns();
      await joinRunningRuns();
    } catch (error) {
      logger().warn({ event: "bulk-handover", error: errorMessage(error) }, "could not look for handed-over bulk runs or runs to join");
    }
    if (!stopped) {
      timer = setTimeout(look, intervalMs);
      timer.unref();
    }
  };
  void look();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
