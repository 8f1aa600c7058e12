/**
 * Start-up: configuration, the bundled core (when no real one is configured), the dashboard's own
 * database, then the HTTP server. Prints which core it uses and where the dashboard is.
 */
import { existsSync, mkdirSync, watch } from "node:fs";
import path from "node:path";
import { ConfigError, parseConfig } from "../app/config.server";
import { createApp, listen, loadBuild, projectRoot } from "./app";
import { startBundledCore } from "./bundled-core";
import { prepareDashboard } from "./prepare";
import { installLogger } from "../app/observability/log.server";
import { adoptHandedOverRunsContinually } from "../app/bulk/handover.server";
import { listenForMetrics } from "./metrics-listener";
import { shutDownGracefully } from "./shutdown";

if (existsSync(path.join(projectRoot, ".env"))) process.loadEnvFile(path.join(projectRoot, ".env"));

async function main() {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error("Session Desk cannot start: the configuration is invalid.");
      for (const line of error.lines) console.error(line);
      console.error("See .env.example for every variable.");
      process.exit(1);
    }
    throw error;
  }
  const log = installLogger(config);
  const dataDir = path.resolve(projectRoot, config.DATA_DIR);
  // Everything this process creates (data folder, SQLite files, secrets, keys) is its owner's alone.
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  let stopCore: (() => Promise<void>) | undefined;
  if (!config.SUPERTOKENS_CONNECTION_URI) {
    const core = await startBundledCore({ dataDir, seed: config.LOCAL_CORE_SEED, port: config.LOCAL_CORE_PORT, log: (line) => log.info(line) });
    stopCore = core.stop;
    process.env.SUPERTOKENS_CONNECTION_URI = core.url;
    process.env.SUPERTOKENS_API_KEY = core.apiKey;
    process.env.SESSION_DESK_BUNDLED_CORE = "true";
    log.info(`SuperTokens core: bundled demo core at ${core.url} (data in ${path.relative(process.cwd(), dataDir) || "."})`);
  } else {
    log.info(`SuperTokens core: ${config.SUPERTOKENS_CONNECTION_URI}${config.SUPERTOKENS_API_KEY ? " (with API key)" : ""}`);
  }

  // The demo schema goes with the demo data, which only the bundled core started here holds.
  await prepareDashboard({ dataDir, log: (line) => log.info(line), demoSchema: stopCore !== undefined });

  let build = await loadBuild();
  const app = createApp(config.NODE_ENV === "development" ? async () => build : build);
  const server = await listen(app, config.PORT, config.HOST);
  const metricsServer = config.METRICS_PORT === undefined ? undefined : await listenForMetrics(config.METRICS_PORT, config.METRICS_HOST ?? config.HOST);
  if (metricsServer) log.info(`Prometheus metrics: ${metricsServer.url}/metrics`);
  // Bulk runs another instance handed over as it stopped are taken over at once (app/bulk/handover.server.ts).
  const stopAdopting = adoptHandedOverRunsContinually();
  log.info(`Session Desk is ready: ${server.url.replace("//127.0.0.1:", "//localhost:")}`);
  if (config.NODE_ENV === "development") {
    // `npm run dev` (remix dev --manual): reload the rebuilt app in place and tell the dev server.
    const { broadcastDevReady } = await import("@remix-run/node");
    await broadcastDevReady(build);
    watch(path.join(projectRoot, "build"), { recursive: false }, async () => {
      build = await loadBuild();
      await broadcastDevReady(build);
    });
  }

  process.once("SIGINT", () => void shutDownGracefully({ signal: "SIGINT", server, metricsServer, stopAdopting, stopCore, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }));
  process.once("SIGTERM", () => void shutDownGracefully({ signal: "SIGTERM", server, metricsServer, stopAdopting, stopCore, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }));
}

main().catch((error) => {
  console.error(`Session Desk failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
