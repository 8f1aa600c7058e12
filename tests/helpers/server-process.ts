/**
 * Session Desk in its own process, started the way `npm start` starts it (bundled core, demo seed, demo
 * staff accounts) in a given data folder, from the existing build. Used by the browser tests' global
 * setup and by the benchmarks. With `env.SUPERTOKENS_CONNECTION_URI` it uses that core instead (e.g. a
 * second instance on the first one's core), as with a real core.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface ServerProcess {
  baseUrl: string;
  coreUrl: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startServerProcess(options: { dataDir: string; env?: Record<string, string> }): Promise<ServerProcess> {
  if (!existsSync(path.join(root, "build", "index.js"))) throw new Error("No build found: run `npm test` (it builds first) or `npx remix build`.");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(root, "server", "index.ts")], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", DATA_DIR: options.dataDir, SUPERTOKENS_CONNECTION_URI: "", SUPERTOKENS_API_KEY: "", DATABASE_URL: "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const urls = await new Promise<{ baseUrl: string; coreUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Session Desk did not start within 120 s. Output:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /Session Desk is ready: (http:\/\/\S+)/.exec(output);
      const coreUrl = options.env?.SUPERTOKENS_CONNECTION_URI || /bundled demo core at (http:\/\/\S+)/.exec(output)?.[1];
      if (ready && coreUrl) {
        clearTimeout(timer);
        resolve({ baseUrl: ready[1]!.replace("//localhost:", "//127.0.0.1:"), coreUrl });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Session Desk exited with code ${code} during start-up. Output:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  return {
    ...urls,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 3_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
