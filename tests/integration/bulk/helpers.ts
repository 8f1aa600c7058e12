/**
 * Fixtures for the bulk-apply tests: a user with sessions of varied data, a snapshot of every
 * session's full data, and waiting for a run to reach a state.
 */
import { expect } from "vitest";
import { createSession, Session, signUp } from "../helpers/core-with-sdk";

export const admin = { id: "staff-bulk-admin", email: "bulk-admin@desk.test", displayName: "Bulk Admin", role: "admin" as const };
export const otherAdmin = { id: "staff-bulk-other", email: "bulk-other@desk.test", displayName: "Other Admin", role: "admin" as const };

let counter = 0;

/** Session data of many shapes; `featureFlags` is an object in most, missing in some, a string in one. */
export function variedData(i: number): Record<string, unknown> {
  const base: Record<string, unknown> = {
    plan: i % 3 === 0 ? "pro" : "free",
    "a.b": { "c/d": i },
    items: [{ sku: `SKU-${i}` }, i],
    nested: { deep: { deeper: [1, { x: null }] } },
    "ünïcode ✓": "ok",
  };
  if (i % 4 !== 1) base.featureFlags = { alpha: i % 2 === 0, ...(i % 5 === 0 ? { beta: true } : {}) };
  if (i % 7 === 3) base.cartId = `cart-${i}`;
  return base;
}

export interface FixtureUser {
  userId: string;
  handles: string[];
}

/** A user with `count` sessions; `dataFor(i)` gives each session's data. */
export async function makeUser(count: number, dataFor: (i: number) => Record<string, unknown> = variedData): Promise<FixtureUser> {
  counter += 1;
  const userId = await signUp(`bulk-${counter}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`);
  const handles: string[] = [];
  // Created one by one so the core lists them in a known order (seq follows it).
  for (let i = 0; i < count; i++) handles.push(await createSession(userId, dataFor(i)));
  return { userId, handles };
}

/** Every session's full data (read straight through the SDK, with no faults configured). */
export async function snapshot(handles: string[]): Promise<Map<string, Record<string, unknown> | undefined>> {
  const map = new Map<string, Record<string, unknown> | undefined>();
  for (const handle of handles) {
    const info = await Session.getSessionInformation(handle);
    map.set(handle, info ? (info.sessionDataInDatabase as Record<string, unknown>) : undefined);
  }
  return map;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every item appears once, each handle once, each with an outcome; returns the outcome per handle. */
export function expectReportedExactlyOnce(items: { sessionHandle: string; outcome: string | null }[], handles: string[]): Map<string, string> {
  expect(items.length).toBe(handles.length);
  const byHandle = new Map<string, string>();
  for (const item of items) {
    expect(byHandle.has(item.sessionHandle), `${item.sessionHandle} reported twice`).toBe(false);
    expect(item.outcome, `${item.sessionHandle} has no outcome`).not.toBeNull();
    byHandle.set(item.sessionHandle, item.outcome!);
  }
  expect([...byHandle.keys()].sort()).toEqual([...handles].sort());
  return byHandle;
}
