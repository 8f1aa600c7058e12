/**
 * One real Session Desk for all browser tests, started the way `npm start` starts it (bundled core,
 * demo seed, demo staff accounts) in a throwaway data folder, from the build `npm test` just made.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    coreUrl: string;
    dataDir: string;
  }
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  if (!existsSync(path.resolve("build", "index.js"))) throw new Error("No build found: run `npm test` (it builds first) or `npx remix build`.");
  dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-e2e-"));
  child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: "0", DATA_DIR: dataDir, SUPERTOKENS_CONNECTION_URI: "", SUPERTOKENS_API_KEY: "", DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const { baseUrl, coreUrl } = await new Promise<{ baseUrl: string; coreUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Session Desk did not start within 120 s. Output:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /Session Desk is ready: (http:\/\/\S+)/.exec(output);
      const core = /bundled demo core at (http:\/\/\S+)/.exec(output);
      if (ready && core) {
        clearTimeout(timer);
        resolve({ baseUrl: ready[1]!.replace("//localhost:", "//127.0.0.1:"), coreUrl: core[1]! });
      }
    };
    child!.stdout!.on("data", onData);
    child!.stderr!.on("data", onData);
    child!.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Session Desk exited with code ${code} during start-up. Output:\n${output}`));
    });
  });
  project.provide("baseUrl", baseUrl);
  project.provide("coreUrl", coreUrl);
  project.provide("dataDir", dataDir);
}

export async function teardown() {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
