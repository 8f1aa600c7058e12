/**
 * The floor: a bare HTTP client with keep-alive doing exactly the requests the SDK would make to the
 * same core (1 list + N reads), at its best concurrency. Nothing can load a user's sessions faster
 * through this API, so every other figure is reported as a ratio to it.
 *
 * Like any real client it retries an answer of 5xx (a real core under concurrent writes answers 500 on a
 * storage lock) with a growing, jittered wait, and counts its retries (`floorRetries`).
 */
import http from "node:http";

const HEADERS: Record<string, string> = { "cdi-version": "5.4", rid: "session" };

/** For a core that needs one (`npm run bench -- --api-key`). */
export function setFloorApiKey(apiKey: string | undefined) {
  if (apiKey) HEADERS["api-key"] = apiKey;
  else delete HEADERS["api-key"];
}

let retries = 0;
/** Retries the floor client made since the last call, and starts counting again. */
export function takeFloorRetries(): number {
  const taken = retries;
  retries = 0;
  return taken;
}

class ServerError extends Error {}
const MAX_RETRIES = 12;

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ServerError) || retry >= MAX_RETRIES) throw error;
      retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** retry * (0.5 + Math.random())));
    }
  }
}

const failure = (status: number | undefined, body: string) => (status !== undefined && status >= 500 ? new ServerError(`HTTP ${status}: ${body}`) : new Error(`HTTP ${status}: ${body}`));

function get(agent: http.Agent, url: string): Promise<string> {
  return withRetries(() => getOnce(agent, url));
}

function getOnce(agent: http.Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: HEADERS }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => (response.statusCode === 200 ? resolve(body) : reject(failure(response.statusCode, body))));
      })
      .on("error", reject);
  });
}

function send(agent: http.Agent, method: string, url: string, payload: unknown): Promise<string> {
  return withRetries(() => sendOnce(agent, method, url, payload));
}

function sendOnce(agent: http.Agent, method: string, url: string, payload: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const request = http.request(url, { method, agent, headers: { ...HEADERS, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => (response.statusCode === 200 ? resolve(text) : reject(failure(response.statusCode, text))));
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function floorListSessions(coreUrl: string, userId: string, concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const started = performance.now();
  const list = JSON.parse(await get(agent, `${coreUrl}/recipe/session/user?userId=${encodeURIComponent(userId)}&fetchSessionsForAllLinkedAccounts=true&fetchAcrossAllTenants=true`)) as { sessionHandles: string[] };
  await pool(list.sessionHandles, concurrency, (handle) => get(agent, `${coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`));
  const elapsed = performance.now() - started;
  agent.destroy();
  return elapsed;
}

/** 1 list + N GET + N PUT: the least work a bulk write of one key to N sessions can do. */
export async function floorBulkWrite(coreUrl: string, userId: string, concurrency: number, key: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const started = performance.now();
  const list = JSON.parse(await get(agent, `${coreUrl}/recipe/session/user?userId=${encodeURIComponent(userId)}&fetchSessionsForAllLinkedAccounts=true&fetchAcrossAllTenants=true`)) as { sessionHandles: string[] };
  await pool(list.sessionHandles, concurrency, async (handle) => {
    const info = JSON.parse(await get(agent, `${coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`)) as { userDataInDatabase: Record<string, unknown> };
    await send(agent, "PUT", `${coreUrl}/recipe/session/data`, { sessionHandle: handle, userDataInDatabase: { ...info.userDataInDatabase, [key]: performance.now() } });
  });
  const elapsed = performance.now() - started;
  agent.destroy();
  return elapsed;
}

export const FLOOR_CONCURRENCIES = [8, 16, 32, 64, 128];
