/**
 * Bulk apply across many users (issue #18 §1): N users × 3 sessions each, found by a search of their
 * email domain (as "everyone at globex.com"), planned and applied as staff do it — the dry run resolves
 * the users and judges every session, a second admin approves (the run is above the four-eyes
 * threshold), the run writes each session through the conflict-checked write with its audit entry.
 * `plan_ms` is the dry run, `apply_ms` the run. `floor_ms` is a bare keep-alive HTTP client doing the
 * least the same change needs — per user 1 list, then per session 1 GET and 1 PUT — at its best
 * concurrency. Each is the median of `rounds` rounds, floor and dashboard side by side in each round.
 * Peak RSS during plan and apply is `rss_mb`: run it at two sizes to see it stay flat in N.
 * Against the bundled core with 5 ms added to every call (a core across a network).
 */
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import type { CoreProcess } from "../core-process";
import { createUserWithSessions } from "../sdk";
import { median } from "../timing";

const requester = { id: "bench-admin", email: "bench-admin@desk.test", displayName: "Bench Admin", role: "admin" as const };
const approver = { id: "bench-approver", email: "bench-approver@desk.test", displayName: "Bench Approver", role: "admin" as const };
const SESSIONS_PER_USER = 3;

/** Per user: list, then each session read and written, `concurrency` users at once on one keep-alive agent. */
async function floorManyUsers(coreUrl: string, apiKey: string | undefined, userIds: string[], concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const headers: Record<string, string> = { "cdi-version": "5.4", rid: "session", ...(apiKey ? { "api-key": apiKey } : {}) };
  const call = (method: string, url: string, body?: unknown) =>
    new Promise<string>((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const request = http.request(url, { method, agent, headers: text ? { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) } : headers }, (response) => {
        let answer = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (answer += chunk));
        response.on("end", () => (response.statusCode === 200 ? resolve(answer) : reject(new Error(`HTTP ${response.statusCode}: ${answer}`))));
      });
      request.on("error", reject);
      request.end(text);
    });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < userIds.length) {
        const userId = userIds[next++]!;
        const list = JSON.parse(await call("GET", `${coreUrl}/recipe/session/user?userId=${encodeURIComponent(userId)}&fetchSessionsForAllLinkedAccounts=true&fetchAcrossAllTenants=true`)) as { sessionHandles: string[] };
        for (const handle of list.sessionHandles) {
          const info = JSON.parse(await call("GET", `${coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`)) as { userDataInDatabase: Record<string, unknown> };
          await call("PUT", `${coreUrl}/recipe/session/data`, { sessionHandle: handle, userDataInDatabase: { ...info.userDataInDatabase, benchFloor: performance.now() } });
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  return elapsed;
}

function peakRss() {
  let rss = process.memoryUsage().rss;
  const timer = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 25);
  return () => {
    clearInterval(timer);
    return Math.max(rss, process.memoryUsage().rss) / 2 ** 20;
  };
}

export async function benchBulkManyUsers(core: CoreProcess, report: (r: Record<string, string | number | boolean>) => void, options: { users: number[]; rounds: number }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-bench-many-"));
  process.env.DATA_DIR = dataDir;
  const { installDatabase, openDatabase, getDb } = await import("../../app/db/db.server");
  installDatabase(await openDatabase({ kind: "sqlite", file: path.join(dataDir, "session-desk.sqlite") }));
  const { planCrossUserRun } = await import("../../app/bulk/cross-user/plan.server");
  const { approveRun } = await import("../../app/bulk/cross-user/store.server");
  const { applyRun } = await import("../../app/bulk/engine.server");
  const { getProgress, getRunRow } = await import("../../app/bulk/store.server");
  const { rounds } = options;
  try {
    for (const users of options.users) {
      await core.setLoad({});
      const domain = `many-${users}-${Date.now().toString(36)}.bench`;
      const made = pLimit(16);
      const userIds = await Promise.all(Array.from({ length: users }, (_, i) => made(() => createUserWithSessions(`u${i}@${domain}`, SESSIONS_PER_USER))));
      await core.setLoad({ latencyMs: 5 });
      // The floor's best concurrency (users in flight; each does its calls one after another), found in a
      // first pass that also warms the core and this process up.
      const concurrencies = [64, 128, 256];
      const firstPass = [];
      for (const concurrency of concurrencies) firstPass.push(await floorManyUsers(core.url, core.apiKey, userIds, concurrency));
      const floorConcurrency = concurrencies[firstPass.indexOf(Math.min(...firstPass))]!;

      // Then rounds of floor and dashboard side by side, compared by their medians: one run of each
      // moved by ±25% on this shared machine (1.24x to 1.82x across single runs of the same code).
      const rss = peakRss();
      const floorSamples: number[] = [];
      const planSamples: number[] = [];
      const applySamples: number[] = [];
      let concurrencyAtEnd = 0;
      for (let round = 0; round < rounds; round++) {
        floorSamples.push(await floorManyUsers(core.url, core.apiKey, userIds, floorConcurrency));
        let started = performance.now();
        const plan = await planCrossUserRun({ staff: requester, users: { by: "search", q: `@${domain}`, tenant: "" }, operation: { kind: "set", path: ["bench", "manyUsers"], value: round }, reason: "benchmark" });
        planSamples.push(performance.now() - started);
        if (plan.users !== users || plan.total !== users * SESSIONS_PER_USER) throw new Error(`planned ${plan.users} users / ${plan.total} sessions, expected ${users} / ${users * SESSIONS_PER_USER}`);
        if (plan.needsApproval && (await approveRun(plan.runId, approver)) !== "approved") throw new Error("the second admin could not approve the run");
        started = performance.now();
        const run = await applyRun(plan.runId, requester);
        if (run.status !== "started") throw new Error(`the run did not start: ${run.status}`);
        await run.runner?.done;
        applySamples.push(performance.now() - started);
        concurrencyAtEnd = run.runner?.pace().concurrency ?? 0;
        const progress = await getProgress((await getRunRow(plan.runId))!);
        if (progress.status !== "completed" || progress.outcomes.written !== plan.total) throw new Error(`run ended ${progress.status} with ${progress.outcomes.written} of ${plan.total} written`);
        await getDb().deleteFrom("bulk_run_items").where("run_id", "=", plan.runId).execute();
      }
      const rssMb = rss();
      const floor = median(floorSamples);
      const applyMs = median(applySamples);
      report({
        case: "bulk-many-users",
        users,
        sessions: users * SESSIONS_PER_USER,
        rounds,
        plan_ms: median(planSamples),
        apply_ms: applyMs,
        floor_ms: floor,
        floor_concurrency: floorConcurrency,
        apply_vs_floor: applyMs / floor,
        apply_vs_floor_each: applySamples.map((ms, i) => (ms / floorSamples[i]!).toFixed(2)).join("/"),
        target_apply_vs_floor: 1.5,
        rss_mb: rssMb,
        core_latency_ms: 5,
        concurrency_at_end: concurrencyAtEnd,
      });
    }
  } finally {
    await core.setLoad({});
    rmSync(dataDir, { recursive: true, force: true });
  }
}
