/**
 * Throttling of failed sign-ins with growing delays, never a lock (docs/decisions/sign-in-throttling.md).
 *
 * - Per (account, client address): after SIGN_IN_FREE_FAILURES failures in a row, each further attempt
 *   for that account from that address must wait 1 s, 2 s, 4 s … (up to SIGN_IN_MAX_DELAY_SECONDS) after
 *   the last failure. A success clears the run. An attacker elsewhere slows only their own pair: the
 *   account's owner, from their own address, is not delayed at all.
 * - Per client address: after SIGN_IN_ADDRESS_FREE_FAILURES failures from it within the hour (any
 *   accounts, e.g. spraying one password over many emails), attempts from it wait too — except for an
 *   account that has signed in from that address before, so colleagues behind one office NAT keep
 *   signing in while someone on the same network guesses.
 *
 * The account is the email as typed, whether or not it exists, so the answers do not tell who has an
 * account. Failures are rows in the database (shared by every instance); times come from clock.server.
 */
import { randomUUID } from "node:crypto";
import { getConfig } from "~/config.server";
import { getDb } from "~/db/db.server";
import { now } from "./clock.server";

export interface ThrottleKeys {
  email: string;
  clientAddress: string | null;
}

/** Failures this old no longer count towards the pair's run. */
const PAIR_MEMORY_MS = 24 * 3_600_000;
const ADDRESS_WINDOW_MS = 3_600_000;
/** An address counts as an account's own for this long after a successful sign-in from it. */
const KNOWN_ADDRESS_MS = 30 * 24 * 3_600_000;

const normaliseEmail = (email: string) => email.trim().toLowerCase();
const addressOf = (keys: ThrottleKeys) => keys.clientAddress ?? "unknown";
const pairKey = (keys: ThrottleKeys) => `pair:${normaliseEmail(keys.email)} ${addressOf(keys)}`;
const addressKey = (keys: ThrottleKeys) => `address:${addressOf(keys)}`;

/** The wait after `failures` failures in a row when `free` are allowed without one: 0, then 1 s, 2 s, 4 s … capped. */
export function delayAfterFailures(failures: number, free: number, maxDelaySeconds: number): number {
  if (failures < free) return 0;
  return Math.min(2 ** Math.min(failures - free, 30), maxDelaySeconds) * 1000;
}

async function failuresSince(key: string, since: Date): Promise<{ count: number; last: string | null }> {
  const row = await getDb()
    .selectFrom("sign_in_failures")
    .select((eb) => [eb.fn.countAll<string | number>().as("count"), eb.fn.max("at").as("last")])
    .where("key", "=", key)
    .where("at", ">", since.toISOString())
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), last: (row.last as string | null) ?? null };
}

async function isKnownAddress(keys: ThrottleKeys, at: Date): Promise<boolean> {
  const row = await getDb()
    .selectFrom("sign_in_known_addresses")
    .select("last_success_at")
    .where("email", "=", normaliseEmail(keys.email))
    .where("address", "=", addressOf(keys))
    .executeTakeFirst();
  return row !== undefined && at.getTime() - Date.parse(row.last_success_at) < KNOWN_ADDRESS_MS;
}

export type ThrottleVerdict = { throttled: false } | { throttled: true; waitMs: number; scope: "pair" | "address" };

/** Whether this attempt must wait, and how long. Checked before the password, so a guess during the wait costs nothing. */
export async function checkSignInThrottle(keys: ThrottleKeys): Promise<ThrottleVerdict> {
  const config = getConfig();
  const at = now();
  const pair = await failuresSince(pairKey(keys), new Date(at.getTime() - PAIR_MEMORY_MS));
  const pairWait = waitLeft(pair, delayAfterFailures(pair.count, config.SIGN_IN_FREE_FAILURES, config.SIGN_IN_MAX_DELAY_SECONDS), at);
  if (pairWait > 0) return { throttled: true, waitMs: pairWait, scope: "pair" };
  const address = await failuresSince(addressKey(keys), new Date(at.getTime() - ADDRESS_WINDOW_MS));
  const addressDelay = delayAfterFailures(address.count, config.SIGN_IN_ADDRESS_FREE_FAILURES, config.SIGN_IN_MAX_DELAY_SECONDS);
  const addressWait = waitLeft(address, addressDelay, at);
  if (addressWait > 0 && !(await isKnownAddress(keys, at))) return { throttled: true, waitMs: addressWait, scope: "address" };
  return { throttled: false };
}

function waitLeft(failures: { last: string | null }, delayMs: number, at: Date): number {
  if (delayMs === 0 || !failures.last) return 0;
  return Math.max(0, Date.parse(failures.last) + delayMs - at.getTime());
}

export async function recordSignInFailure(keys: ThrottleKeys): Promise<void> {
  const at = now();
  const db = getDb();
  const rows = [pairKey(keys), addressKey(keys)].map((key) => ({ id: randomUUID(), key, at: at.toISOString() }));
  await db.insertInto("sign_in_failures").values(rows).execute();
  // Failures too old to count for anything: dropping them here keeps the table small without a scheduled job.
  await db.deleteFrom("sign_in_failures").where("at", "<=", new Date(at.getTime() - PAIR_MEMORY_MS).toISOString()).execute();
}

/** A correct password: the pair's run of failures ends, and this address becomes one the account is known at. */
export async function recordSignInSuccess(keys: ThrottleKeys): Promise<void> {
  const at = now().toISOString();
  const db = getDb();
  await db.deleteFrom("sign_in_failures").where("key", "=", pairKey(keys)).execute();
  const email = normaliseEmail(keys.email);
  const address = addressOf(keys);
  await db
    .insertInto("sign_in_known_addresses")
    .values({ email, address, last_success_at: at })
    .onConflict((conflict) => conflict.columns(["email", "address"]).doUpdateSet({ last_success_at: at }))
    .execute();
}

/** "8 seconds", "1 minute", "15 minutes": the wait, rounded up, as a person reads it. */
export function describeWait(waitMs: number): string {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
