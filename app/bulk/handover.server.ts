/**
 * Bulk runs across a graceful shutdown. The stopping instance hands its runs over (each finishes its
 * writes in flight, records them and releases its lease: BulkRunner.handOver); every instance looks for
 * runs handed over and takes them over at once, as the staff member who applied them, instead of
 * leaving them "interrupted" until someone presses Resume. A run whose instance died without a shutdown
 * keeps its owner until the lease runs out, and stays for a person to resume (they may want to look first).
 */
import { getConfig, isDemoMode } from "~/config.server";
import { errorMessage, logger } from "~/observability/log.server";
import { findStaffRowByEmail } from "~/staff/accounts.server";
import type { StaffRole } from "~/staff/roles";
import { existingSingleton } from "~/utils/singleton.server";
import { resumeRun, type BulkRunner } from "./engine.server";
import { listHandedOverRuns } from "./store.server";

/** Shutdown: hands every run this process is applying over. Resolves when all have released their lease. */
export async function handOverLocalRuns(): Promise<number> {
  const runners = [...(existingSingleton<Map<string, BulkRunner>>("bulk-runners")?.values() ?? [])];
  await Promise.all(runners.map((runner) => runner.handOver()));
  return runners.length;
}

/** One look for handed-over runs; takes over each one it can. Returns the ids taken over. */
export async function adoptHandedOverRuns(): Promise<string[]> {
  const adopted: string[] = [];
  for (const run of await listHandedOverRuns(5)) {
    // The writes are the applier's: the run goes on as theirs, as long as their account may still apply it.
    const row = run.applied_by_email ? await findStaffRowByEmail(run.applied_by_email) : undefined;
    if (!row || row.disabled === 1 || row.role !== "admin" || (row.demo === 1 && !isDemoMode())) {
      logger().warn({ event: "bulk-handover", runId: run.id }, "a handed-over bulk run's applier can no longer apply it: left interrupted for an admin to resume");
      continue;
    }
    const staff = { id: row.id, email: row.email, displayName: row.display_name, role: row.role as StaffRole };
    const result = await resumeRun(run.id, staff);
    if (result.status === "resumed") {
      adopted.push(run.id);
      logger().info({ event: "bulk-handover", runId: run.id }, "took over a bulk run handed over by a stopping instance");
    }
  }
  return adopted;
}

/**
 * Looks for handed-over runs every `intervalMs` (default a quarter of the lease, at most 2 s). Returns
 * the function that stops looking (shutdown).
 */
export function adoptHandedOverRunsContinually(options: { intervalMs?: number } = {}): () => void {
  const intervalMs = options.intervalMs ?? Math.min(2_000, (getConfig().BULK_RUN_LEASE_SECONDS * 1000) / 4);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const look = async () => {
    try {
      await adoptHandedOverRuns();
    } catch (error) {
      logger().warn({ event: "bulk-handover", error: errorMessage(error) }, "could not look for handed-over bulk runs");
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
