/**
 * METRICS_PORT: Prometheus metrics on a listener of their own, apart from the app's port (so they can stay
 * on an internal network while the app is public). Only GET /metrics; no token there.
 */
import express from "express";
import { metricsText } from "../app/observability/metrics.server";
import { listen, type RunningServer } from "./app";

export async function listenForMetrics(port: number, host: string): Promise<RunningServer> {
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", async (_req, res) => {
    const { contentType, body } = await metricsText();
    res.status(200).set("Content-Type", contentType).set("Cache-Control", "no-store").send(body);
  });
  app.use((_req, res) => res.status(404).type("text/plain").send("Not found"));
  return listen(app, port, host);
}
