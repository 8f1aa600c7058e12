/**
 * /healthz and /readyz for load balancers, orchestrators and Docker's HEALTHCHECK. Served by express
 * before Remix: no staff session, no page rendering, no CSRF check, so they answer even when the Remix
 * build cannot (and a probe never touches a staff cookie). Their answers say nothing an outsider could
 * use: no versions, URLs or error texts, only which dependency is unreachable.
 *
 * - /healthz: the process is alive and its event loop turns (never looks at dependencies, so a core
 *   outage does not get the container restarted).
 * - /readyz: the core and the database answer within a short timeout, and no shutdown has begun. At most
 *   one check runs at a time and its result is reused for a second, so probing cannot be used to make
 *   the dashboard hammer its core.
 */
import { sql } from "kysely";
import type { Request, Response, Router } from "express";
import express from "express";
import { getConfig } from "../app/config.server";
import { getDashboardDatabase } from "../app/db/db.server";
import { isShuttingDown } from "./lifecycle";

const CHECK_TIMEOUT_MS = 1_500;
const REUSE_MS = 1_000;

type CheckResult = "ok" | "unreachable";
interface Readiness {
  ready: boolean;
  checks: { core: CheckResult; database: CheckResult };
}

let last: { at: number; result: Readiness } | undefined;
let running: Promise<Readiness> | undefined;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function checkDatabase(): Promise<CheckResult> {
  try {
    await withTimeout(sql`select 1`.execute(getDashboardDatabase().db), CHECK_TIMEOUT_MS);
    return "ok";
  } catch {
    return "unreachable";
  }
}

/** The core's own handshake (`GET /apiversion`, with the API key): it answers 200 only when it would serve us. */
async function checkCore(): Promise<CheckResult> {
  const config = getConfig();
  const uri = config.SUPERTOKENS_CONNECTION_URI ?? process.env.SUPERTOKENS_CONNECTION_URI;
  if (!uri) return "unreachable";
  const base = uri.split(";")[0]!.trim().replace(/\/+$/, "");
  const apiKey = config.SUPERTOKENS_API_KEY ?? process.env.SUPERTOKENS_API_KEY;
  try {
    const response = await fetch(`${base}/apiversion`, { headers: apiKey ? { "api-key": apiKey } : {}, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status === 200 ? "ok" : "unreachable";
  } catch {
    return "unreachable";
  }
}

async function readiness(): Promise<Readiness> {
  if (last && Date.now() - last.at < REUSE_MS) return last.result;
  running ??= (async () => {
    const [core, database] = await Promise.all([checkCore(), checkDatabase()]);
    const result = { ready: core === "ok" && database === "ok", checks: { core, database } };
    last = { at: Date.now(), result };
    return result;
  })().finally(() => (running = undefined));
  return running;
}

function answer(res: Response, status: number, body: unknown) {
  res.status(status).set("Cache-Control", "no-store").json(body);
}

export function healthRoutes(): Router {
  const router = express.Router();
  router.get("/healthz", (_req: Request, res: Response) => answer(res, 200, { status: "ok" }));
  router.get("/readyz", async (_req: Request, res: Response) => {
    if (isShuttingDown()) return answer(res, 503, { status: "shutting-down" });
    const result = await readiness();
    // A shutdown may have begun while the checks ran.
    if (isShuttingDown()) return answer(res, 503, { status: "shutting-down" });
    answer(res, result.ready ? 200 : 503, { status: result.ready ? "ready" : "not-ready", checks: result.checks });
  });
  return router;
}
