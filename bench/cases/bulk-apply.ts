/**
 * Bulk apply of one key to every session of a user, against the floor of a bare keep-alive HTTP client
 * doing 1 list + N GET + N PUT to the same core at its best concurrency, and against the docs' loop
 * (awaited, one session at a time). `dashboard_ms` is the run (apply) as staff start it from a dry run:
 * per session the conflict-checked write (re-read, fingerprint check, diff, audit entry committed before
 * the PUT and its outcome after) and the run's own bookkeeping in the database; the dry run before it
 * (1 list + N GET, writing nothing) is `dry_run_ms`. `sdk_best_ms` is the SDK alone doing the same reads
 * and writes at its best concurrency, with none of the run's per-session work. Peak RSS and heap are
 * sampled during the runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import type { CoreProcess } from "../core-process";
import { FLOOR_CONCURRENCIES, floorBulkWrite } from "../floor";
import { createUserWithSessions, Session } from "../sdk";
import { interleaved, median, timeIt } from "../timing";

const staff = { id: "bench-admin", email: "bench-admin@desk.test", displayName: "Bench Admin", role: "admin" as const };

/** The docs' loop, awaited so that it at least finishes: read, then write, one session at a time. */
async function sequentialLoop(userId: string, value: number) {
  const handles = await Session.getAllSessionHandlesForUser(userId);
  for (const handle of handles) {
    const info = await Session.getSessionInformation(handle);
    if (!info) continue;
    await Session.updateSessionDataInDatabase(handle, { ...info.sessionDataInDatabase, benchSequential: value });
  }
}

/**
 * The SDK alone: 1 list + N reads and N writes through supertokens-node (and the dashboard's transport)
 * at a given concurrency, with no fingerprint, diff, audit or bookkeeping. What separates the dashboard
 * from it is the run's own per-session work.
 */
async function sdkBulkWrite(userId: string, concurrency: number) {
  const handles = await Session.getAllSessionHandlesForUser(userId);
  const limit = pLimit(concurrency);
  await Promise.all(
    handles.map((handle) =>
      limit(async () => {
        const info = await Session.getSessionInformation(handle);
        if (info) await Session.updateSessionDataInDatabase(handle, { ...info.sessionDataInDatabase, benchSdk: performance.now() });
      }),
    ),
  );
}

function sampleMemory() {
  let rss = 0;
  let heap = 0;
  const take = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  take();
  const timer = setInterval(take, 25);
  return () => {
    clearInterval(timer);
    take();
    return { rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20 };
  };
}

export async function benchBulkApply(
  core: CoreProcess,
  report: (r: Record<string, string | number>) => void,
  options: { sizes: number[]; repeats: number; latencies?: (size: number) => number[] },
) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-bench-"));
  process.env.DATA_DIR = dataDir;
  const { installDatabase, openDatabase } = await import("../../app/db/db.server");
  const database = await openDatabase({ kind: "sqlite", file: path.join(dataDir, "session-desk.sqlite") });
  installDatabase(database);
  const { planBulkApply } = await import("../../app/bulk/plan.server");
  const { applyRun } = await import("../../app/bulk/engine.server");
  const { getProgress, getRunRow } = await import("../../app/bulk/store.server");
  const { getConfig } = await import("../../app/config.server");
  let value = 0;
  try {
    for (const sessions of options.sizes) {
      const userId = await createUserWithSessions(`bench-bulk-${sessions}-${Date.now()}@example.com`, sessions);
      for (const latency of options.latencies?.(sessions) ?? [0, 5]) {
        await core.setLatency(latency);
        const repeats = sessions > 1000 ? 1 : options.repeats;
        // Warm-up: JIT, keep-alive sockets, the SDK's one-time /apiversion.
        await floorBulkWrite(core.url, userId, 32, "benchWarm");
        const planTimes: number[] = [];
        const applyTimes: number[] = [];
        let retries = 0;
        let memory = { rssMb: 0, heapMb: 0 };
        const dashboardRun = async () => {
          value += 1;
          const operation = { kind: "set" as const, path: ["bench", "value"], value };
          let started = performance.now();
          const plan = await planBulkApply({ staff, userId, operation, scope: { kind: "all" }, reason: "benchmark" });
          planTimes.push(performance.now() - started);
          const stopSampling = sampleMemory();
          started = performance.now();
          const run = await applyRun(plan.runId, staff);
          if (run.status !== "started" || !run.runner) throw new Error("the run did not start");
          await run.runner.done;
          applyTimes.push(performance.now() - started);
          const sampled = stopSampling();
          memory = { rssMb: Math.max(memory.rssMb, sampled.rssMb), heapMb: Math.max(memory.heapMb, sampled.heapMb) };
          const progress = await getProgress((await getRunRow(plan.runId))!);
          if (progress.status !== "completed" || progress.outcomes.written !== sessions) {
            throw new Error(`expected ${sessions} written, got ${JSON.stringify(progress.outcomes)} (${progress.status})`);
          }
          retries += progress.retries;
        };
        // The floor at each concurrency and the dashboard's run are sampled in the same rotated rounds
        // (see `interleaved`); the dashboard's figure is the apply alone, its dry run is reported apart.
        const samples = await interleaved(repeats, {
          dashboard: dashboardRun,
          ...Object.fromEntries(FLOOR_CONCURRENCIES.map((concurrency) => [`floor@${concurrency}`, () => floorBulkWrite(core.url, userId, concurrency, "benchFloor")])),
          ...Object.fromEntries(FLOOR_CONCURRENCIES.map((concurrency) => [`sdk@${concurrency}`, () => sdkBulkWrite(userId, concurrency)])),
        });
        const floors = FLOOR_CONCURRENCIES.map((concurrency) => median(samples[`floor@${concurrency}`]!));
        const floor = Math.min(...floors);
        const sdks = FLOOR_CONCURRENCIES.map((concurrency) => median(samples[`sdk@${concurrency}`]!));
        const sdkBest = Math.min(...sdks);
        // The docs' loop is slow by nature: once.
        const sequential = median(await timeIt(1, () => sequentialLoop(userId, value)));
        const dashboard = median(applyTimes);
        report({
          case: "bulk-apply",
          sessions,
          latency_ms: latency,
          dashboard_ms: dashboard,
          floor_ms: floor,
          sequential_ms: sequential,
          retries,
          rss_mb: memory.rssMb,
          heap_mb: memory.heapMb,
          dry_run_ms: median(planTimes),
          concurrency: getConfig().BULK_APPLY_CONCURRENCY,
          floor_concurrency: FLOOR_CONCURRENCIES[floors.indexOf(floor)]!,
          sdk_best_ms: sdkBest,
          sdk_best_concurrency: FLOOR_CONCURRENCIES[sdks.indexOf(sdkBest)]!,
          dashboard_vs_floor: dashboard / floor,
          sdk_best_vs_floor: sdkBest / floor,
          sequential_vs_dashboard: sequential / dashboard,
        });
      }
      await core.setLatency(0);
    }
  } finally {
    installDatabase(undefined);
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
