// Replays the 33 exchanges recorded between supertokens-node 24.0.3 and a real core v11.4.7
// (a copy of shared/supertokens/real-core-recordings.jsonl kept in tests/core/fixtures, so the suite
// needs nothing outside the repository) against the local core, in order.
//
// The recordings form one story (sign up, three sessions, reads, writes, revokes, probes), so replaying
// them in sequence builds each one's preconditions. Values that differ per run (user ids, session
// handles, tokens, times, key material) are learned the first time they appear and must then be
// consistent; they are compared by type and format. Everything else must match exactly.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalCore } from "../../local-core/index";
import { API_KEY, HEX64, UUID_V4, decodeJwt, startCore } from "./helpers";

const RECORDINGS = fileURLToPath(new URL("./fixtures/real-core-recordings.jsonl", import.meta.url));

interface Recording {
  seq: number;
  label: string;
  request: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: { "cdi-version": string | null; rid: string | null; "api-key-present": boolean; "api-key-valid": boolean | null; "content-type": string | null };
    body: unknown;
  };
  response: { status: number; contentType: string; body: any };
}

const recordings: Recording[] = readFileSync(RECORDINGS, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l));

const ID_KEYS = new Set(["id", "recipeUserId", "userId", "handle", "sessionHandle"]);
const TIME_KEYS = new Set(["timeJoined", "timeCreated", "createdTime", "expiry"]);
const UNORDERED_ARRAYS = new Set(["sessionHandles", "versions", "sessionHandlesRevoked"]);

/** recorded id/handle → the one the local core issued */
const ids = new Map<string, string>();
/** recorded ms timestamp → the local core's; the same recorded instant must map to the same local one */
const times = new Map<number, number>();
/** kids seen in access tokens, to be found in the JWKS */
const tokenKids = new Set<string>();

let core: LocalCore;
let startedAt = 0;
beforeAll(async () => {
  core = await startCore({ apiKey: API_KEY });
  startedAt = Date.now();
});
afterAll(async () => {
  await core?.stop();
});

function substitute<T>(value: T): T {
  let s = JSON.stringify(value);
  for (const [from, to] of ids) s = s.split(from).join(to);
  return JSON.parse(s);
}

/** Learns ids from their first appearance in a response (walks recorded and actual side by side). */
function learn(rec: any, act: any): void {
  if (Array.isArray(rec) && Array.isArray(act)) {
    rec.forEach((r, i) => learn(r, act[i]));
    return;
  }
  if (rec === null || act === null || typeof rec !== "object" || typeof act !== "object") return;
  for (const [k, v] of Object.entries(rec)) {
    if (ID_KEYS.has(k) && typeof v === "string" && typeof act[k] === "string" && !ids.has(v)) {
      const expectedFormat = UUID_V4.test(v) ? UUID_V4 : null;
      if (expectedFormat) expect(act[k], `${k} format`).toMatch(expectedFormat);
      ids.set(v, act[k]);
    }
    learn(v, act[k]);
  }
}

function compareJwt(act: unknown, rec: string, where: string): void {
  expect(typeof act, where).toBe("string");
  const a = decodeJwt(act as string);
  const r = decodeJwt(rec);
  r.payload = substitute(r.payload); // ids inside the recorded token are the recorded ones
  expect(Object.keys(a.header).sort(), `${where} header`).toEqual(Object.keys(r.header).sort());
  expect({ ...a.header, kid: undefined }, `${where} header`).toEqual({ ...r.header, kid: undefined });
  expect(a.header.kid, `${where} kid`).toMatch(/^d-\d{13}$/);
  tokenKids.add(a.header.kid);
  expect(Object.keys(a.payload).sort(), `${where} claims`).toEqual(Object.keys(r.payload).sort());
  expect(a.payload.exp - a.payload.iat, `${where} exp-iat`).toBe(r.payload.exp - r.payload.iat);
  expect(Math.abs(a.payload.iat * 1000 - Date.now()), `${where} iat`).toBeLessThan(60_000);
  expect(a.payload.refreshTokenHash1, `${where} refreshTokenHash1`).toMatch(HEX64);
  const fixed = (p: any) => ({ ...p, iat: undefined, exp: undefined, refreshTokenHash1: undefined });
  expect(fixed(a.payload), `${where} claims`).toEqual(fixed(r.payload));
}

