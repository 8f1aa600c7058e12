/**
 * SIGTERM/SIGINT: stop taking requests and finish what was started, within SHUTDOWN_TIMEOUT_MS.
 *
 * 1. Readiness answers 503 at once (server/lifecycle.ts), so a load balancer stops sending work.
 * 2. The listener closes: no new connections; idle keep-alive sockets are closed; requests in flight
 *    finish, each write with its audit entry (a write is one request: its answer comes after both).
 * 3. Bulk runs this process applies are handed over: no new sessions start, writes in flight finish and
 *    are recorded, the lease is released, and another instance takes the run over at once.
 * 4. The database pool is closed (and the bundled core stopped), then the process exits 0.
 * Past the deadline it exits 1 with whatever is still open cut off: the audit entries of writes cut off
 * are settled from the core by the next start-up or the instance that takes the run over.
 */
import { handOverLocalRuns } from "../app/bulk/handover.server";
import { closeDb } from "../app/db/db.server";
import { errorMessage, logger } from "../app/observability/log.server";
import type { RunningServer } from "./app";
import { beginShuttingDown, isShuttingDown } from "./lifecycle";

export interface ShutdownParts {
  signal: string;
  server: RunningServer;
  metricsServer?: RunningServer;
  stopAdopting?: () => void;
  stopCore?: () => Promise<void>;
  timeoutMs: number;
}

export async function shutDownGracefully(parts: ShutdownParts): Promise<void> {
  if (isShuttingDown()) return;
  beginShuttingDown();
  const log = logger();
  const started = performance.now();
  log.info({ event: "shutdown", signal: parts.signal }, "shutting down: finishing requests and bulk writes in flight");
  const deadline = setTimeout(() => {
    log.error({ event: "shutdown", timeoutMs: parts.timeoutMs }, "shutdown took longer than SHUTDOWN_TIMEOUT_MS: exiting with work cut off");
    process.exit(1);
  }, parts.timeoutMs);
  deadline.unref();
  try {
    parts.stopAdopting?.();
    const [, handedOver] = await Promise.all([parts.server.drain(), handOverLocalRuns()]);
    if (handedOver > 0) log.info({ event: "shutdown", bulkRuns: handedOver }, "bulk runs handed over to another instance");
    await parts.metricsServer?.close();
    await closeDb();
    await parts.stopCore?.();
    log.info({ event: "shutdown", durationMs: Math.round(performance.now() - started) }, "stopped cleanly");
    log.flush?.();
    process.exit(0);
  } catch (error) {
    log.error({ event: "shutdown", error: errorMessage(error) }, "shutdown failed");
    process.exit(1);
  }
}
