/**
 * The bundled core in its own process for benchmarks, so the core's work and the client's work do
 * not share one event loop (which would flatter nobody and measure the wrong thing).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** How the bundled core behaves during a case (local-core/faults.ts). */
export interface CoreLoad {
  latencyMs?: number;
  serviceTimeMs?: number;
  workers?: number;
  contentionLimit?: number;
}

export interface CoreProcess {
  url: string;
  /** The bundled core, or a core given with --core-url (no fault injection there). */
  kind: "bundled" | "external";
  apiKey?: string;
  setLatency(ms: number): Promise<void>;
  setLoad(load: CoreLoad): Promise<void>;
  stats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startCoreProcess(): Promise<CoreProcess> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(root, "local-core", "cli.ts"), "--port", String(port), "--empty", "--control"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`core did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`core exited (${code}):\n${output}`)));
  });
  const setLoad = async (load: CoreLoad) => {
    const config = Object.fromEntries(Object.entries(load).filter(([, value]) => value !== undefined && value !== 0));
    const response = await fetch(`${url}/_local-core/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(config) });
    if (!response.ok) throw new Error(`could not set the core's load: HTTP ${response.status} ${await response.text()}`);
  };
  return {
    url,
    kind: "bundled",
    setLatency: (ms: number) => setLoad({ latencyMs: ms }),
    setLoad,
    async stats() {
      return (await (await fetch(`${url}/_local-core/stats`)).json()) as Record<string, number>;
    },
    async stop() {
      child.removeAllListeners("exit");
      child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
  };
}

/** A core someone else runs (`npm run bench -- --core-url URL [--api-key KEY]`): measured as it is. */
export function externalCore(url: string, apiKey?: string): CoreProcess {
  const noFaults = async (load: CoreLoad) => {
    if (Object.values(load).some((value) => value)) throw new Error("added latency and load modes exist only on the bundled core");
  };
  return {
    url: url.replace(/\/+$/, ""),
    kind: "external",
    apiKey,
    setLatency: (ms: number) => noFaults({ latencyMs: ms }),
    setLoad: noFaults,
    stats: async () => ({}),
    stop: async () => {},
  };
}
