/**
 * Logs and metrics of a real run, started as `npm start` starts it (the compiled server, in its own
 * process): a failed and a good sign-in with a password, an edit of a session to a distinctive value, then
 * the metrics (on their own port, and behind METRICS_TOKEN on the app's port) and the whole log output.
 *
 * The logs must say who did what, how long it took and which core calls it made, and must never hold the
 * session's data, the password, the staff cookie, the core's API key, the metrics token or a session handle.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardDatabase } from "../../../app/db/db.server";
import { postForm, signInAs } from "../../helpers/http";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process";
import { createCoreUserWithSession, createStaff, type TestStaff } from "../../helpers/stack";
import { loadSessionPage, pageUrl, postEdit } from "../sessions/helpers";

const METRICS_TOKEN = `metrics-token-${Math.random().toString(36).slice(2)}-0123456789`;
const SECRET_VALUE = `distinctive-value-${Math.random().toString(36).slice(2)}-Ωmega`;
const PASSWORD = `Hx7-${Math.random().toString(36).slice(2)}-quartz-nocturne-Vq9`;

let dataDir: string;
let server: ServerProcess;
let database: DashboardDatabase | undefined;
let staff: TestStaff;
let cookie = "";
let fixture: { userId: string; sessionHandle: string };
let pageRequestId = "";
let output = "";

function metricsPortUrl(): string {
  const match = /Prometheus metrics: (http:\/\/[^\s"]+)/.exec(server.output());
  if (!match) throw new Error(`no metrics listener in the output:\n${server.output()}`);
  return match[1]!;
}

/** The value of one sample line, e.g. sample(text, 'session_desk_sign_ins_total{method="password",result="ok"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-ops-"));
  server = await startServerProcess({ dataDir, env: { LOG_LEVEL: "info", METRICS_PORT: "0", METRICS_TOKEN, AUDIT_REASON_REQUIRED: "false" } });
  // A staff account with a password of its own, made in the server's SQLite file from this process.
  process.env.NODE_ENV = "test";
  const { installDatabase, openDatabase, resolveDatabaseTarget } = await import("../../../app/db/db.server");
  database = await openDatabase(resolveDatabaseTarget({ dataDir }));
  installDatabase(database);
  staff = await createStaff("editor", { password: PASSWORD });
  fixture = await createCoreUserWithSession({ coreUrl: server.coreUrl, apiKey: server.coreApiKey }, { sessionData: { plan: "free" } });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  const { installDatabase } = await import("../../../app/db/db.server");
  installDatabase(undefined);
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a real run's logs and metrics", () => {
  it("signs in (one failure first), edits a session, and answers every request with an X-Request-Id", async () => {
    const failed = await postForm(`${server.baseUrl}/login`, { email: staff.email, password: `${PASSWORD}-wrong`, redirectTo: "/" });
    expect(failed.status).not.toBe(302);
    cookie = await signInAs({ url: server.baseUrl }, staff);

    const page = await fetch(pageUrl({ url: server.baseUrl }, fixture.userId, fixture.sessionHandle), { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    pageRequestId = page.headers.get("x-request-id") ?? "";
    expect(pageRequestId).toMatch(/^[0-9a-f-]{36}$/);

    // A proxy's request id is kept when it looks like one; anything else is replaced.
    const traced = await fetch(`${server.baseUrl}/healthz`, { headers: { "X-Request-Id": "proxy-trace-0001" } });
    expect(traced.headers.get("x-request-id")).toBe("proxy-trace-0001");
    const forged = await fetch(`${server.baseUrl}/healthz`, { headers: { "X-Request-Id": 'x" injected {"a":1}' } });
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    const loaded = await loadSessionPage({ url: server.baseUrl }, fixture.userId, fixture.sessionHandle, cookie);
    const answer = await postEdit({ url: server.baseUrl }, loaded, { intent: "write", text: JSON.stringify({ plan: "free", secret: SECRET_VALUE }) }, cookie);
    expect(answer.toast?.title, JSON.stringify(answer)).toMatch(/^Session data updated/);
  });

  it("metrics: on METRICS_PORT, and on the app's port only with the Bearer token; after the actions above", async () => {
    const onOwnPort = await fetch(`${metricsPortUrl()}`);
    expect(onOwnPort.status).toBe(200);
    expect(onOwnPort.headers.get("content-type")).toMatch(/^text\/plain/);

    expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: "Bearer not-the-token-0123456789" } })).status).toBe(401);
    const withToken = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(withToken.status).toBe(200);
    const text = await withToken.text();

    expect(sample(text, 'session_desk_sign_ins_total{method="password",result="ok"}')).toBe(1);
    expect(sample(text, 'session_desk_sign_ins_total{method="password",result="invalid"}')).toBe(1);
    expect(sample(text, 'session_desk_session_writes_total{outcome="written"}')).toBe(1);
    expect(sample(text, 'session_desk_core_call_duration_seconds_count{operation="PUT /recipe/session/data",outcome="ok"}')).toBe(1);
    // Reads by the page and by the write: the tenant-less path template, never the handle.
    expect(sample(text, 'session_desk_core_call_duration_seconds_count{operation="GET /recipe/session",outcome="ok"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, "session_desk_bulk_runs_in_progress")).toBe(0);
    expect(text).toContain("# TYPE session_desk_bulk_items_total counter");
    expect(text).toContain('session_desk_http_request_duration_seconds_count{method="POST",route="routes/users.$userId.sessions.$handle",status="2xx"} 1');
    expect(text).toContain("session_desk_process_cpu_seconds_total");
    for (const secret of [fixture.sessionHandle, fixture.userId, SECRET_VALUE, staff.email]) expect(text).not.toContain(secret);
  });

  it("logs: JSON lines with request id, staff id, route, status and duration, and each core call; never data, passwords, cookies or keys", async () => {
    await server.stop(); // SIGTERM: a graceful stop, so every line is written
    output = server.output();
    const lines = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(10);

    const pageLine = lines.find((line) => line.event === "request" && line.requestId === pageRequestId);
    expect(pageLine).toMatchObject({ level: "info", method: "GET", route: "routes/users.$userId.sessions.$handle", status: 200, staffId: staff.id });
    expect(typeof pageLine!.durationMs).toBe("number");
    const writeLine = lines.find((line) => line.event === "request" && line.method === "POST" && line.route === "routes/users.$userId.sessions.$handle");
    expect(writeLine).toMatchObject({ status: 204, staffId: staff.id });
    const signIn = lines.filter((line) => line.event === "request" && line.route === "routes/login" && line.method === "POST");
    expect(signIn.map((line) => line.staffId)).toEqual([undefined, undefined]);

    const coreWrite = lines.find((line) => line.event === "core-call" && line.operation === "PUT /recipe/session/data");
    expect(coreWrite).toMatchObject({ status: 200, outcome: "ok", requestId: writeLine!.requestId });
    expect(typeof coreWrite!.durationMs).toBe("number");
    expect(lines.some((line) => line.event === "shutdown" && line.msg === "stopped cleanly")).toBe(true);

    const cookieValue = cookie.split("=")[1]!;
    for (const secret of [SECRET_VALUE, PASSWORD, cookieValue, server.coreApiKey, METRICS_TOKEN, fixture.sessionHandle]) {
      expect(output.includes(secret), `the output holds ${secret.slice(0, 12)}…`).toBe(false);
    }
    expect(output).not.toMatch(/sd_staff=|"cookie"|"password"|authorization/i);
  });
});
