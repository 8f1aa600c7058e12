/**
 * The HTTP server around the Remix build: static files, security headers, the Remix handler.
 * Used by `npm start` (server/index.ts) and by the tests, which start it on an ephemeral port.
 */
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { healthRoutes } from "./health";
import { metricsEndpoint, requestObservability } from "./observability";
import { getConfig } from "../app/config.server";
import { normaliseForwardedHeaders } from "./forwarded";
import { refuseForeignOrigin } from "./same-origin";
import { securityHeaders } from "./security-headers";

/** The folder with package.json: this file runs from server/ (tsx) or compiled from build/server/ (`npm start`). */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, "..");
  }
}

export async function loadBuild(): Promise<ServerBuild> {
  const buildPath = path.join(projectRoot, "build", "index.js");
  return (await import(/* @vite-ignore */ `${buildPath}?t=${Date.now()}`)) as ServerBuild;
}

export function createApp(build: ServerBuild | (() => Promise<ServerBuild>)) {
  const app = express();
  // First: every request gets an id, a log line and a latency sample (server/observability.ts).
  app.use(requestObservability(build));
  app.disable("x-powered-by");
  // Forwarded headers only from the proxies TRUST_PROXY names (default: none); see server/forwarded.ts.
  app.set("trust proxy", getConfig().TRUST_PROXY);
  app.use(normaliseForwardedHeaders);
  app.use(compression());
  app.use(securityHeaders);
  // Probes and metrics: before static files, Remix and the CSRF check, and without a staff session.
  app.use(healthRoutes());
  app.get("/metrics", metricsEndpoint());
  // Fingerprinted Remix assets and the copied monaco build never change for a given URL.
  app.use("/build", express.static(path.join(projectRoot, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use("/monaco", express.static(path.join(projectRoot, "public", "monaco"), { maxAge: "1d" }));
  app.use(express.static(path.join(projectRoot, "public"), { maxAge: "1h", index: false }));
  // CSRF: a non-GET from anywhere but our own pages is refused before Remix runs.
  app.use(refuseForeignOrigin);
  app.all(
    "*",
    createRequestHandler({
      build: build as ServerBuild | (() => Promise<ServerBuild>),
      mode: process.env.NODE_ENV === "development" ? "development" : "production",
      // clientAddress: for sign-in throttling per address; TRUST_PROXY (`trust proxy` above) decides when X-Forwarded-For counts.
      getLoadContext: (req, res) => ({ cspNonce: String(res.locals.cspNonce ?? ""), clientAddress: req.ip ?? req.socket.remoteAddress ?? null }),
    }),
  );
  return app;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /**
   * Graceful stop: no new connections, idle keep-alive sockets closed, answers in flight finished (each
   * sent with `Connection: close`). Resolves when the last connection has ended; `close()` cuts the rest.
   */
  drain(): Promise<void>;
}

export function listen(app: express.Express, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once("error", reject);
    server.once("listening", () => {
      const address = server.address() as AddressInfo;
      const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
        drain: () =>
          new Promise<void>((done) => {
            server.on("request", (_req, res) => res.setHeader("Connection", "close"));
            server.close(() => done());
            server.closeIdleConnections?.();
            // A keep-alive socket that finishes its answer becomes idle: close those as they appear.
            const sweep = setInterval(() => server.closeIdleConnections?.(), 100);
            sweep.unref();
            server.once("close", () => clearInterval(sweep));
          }),
      });
    });
  });
}
