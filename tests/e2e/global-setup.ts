/**
 * One real Session Desk for all browser tests, started the way `npm start` starts it, in a throwaway
 * data folder, from the build `npm test` just made.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    coreUrl: string;
    /** The bundled core's API key (it requires one): for tests that play the app or set faults. */
    coreApiKey: string;
    dataDir: string;
  }
}

let server: ServerProcess | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-e2e-"));
  // The bulk-apply test paces a run with the core's added latency and watches its progress bar move;
  // 16 sessions at a time (the default is 128) keeps its 240 sessions from finishing in four steps.
  // The bulk-across-users test needs a run above the four-eyes threshold without thousands of sessions.
  server = await startServerProcess({ dataDir, env: { BULK_APPLY_CONCURRENCY: "16", BULK_APPROVAL_THRESHOLD: "5" } });
  project.provide("baseUrl", server.baseUrl);
  project.provide("coreUrl", server.coreUrl);
  project.provide("coreApiKey", server.coreApiKey);
  project.provide("dataDir", dataDir);
}

export async function teardown() {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