/** Compares actual with the (substituted) recorded value: volatile values by shape, everything else exactly. */
function compare(act: any, rec: any, where: string, key = ""): void {
  if (TIME_KEYS.has(key) && typeof rec === "number") {
    expect(Number.isInteger(act), `${where} integer`).toBe(true);
    if (key !== "expiry" && !where.includes("accessToken")) {
      expect(Math.abs(act - Date.now()), `${where} is now-ish`).toBeLessThan(60_000 + (Date.now() - startedAt));
      if (times.has(rec)) expect(act, `${where} same instant as before`).toBe(times.get(rec));
      else times.set(rec, act);
    }
    if (where.includes("accessToken")) expect(act % 1000, `${where} whole seconds`).toBe(0);
    return;
  }
  if (key === "token" && typeof rec === "string") {
    if (rec.startsWith("eyJ")) compareJwt(act, rec, where);
    else expect(act, `${where} refresh token format`).toMatch(/^[A-Za-z0-9+/=]+\.[0-9a-f]{64}\.V2$/);
    return;
  }
  if (key === "n" && typeof rec === "string") {
    expect(act, where).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(act, "base64url").length, `${where} modulus bytes`).toBe(Buffer.from(rec, "base64url").length);
    return;
  }
  if (key === "kid" && typeof rec === "string") {
    expect(act, where).toMatch(rec.startsWith("d-") ? /^d-\d{13}$/ : /^s-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    return;
  }
  if (Array.isArray(rec)) {
    expect(Array.isArray(act), `${where} is an array`).toBe(true);
    if (UNORDERED_ARRAYS.has(key)) {
      expect([...act].sort(), where).toEqual([...rec].sort());
      return;
    }
    expect(act.length, `${where} length`).toBe(rec.length);
    rec.forEach((r, i) => compare(act[i], r, `${where}[${i}]`, key));
    return;
  }
  if (rec !== null && typeof rec === "object") {
    expect(act !== null && typeof act === "object" && !Array.isArray(act), `${where} is an object`).toBe(true);
    expect(Object.keys(act).sort(), `${where} keys`).toEqual(Object.keys(rec).sort());
    for (const [k, v] of Object.entries(rec)) compare(act[k], v, `${where}.${k}`, k);
    const span = (o: any, start: string) => o.expiry - o[start];
    for (const start of ["createdTime", "timeCreated"]) {
      if (typeof rec.expiry === "number" && typeof rec[start] === "number") {
        expect(span(act, start), `${where} expiry - ${start}`).toBe(span(rec, start));
      }
    }
    return;
  }
  expect(act, where).toEqual(rec);
}

async function send(r: Recording) {
  const req = substitute(r.request);
  const url = new URL(core.url + req.path);
  for (const [k, v] of Object.entries(req.query)) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (req.headers["cdi-version"] !== null) headers["cdi-version"] = req.headers["cdi-version"];
  if (req.headers.rid !== null) headers.rid = req.headers.rid;
  if (req.headers["content-type"] !== null) headers["content-type"] = req.headers["content-type"];
  if (req.headers["api-key-present"]) headers["api-key"] = req.headers["api-key-valid"] ? API_KEY : "not-the-right-api-key-0000";
  let body: string | undefined;
  if (req.body !== null) body = typeof (req.body as any).__raw === "string" ? (req.body as any).__raw : JSON.stringify(req.body);
  const res = await fetch(url, { method: req.method, headers, body, redirect: "manual" });
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

describe("real-core recordings (v11.4.7 ↔ supertokens-node 24.0.3)", () => {
  it("has 33 recordings", () => {
    expect(recordings.length).toBe(33);
  });

  for (const r of recordings) {
    const q = new URLSearchParams(r.request.query).toString();
    it(`#${r.seq} ${r.label}: ${r.request.method} ${r.request.path}${q ? `?${q}` : ""} → ${r.response.status}`, async () => {
      const res = await send(r);
      expect(res.status, res.text).toBe(r.response.status);
      expect(res.contentType).toBe(r.response.contentType);
      if (typeof r.response.body?.__raw === "string") {
        expect(res.text).toBe(r.response.body.__raw);
        return;
      }
      expect(res.text.endsWith("\n")).toBe(true);
      const actual = JSON.parse(res.text);
      learn(r.response.body, actual);
      compare(actual, substitute(r.response.body), "body");
      if (r.request.path === "/.well-known/jwks.json") {
        const kids = new Set(actual.keys.map((k: any) => k.kid));
        for (const kid of tokenKids) expect(kids.has(kid), `token kid ${kid} is published`).toBe(true);
      }
    });
  }
});
