// Fault injection, clock and stats of the local core (not part of CDI), seen through the real SDK (§1.6).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import type { LocalCore } from "../../local-core/index";
import { API_KEY, DAY_MS, createSession, initSdk, raw, signUpUser, startCore, thrown } from "./helpers";

let core: LocalCore;
beforeAll(async () => {
  core = await startCore({ apiKey: API_KEY, controlEndpoints: true });
  expect(core.isEmpty()).toBe(true);
  initSdk(core.url); // directly, no proxy: the SDK must see the core's own latency and dropped sockets
  await SuperTokens.getUserCount(); // one-time GET /apiversion
});
afterAll(async () => {
  await core?.stop();
});
afterEach(() => {
  core.faults.clear();
  core.clock.setOffsetMs(0);
});

const UNKNOWN = "00000000-0000-0000-0000-000000000000";
const timed = async <T>(fn: () => Promise<T>) => {
  const t0 = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - t0 };
};

describe("latency", () => {
  it("global latencyMs delays every answer by at least that much", async () => {
    core.faults.set({ latencyMs: 300 });
    const { ms, result } = await timed(() => SuperTokens.getUserCount());
    expect(ms).toBeGreaterThanOrEqual(295);
    expect(result).toBe(0);
  });

  it("per-endpoint latency only slows that endpoint", async () => {
    core.faults.set({ endpoints: { "GET /recipe/session": { latencyMs: 400 } } });
    const slow = await timed(() => Session.getSessionInformation(UNKNOWN));
    const fast = await timed(() => SuperTokens.getUserCount());
    expect(slow.ms).toBeGreaterThanOrEqual(395);
    expect(slow.result).toBeUndefined();
    expect(fast.ms).toBeLessThan(slow.ms);
  });
});

describe("failureRate 1", () => {
  it("kind 500: the SDK throws the §1.6 message, no retry", async () => {
    core.resetStats();
    core.faults.set({ endpoints: { "GET /recipe/session": { failureRate: 1, kinds: ["500"] } } });
    const err = await thrown(() => Session.getSessionInformation(UNKNOWN));
    expect(err.message).toMatch(/^SuperTokens core threw an error for a GET request to path: '\/recipe\/session' with status code: 500 and message: [\s\S]+$/);
    expect(core.stats()["GET /recipe/session"]).toBe(1);
    const r = await raw(core.url, "GET", "/recipe/session", { query: { sessionHandle: UNKNOWN } });
    expect(r.status).toBe(500);
    expect(r.text.length).toBeGreaterThan(0);
  });

  it("kind 429: the SDK retries 5 times (10+260+510+760+1010 ms) and then throws", async () => {
    core.resetStats();
    core.faults.set({ endpoints: { "GET /users/count": { failureRate: 1, kinds: ["429"] } } });
    const { ms, result: err } = await timed(() => thrown(() => SuperTokens.getUserCount()));
    expect(err.message).toMatch(/^SuperTokens core threw an error for a GET request to path: '\/public\/users\/count' with status code: 429 and message: /);
    expect(core.stats()["GET /users/count"]).toBe(6);
    expect(ms).toBeGreaterThanOrEqual(2550 - 50);
  });

  it("kind 429 that clears up: the SDK's retry succeeds", async () => {
    core.resetStats();
    core.faults.set({ endpoints: { "GET /recipe/session": { failureRate: 1, kinds: ["429"] } } });
    const pending = Session.getSessionInformation(UNKNOWN);
    await new Promise((r) => setTimeout(r, 150));
    core.faults.clear();
    expect(await pending).toBeUndefined();
    expect(core.stats()["GET /recipe/session"]).toBeGreaterThanOrEqual(2);
  });

  it("drop: the connection is cut, the SDK reports no core available", async () => {
    core.faults.set({ endpoints: { "GET /users/count": { failureRate: 1, kinds: ["drop"] } } });
    const err = await thrown(() => SuperTokens.getUserCount());
    expect(err.message).toBe("No SuperTokens core available to query");
    const rawErr = await thrown(() => fetch(`${core.url}/public/users/count`, { headers: { "api-key": API_KEY } }));
    expect(rawErr).toBeInstanceOf(TypeError);
  });

  it("other endpoints are unaffected, and clear() restores the endpoint", async () => {
    core.faults.set({ endpoints: { "GET /users/count": { failureRate: 1, kinds: ["500"] } } });
    expect(await Session.getSessionInformation(UNKNOWN)).toBeUndefined();
    core.faults.clear();
    expect(core.faults.get()).toEqual({});
    expect(await SuperTokens.getUserCount()).toBe(0);
  });
});

