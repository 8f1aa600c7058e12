import pLimit from "p-limit";
import { listUserSessions } from "../../app/sessions/list.server";
import type { CoreProcess } from "../core-process";
import { FLOOR_CONCURRENCIES, floorListSessions } from "../floor";
import { createUserWithSessions, Session, withBuiltinFetch } from "../sdk";
import { median, timeIt } from "../timing";

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

export async function benchListSessions(core: CoreProcess, report: (r: Record<string, string | number>) => void, options: { sizes: number[]; repeats: number }) {
  for (const sessions of options.sizes) {
    const userId = await createUserWithSessions(`bench-list-${sessions}-${Date.now()}@example.com`, sessions);
    for (const latency of [0, 5]) {
      await core.setLatency(latency);
      // Warm-up: JIT, keep-alive sockets, the SDK's one-time /apiversion.
      for (let i = 0; i < 3; i++) {
        await listUserSessions(userId);
        await sdkAtConcurrency(userId, 32);
        await floorListSessions(core.url, userId, 32);
      }
      const floorByConcurrency = [];
      for (const concurrency of FLOOR_CONCURRENCIES) floorByConcurrency.push(median(await timeIt(options.repeats, () => floorListSessions(core.url, userId, concurrency))));
      const floor = Math.min(...floorByConcurrency);
      const dashboard = median(await timeIt(options.repeats, async () => {
        const result = await listUserSessions(userId);
        if (result.sessions.length !== sessions) throw new Error(`expected ${sessions} sessions, got ${result.sessions.length}`);
      }));
      // The SDK alone at its best concurrency: what any SDK-based loader can reach on this machine. The
      // gap between it and the floor is the SDK's and fetch's own per-call cost, not the dashboard's.
      const sdkByConcurrency = [];
      for (const concurrency of FLOOR_CONCURRENCIES) sdkByConcurrency.push(median(await timeIt(options.repeats, () => sdkAtConcurrency(userId, concurrency))));
      const sdkBest = Math.min(...sdkByConcurrency);
      // The same loader on the SDK's built-in fetch (CORE_TRANSPORT=fetch): what the transport is worth.
      const dashboardBuiltinFetch = median(await timeIt(options.repeats, () => withBuiltinFetch(() => listUserSessions(userId))));
      // The sequential loop is slow by nature; fewer repeats keep the bench short.
      const sequential = median(await timeIt(Math.min(2, options.repeats), () => sequentialLoop(userId)));
      report({
        case: "list-sessions",
        sessions,
        latency_ms: latency,
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
      });
    }
    await core.setLatency(0);
  }
}
