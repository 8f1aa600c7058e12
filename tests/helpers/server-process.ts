/**
 * Session Desk in its own process, started the way `npm start` starts it (bundled core, demo seed, demo
 * staff accounts) in a given data folder, from the existing build. Used by the browser tests' global
 * setup and by the benchmarks. With `env.SUPERTOKENS_CONNECTION_URI` it uses that core instead (e.g. a
 * second instance on the first one's core), as with a real core.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface ServerProcess {
  baseUrl: string;
  coreUrl: string;
  /** The API key the core requires: the bundled core's own (kept in its data folder), or env.SUPERTOKENS_API_KEY. */
  coreApiKey: string;
  output(): string;
  stop(): Promise<void>;
  /** SIGTERM, then waits for the process to exit on its own (graceful shutdown); returns its exit code. */
  terminate(): Promise<number | null>;
  /** SIGKILL: a crash, nothing finished or released. Resolves once the process is gone. */
  crash(): Promise<void>;
}

export async function startServerProcess(options: { dataDir: string; env?: Record<string, string> }): Promise<ServerProcess> {
  if (!existsSync(path.join(root, "build", "index.js"))) throw new Error("No build found: run `npm test` (it builds first) or `npx remix build`.");
  // Exactly what `npm start` runs (scripts/start.mjs: the compiled server, rebuilt first if its sources
  // changed), with the Remix build the test run made (SESSION_DESK_APP_BUILD=existing).
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: { ...process.env, SESSION_DESK_APP_BUILD: "existing", LOCAL_CORE_CONTROL: "true", NODE_ENV: "production", PORT: "0", DATA_DIR: options.dataDir, SUPERTOKENS_CONNECTION_URI: "", SUPERTOKENS_API_KEY: "", DATABASE_URL: "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const urls = await new Promise<{ baseUrl: string; coreUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Session Desk did not start within 120 s. Output:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Log lines are JSON: the URL ends at the closing quote.
      const ready = /Session Desk is ready: (http:\/\/[^\s"]+)/.exec(output);
      const coreUrl = options.env?.SUPERTOKENS_CONNECTION_URI || /bundled demo core at (http:\/\/[^\s"]+)/.exec(output)?.[1];
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
  const keyFile = path.join(options.dataDir, "local-core.api-key");
  const coreApiKey = options.env?.SUPERTOKENS_CONNECTION_URI ? (options.env.SUPERTOKENS_API_KEY ?? "") : existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : "";
  return {
    ...urls,
    coreApiKey,
    output: () => output,
    async crash() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await exited;
    },
    terminate() {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      return exited;
    },
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
