/**
 * Per-request observability: a request id (taken from a proxy's X-Request-Id when it looks like one,
 * else made here) returned as `X-Request-Id`; one JSON log line when the response ends (method, route,
 * status, duration, the staff member's id when signed in); a latency sample by route. And /metrics.
 *
 * The route is the Remix route id ("routes/users.$userId.sessions.$handle"), never the URL: URLs carry user
 * ids, session handles and search text. Assets, health probes and /metrics are logged at debug level.
 */
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { NextFunction, Request, Response } from "express";
import { randomUUID, timingSafeEqual } from "node:crypto";
import { getConfig } from "../app/config.server";
import { logger } from "../app/observability/log.server";
import { metrics, metricsText } from "../app/observability/metrics.server";
import { runWithRequestContext, type RequestContext } from "../app/observability/request-context.server";

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,64}$/;
const QUIET_ROUTES = new Set(["asset", "healthz", "readyz", "metrics"]);

type BuildSource = ServerBuild | (() => Promise<ServerBuild>);

/** Remix route ids for request paths, from the build's route manifest (cached per build object). */
const routeTrees = new WeakMap<ServerBuild, AgnosticRouteObject[]>();

function routeTree(build: ServerBuild): AgnosticRouteObject[] {
  let tree = routeTrees.get(build);
  if (!tree) {
    const byParent = new Map<string | undefined, ServerBuild["routes"][string][]>();
    for (const route of Object.values(build.routes)) {
      const siblings = byParent.get(route.parentId) ?? [];
      siblings.push(route);
      byParent.set(route.parentId, siblings);
    }
    const children = (parentId: string | undefined): AgnosticRouteObject[] =>
      (byParent.get(parentId) ?? []).map((route) =>
        route.index ? { id: route.id, index: true, path: route.path } : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: children(route.id) },
      );
    tree = children(undefined);
    routeTrees.set(build, tree);
  }
  return tree;
}

function fixedRouteName(path: string): string | undefined {
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path.slice(1);
  if (path.startsWith("/build/") || path.startsWith("/monaco/") || /^\/[^/]+\.(?:ico|png|svg|txt|webmanifest|css|js)$/.test(path)) return "asset";
  return undefined;
}

export function routeNameOf(build: ServerBuild | undefined, path: string): string {
  const fixed = fixedRouteName(path);
  if (fixed) return fixed;
  if (!build) return "unknown";
  const matches = matchRoutes(routeTree(build), path);
  return matches?.[matches.length - 1]?.route.id ?? "not-found";
}

export function requestObservability(source: BuildSource) {
  let build: ServerBuild | undefined = typeof source === "function" ? undefined : source;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const incoming = req.get("x-request-id");
    const context: RequestContext = { requestId: incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID() };
    res.setHeader("X-Request-Id", context.requestId);
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const route = routeNameOf(build, req.path);
      const seconds = (performance.now() - started) / 1000;
      const status = res.headersSent ? res.statusCode : 499; // 499: the client went away before an answer
      metrics().httpRequestDuration.observe({ method: req.method, route, status: `${Math.floor(status / 100)}xx` }, seconds);
      const line = { event: "request", requestId: context.requestId, method: req.method, route, status, durationMs: Math.round(seconds * 10_000) / 10, staffId: context.staffId };
      if (QUIET_ROUTES.has(route)) logger().debug(line, "request");
      else if (status >= 500) logger().error(line, "request");
      else logger().info(line, "request");
    };
    res.once("finish", done);
    res.once("close", done);
    if (typeof source === "function" && !build) {
      void source().then((loaded) => (build = loaded), () => {});
    }
    runWithRequestContext(context, next);
  };
}

/**
 * GET /metrics on the app's port: only with `Authorization: Bearer <METRICS_TOKEN>`; without a configured
 * token it does not exist (404), so nothing is served to an anonymous caller by accident.
 */
export function metricsEndpoint() {
  return async (req: Request, res: Response) => {
    const token = getConfig().METRICS_TOKEN;
    if (!token) return res.status(404).type("text/plain").send("Not found");
    const given = /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim() ?? "";
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      return res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain").send("A valid metrics token is required.");
    }
    const { contentType, body } = await metricsText();
    res.status(200).set("Content-Type", contentType).set("Cache-Control", "no-store").send(body);
  };
}
