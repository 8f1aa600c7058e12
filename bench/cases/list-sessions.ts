import pLimit from "p-limit";
import { listUserSessions } from "../../app/sessions/list.server";
import type { CoreLoad, CoreProcess } from "../core-process";
import { FLOOR_CONCURRENCIES, floorListSessions, takeFloorRetries } from "../floor";
import { LOADED } from "./bulk-apply";
import { createUserWithSessions, Session, withBuiltinFetch } from "../sdk";
import { interleaved, median, timeIt } from "../timing";

/** The docs' way: list the handles, then await each read one by one. */
async function sequentialLoop(userId: string) {
  const handles = await Session.getAllSessionHandlesForUser(userId);
  const sessions = [];
  for (const handle of handles) sessions.push(await Session.getSessionInformation(handle));
  return sessions;
}

async function sdkAtConcurrency(userId: string, concurrency: number) {
  const handles = await Session.getAllSessionHandlesForUser(userId);
  const limit = pLimit(concurrency);
  return Promise.all(handles.map((handle) => limit(() => Session.getSessionInformation(handle))));
}

/**
 * Core modes: plain (target: our overhead, at most 1.10x the SDK alone at its best), 5 ms added (at most
 * 1.25x the floor), and loaded (reported: service time and contention as in the bulk case). Against
 * --core-url, that core as it is.
 */
function listModes(core: CoreProcess): { name: string; load: CoreLoad }[] {
  if (core.kind === "external") return [{ name: "external", load: {} }];
  return [
    { name: "plain", load: {} },
    { name: "added-latency", load: { latencyMs: 5 } },
    { name: "loaded", load: LOADED },
  ];
}

function listTargets(mode: string, measured: { vsSdk: number; vsFloor: number }): Record<string, number | boolean> {
  if (mode === "plain") return { target_dashboard_vs_sdk_best: 1.1, meets_targets: measured.vsSdk <= 1.1 };
  if (mode === "added-latency") return { target_dashboard_vs_floor: 1.25, meets_targets: measured.vsFloor <= 1.25 };
  return {};
}

export async function benchListSessions(core: CoreProcess, report: (r: Record<string, string | number | boolean>) => void, options: { sizes: number[]; repeats: number }) {
  for (const sessions of options.sizes) {
    const userId = await createUserWithSessions(`bench-list-${sessions}-${Date.now()}@example.com`, sessions);
    for (const mode of listModes(core)) {
      await core.setLoad(mode.load);
      // Warm-up: JIT, keep-alive sockets, the SDK's one-time /apiversion.
      for (let i = 0; i < 3; i++) {
        await listUserSessions(userId);
        await sdkAtConcurrency(userId, 32);
        await floorListSessions(core.url, userId, 32);
      }
      const loadAll = async () => {
        const result = await listUserSessions(userId);
        if (result.sessions.length !== sessions) throw new Error(`expected ${sessions} sessions, got ${result.sessions.length}`);
      };
      // Every contender is sampled in the same rounds (see `interleaved`). The floor and the SDK alone
      // are each taken at their best concurrency. The SDK alone is what any SDK-based loader can reach
      // here; the dashboard on the SDK's built-in fetch (CORE_TRANSPORT=fetch) shows what the transport is worth.
      takeFloorRetries();
      // A 100-session listing takes 10-25 ms, where one slow sample from the machine moves a median of 9
      // by several percent: three times the rounds (still well under a second each).
      const samples = await interleaved(sessions <= 100 ? 3 * options.repeats : options.repeats, {
        dashboard: loadAll,
        dashboardBuiltinFetch: () => withBuiltinFetch(loadAll),
        ...Object.fromEntries(FLOOR_CONCURRENCIES.map((concurrency) => [`floor@${concurrency}`, () => floorListSessions(core.url, userId, concurrency)])),
        ...Object.fromEntries(FLOOR_CONCURRENCIES.map((concurrency) => [`sdk@${concurrency}`, () => sdkAtConcurrency(userId, concurrency)])),
      });
      const floorByConcurrency = FLOOR_CONCURRENCIES.map((concurrency) => median(samples[`floor@${concurrency}`]!));
      const floor = Math.min(...floorByConcurrency);
      const sdkByConcurrency = FLOOR_CONCURRENCIES.map((concurrency) => median(samples[`sdk@${concurrency}`]!));
      const sdkBest = Math.min(...sdkByConcurrency);
      const dashboard = median(samples.dashboard!);
      const dashboardBuiltinFetch = median(samples.dashboardBuiltinFetch!);
      // The sequential loop is slow by nature; fewer repeats keep the bench short.
      const sequential = median(await timeIt(Math.min(2, options.repeats), () => sequentialLoop(userId)));
      report({
        case: "list-sessions",
        core: core.kind,
        mode: mode.name,
        sessions,
        latency_ms: mode.load.latencyMs ?? 0,
        floor_retries: takeFloorRetries(),
        dashboard_ms: dashboard,
        sequential_ms: sequential,
        floor_ms: floor,
        floor_concurrency: FLOOR_CONCURRENCIES[floorByConcurrency.indexOf(floor)]!,
        sdk_best_ms: sdkBest,
        sdk_best_concurrency: FLOOR_CONCURRENCIES[sdkByConcurrency.indexOf(sdkBest)]!,
        dashboard_vs_floor: dashboard / floor,
        sequential_vs_dashboard: sequential / dashboard,
        dashboard_vs_sdk_best: dashboard / sdkBest,
        dashboard_builtin_fetch_ms: dashboardBuiltinFetch,
        builtin_fetch_vs_dashboard: dashboardBuiltinFetch / dashboard,
        ...listTargets(mode.name, { vsSdk: dashboard / sdkBest, vsFloor: dashboard / floor }),
      });
    }
    await core.setLoad({});
  }
}
