/**
 * A stand-in for the customer's live app: reads one session from the core at a steady rate (what the
 * app's `getSessionInformation` sends) in a worker thread of its own, so that the bench's own work does
 * not delay it, and reports its latencies. Its p99 while a bulk run goes on, against its p99 at idle,
 * says how much the run slows the app that shares the core.
 */
import { Worker } from "node:worker_threads";

const PROBE_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { url, headers, everyMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const latencies = [];
let stopped = false;
function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    http.get(url, { agent, headers }, (response) => {
      response.resume();
      response.on("end", () => { latencies.push(performance.now() - started); resolve(); });
    }).on("error", () => { latencies.push(performance.now() - started); resolve(); });
  });
}
async function loop() {
  let next = performance.now();
  while (!stopped) {
    await once();
    next += everyMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else next = performance.now();
  }
}
parentPort.on("message", (message) => {
  if (message === "take") { parentPort.postMessage(latencies.splice(0)); }
  if (message === "stop") { stopped = true; agent.destroy(); parentPort.postMessage(latencies.splice(0)); }
});
loop();
`;

export interface Probe {
  /** Latencies since the last call (ms), and starts a new window. */
  take(): Promise<number[]>;
  stop(): Promise<number[]>;
}

export function startProbe(coreUrl: string, sessionHandle: string, options: { everyMs?: number; apiKey?: string } = {}): Probe {
  const headers: Record<string, string> = { "cdi-version": "5.4", rid: "session" };
  if (options.apiKey) headers["api-key"] = options.apiKey;
  const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { url: `${coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(sessionHandle)}`, headers, everyMs: options.everyMs ?? 10 } });
  const ask = (message: "take" | "stop") =>
    new Promise<number[]>((resolve) => {
      worker.once("message", (latencies: number[]) => resolve(latencies));
      worker.postMessage(message);
    });
  return {
    take: () => ask("take"),
    async stop() {
      const last = await ask("stop");
      await worker.terminate();
      return last;
    },
  };
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
