/**
 * Demo mode: the local core on a file in the data folder, so demo edits survive a restart. An empty
 * store is seeded through the real SDK in a child process (the SDK is a per-process singleton and the
 * seed needs recipes the dashboard itself never initialises).
 *
 * The core requires an API key, made at random once and kept in the data folder (0600), so that other
 * processes on the machine cannot read or write sessions through it; Session Desk uses it as
 * SUPERTOKENS_API_KEY. (Anyone who can read the data folder can read the core's database anyway.)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalCore } from "../local-core/index";
import { projectRoot } from "./app";

/** The file the bundled core's API key is kept in (tests read it to talk to the core directly). */
export const BUNDLED_CORE_API_KEY_FILE = "local-core.api-key";

/** The bundled core's API key: made once (32 random bytes, hex) and kept in the data folder, owner-only. */
export function bundledCoreApiKey(dataDir: string): string {
  const file = path.join(dataDir, BUNDLED_CORE_API_KEY_FILE);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    const kept = readFileSync(file, "utf8").trim();
    if (kept.length >= 32) return kept;
  }
  const key = randomBytes(32).toString("hex");
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

export async function startBundledCore(options: { dataDir: string; seed: number; port?: number; log: (line: string) => void }) {
  const apiKey = bundledCoreApiKey(options.dataDir);
  const dbPath = path.join(options.dataDir, "local-core.sqlite");
  let core = await startLocalCore({ dbPath, port: options.port ?? 0, apiKey });
  if (core.isEmpty()) {
    options.log("The demo core is empty: seeding demo data (takes a few seconds)…");
    // The seed moves the core's clock (/_local-core/clock) to make sessions that expire within hours: the
    // core serves its control endpoints for the seed only, then starts again as configured.
    await core.stop();
    const seeding = await startLocalCore({ dbPath, port: options.port ?? 0, apiKey, controlEndpoints: true });
    try {
      await runSeed(seeding.url, options.seed, apiKey);
    } finally {
      await seeding.stop();
    }
    core = await startLocalCore({ dbPath, port: options.port ?? 0, apiKey });
  }
  return { ...core, apiKey };
}

function runSeed(uri: string, seed: number, apiKey: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Compiled (`npm start`): the seed compiled next to this file; from source (`npm run dev`, tests): tsx.
    const compiled = !import.meta.url.endsWith(".ts");
    const script = compiled ? [fileURLToPath(new URL("./seed-into.js", import.meta.url))] : ["--import", "tsx", path.join(projectRoot, "scripts", "seed-into.ts")];
    const child = spawn(process.execPath, [...script, "--uri", uri, "--seed", String(seed)], {
      cwd: projectRoot,
      env: { ...process.env, SEED_API_KEY: apiKey },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`demo seed failed (exit code ${code})`))));
  });
}