describe("a loaded core: service time on a worker pool, and contention", () => {
  it("service time: each request holds one of the workers; with 1 worker, 4 requests are answered one after another", async () => {
    core.faults.set({ serviceTimeMs: 120, workers: 1 });
    const started = performance.now();
    const answeredAt: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => SuperTokens.getUserCount().then(() => answeredAt.push(performance.now() - started))));
    answeredAt.sort((a, b) => a - b);
    // A worker serves one request at a time: the k-th answer cannot come before k service times.
    answeredAt.forEach((at, k) => expect(at).toBeGreaterThanOrEqual(120 * (k + 1) - 5));
    expect(core.faults.get()).toEqual({ serviceTimeMs: 120, workers: 1 });
  });

  it("contention: above the limit of requests in flight a write answers the real core's SQLite-lock 500 and writes nothing; reads and lone writes are served", async () => {
    const uid = await signUpUser();
    const sessions = await Promise.all(Array.from({ length: 6 }, () => createSession(uid, {}, { before: true })));
    // The service time keeps all six in flight together.
    core.faults.set({ serviceTimeMs: 300, workers: 8, contentionLimit: 2 });
    const writes = await Promise.all(
      sessions.map((session) => raw(core.url, "PUT", "/recipe/session/data", { body: { sessionHandle: session.getHandle(), userDataInDatabase: { after: true } } })),
    );
    // Each write meets what is in flight as it starts: the first two are under the limit, the other four not.
    expect(writes.map((write) => write.status).sort()).toEqual([200, 200, 500, 500, 500, 500]);
    for (const write of writes.filter((answer) => answer.status === 500)) {
      expect(write.text.trim()).toBe(
        "io.supertokens.pluginInterface.exceptions.StorageQueryException: org.sqlite.SQLiteException: [SQLITE_LOCKED_SHAREDCACHE] Contention with a different database connection that shares the cache (database table is locked: session_info)",
      );
    }
    const refused = sessions.filter((_, i) => writes[i]!.status === 500);
    // The SDK sees it as any 500 from the core.
    const sdkAnswers = await Promise.allSettled(sessions.map((session) => Session.updateSessionDataInDatabase(session.getHandle(), { again: true })));
    const sdkErrors = sdkAnswers.flatMap((answer) => (answer.status === "rejected" ? [answer.reason as Error] : []));
    expect(sdkErrors).toHaveLength(4);
    for (const error of sdkErrors) expect(error.message).toMatch(/status code: 500 and message: io\.supertokens\.pluginInterface\.exceptions\.StorageQueryException: .*SQLITE_LOCKED_SHAREDCACHE/);
    // Reads are served however many are in flight; a refused write wrote nothing.
    const reads = await Promise.all(refused.map((session) => Session.getSessionInformation(session.getHandle())));
    for (const read of reads) expect(read?.sessionDataInDatabase).toEqual({ before: true });
    // One write at a time is under the limit.
    expect(await Session.updateSessionDataInDatabase(refused[0]!.getHandle(), { after: true })).toBe(true);
    core.faults.clear();
    expect((await Session.getSessionInformation(refused[0]!.getHandle()))?.sessionDataInDatabase).toEqual({ after: true });
    expect((await Session.getSessionInformation(refused[1]!.getHandle()))?.sessionDataInDatabase).toEqual({ before: true });
  });

  it("refuses settings that make no sense, with a message", async () => {
    for (const [body, message] of [
      [{ workers: 0 }, "workers must be a whole number >= 1"],
      [{ contentionLimit: 1.5 }, "contentionLimit must be a whole number >= 1"],
      [{ serviceTimeMs: -1 }, "serviceTimeMs must be a number >= 0"],
    ] as const) {
      const answer = await raw(core.url, "PUT", "/_local-core/faults", { body });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain(message);
    }
  });

  it("the CLI takes --service-time-ms, --workers and --contention-limit", async () => {
    const cli = fileURLToPath(new URL("../../local-core/cli.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0", "--empty", "--control", "--service-time-ms", "7", "--workers", "3", "--contention-limit", "5"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => reject(new Error(`no URL in: ${output}`)), 30_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
      });
      expect((await raw(url, "GET", "/_local-core/faults")).json).toEqual({ serviceTimeMs: 7, workers: 3, contentionLimit: 5 });
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("stats", () => {
  it("counts requests by 'METHOD /path' without the tenant prefix; resetStats empties", async () => {
    core.resetStats();
    await SuperTokens.getUserCount();
    await SuperTokens.getUserCount(undefined, "public");
    await Session.getSessionInformation(UNKNOWN);
    await raw(core.url, "GET", "/appid-public/public/users/count");
    expect(core.stats()).toEqual({ "GET /users/count": 3, "GET /recipe/session": 1 });
    core.resetStats();
    expect(core.stats()).toEqual({});
  });
});

describe("HTTP control endpoints (/_local-core/*)", () => {
  it("PUT /_local-core/faults sets the same config as faults.set", async () => {
    const config = { endpoints: { "GET /recipe/session": { failureRate: 1, kinds: ["500" as const] } } };
    const put = await raw(core.url, "PUT", "/_local-core/faults", { body: config });
    expect(put.status).toBe(200);
    expect(core.faults.get()).toEqual(config);
    expect((await raw(core.url, "GET", "/recipe/session", { query: { sessionHandle: UNKNOWN } })).status).toBe(500);
    expect((await raw(core.url, "PUT", "/_local-core/faults", { body: {} })).status).toBe(200);
    expect(core.faults.get()).toEqual({});
    expect((await raw(core.url, "GET", "/recipe/session", { query: { sessionHandle: UNKNOWN } })).status).toBe(200);
  });

  it("PUT /_local-core/clock {offsetMs} moves the core's clock", async () => {
    const uid = await signUpUser();
    const handle = (await createSession(uid)).getHandle();
    const put = await raw(core.url, "PUT", "/_local-core/clock", { body: { offsetMs: 101 * DAY_MS } });
    expect(put.status).toBe(200);
    expect(core.clock.getOffsetMs()).toBe(101 * DAY_MS);
    expect(await Session.getSessionInformation(handle)).toBeUndefined();
    await raw(core.url, "PUT", "/_local-core/clock", { body: { offsetMs: 0 } });
    expect(core.clock.getOffsetMs()).toBe(0);
    expect((await Session.getSessionInformation(handle))?.sessionHandle).toBe(handle);
  });

  it("GET /_local-core/stats returns the same counts as stats()", async () => {
    core.resetStats();
    await Session.getSessionInformation(UNKNOWN);
    const r = await raw(core.url, "GET", "/_local-core/stats");
    expect(r.status).toBe(200);
    expect(r.json).toEqual(core.stats());
    expect(r.json["GET /recipe/session"]).toBe(1);
  });
});

describe("start options", () => {
  it("faults and clockOffsetMs given to startLocalCore apply from the first request", async () => {
    const other = await startCore({
      faults: { endpoints: { "GET /apiversion": { failureRate: 1, kinds: ["500"] } } },
      clockOffsetMs: 5 * DAY_MS,
    });
    try {
      expect(other.clock.getOffsetMs()).toBe(5 * DAY_MS);
      expect((await raw(other.url, "GET", "/apiversion", { cdiVersion: null })).status).toBe(500);
      const created = await raw(other.url, "POST", "/public/recipe/session", {
        body: { userId: "u", userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf: false },
      });
      expect(Math.abs(created.json.refreshToken.createdTime - (Date.now() + 5 * DAY_MS))).toBeLessThan(10_000);
      // isEmpty() is about users: a session alone does not count.
      expect(other.isEmpty()).toBe(true);
      const signUp = await raw(other.url, "POST", "/public/recipe/signup", { body: { email: "a@b.test", password: "p" } });
      expect(Math.abs(signUp.json.user.timeJoined - (Date.now() + 5 * DAY_MS))).toBeLessThan(10_000);
      expect(other.isEmpty()).toBe(false);
    } finally {
      await other.stop();
    }
  });
});

describe("environment control path", () => {
  const ENV = ["LOCAL_CORE_FAULTS", "LOCAL_CORE_LATENCY_MS", "LOCAL_CORE_CLOCK_OFFSET_MS"] as const;
  const withEnv = async <T>(vars: Partial<Record<(typeof ENV)[number], string>>, fn: () => Promise<T>) => {
    const saved = ENV.map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, vars);
    try {
      return await fn();
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const env = {
    LOCAL_CORE_FAULTS: JSON.stringify({ endpoints: { "GET /apiversion": { failureRate: 1, kinds: ["429"] } } }),
    LOCAL_CORE_LATENCY_MS: "200",
    LOCAL_CORE_CLOCK_OFFSET_MS: String(2 * DAY_MS),
  };

  it("LOCAL_CORE_FAULTS, LOCAL_CORE_LATENCY_MS and LOCAL_CORE_CLOCK_OFFSET_MS apply when no option is given", async () => {
    const other = await withEnv(env, () => startCore());
    try {
      expect(other.faults.get()).toEqual({ latencyMs: 200, endpoints: { "GET /apiversion": { failureRate: 1, kinds: ["429"] } } });
      expect(other.clock.getOffsetMs()).toBe(2 * DAY_MS);
      const { result, ms } = await timed(() => raw(other.url, "GET", "/apiversion", { cdiVersion: null }));
      expect(result.status).toBe(429);
      expect(ms).toBeGreaterThanOrEqual(195);
      expect((await timed(() => raw(other.url, "GET", "/hello"))).ms).toBeGreaterThanOrEqual(195);
    } finally {
      await other.stop();
    }
  });

  it("the CLI (npm run core) reads the same variables", async () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", "local-core/cli.ts", "--port", "0", "--empty", "--api-key", API_KEY], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`CLI did not report its URL: ${out}`)), 30_000);
        const onData = (c: Buffer) => {
          out += c.toString();
          const m = /ready at (http:\/\/[^\s]+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", (c: Buffer) => (out += c.toString()));
        child.on("exit", (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
      });
      const { result, ms } = await timed(() => raw(url, "GET", "/apiversion", { cdiVersion: null }));
      expect(result.status).toBe(429);
      expect(ms).toBeGreaterThanOrEqual(195);
      const created = await raw(url, "POST", "/public/recipe/session", {
        body: { userId: "cli", userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf: false },
      });
      expect(Math.abs(created.json.refreshToken.createdTime - (Date.now() + 2 * DAY_MS))).toBeLessThan(10_000);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("options given to startLocalCore win over the environment", async () => {
    const other = await withEnv(env, () => startCore({ faults: {}, clockOffsetMs: 0 }));
    try {
      expect(other.faults.get()).toEqual({});
      expect(other.clock.getOffsetMs()).toBe(0);
      expect((await raw(other.url, "GET", "/apiversion", { cdiVersion: null })).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});
