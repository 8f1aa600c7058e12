/**
 * Demo mode: the local core on a file in the data folder, so demo edits survive a restart. An empty
 * store is seeded through the real SDK in a child process (the SDK is a per-process singleton and the
 * seed needs recipes the dashboard itself never initialises).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { startLocalCore } from "../local-core/index";
import { projectRoot } from "./app";

export async function startBundledCore(options: { dataDir: string; seed: number; port?: number; log: (line: string) => void }) {
  const core = await startLocalCore({ dbPath: path.join(options.dataDir, "local-core.sqlite"), port: options.port ?? 0 });
  if (core.isEmpty()) {
    options.log("The demo core is empty: seeding demo data (takes a few seconds)…");
    await runSeed(core.url, options.seed);
  }
  return core;
}

function runSeed(uri: string, seed: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "seed-into.ts"), "--uri", uri, "--seed", String(seed)], {
      cwd: projectRoot,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`demo seed failed (exit code ${code})`))));
  });
}
