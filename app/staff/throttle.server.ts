/**
 * Throttling of failed sign-ins, per account (the email as typed, whether or not it exists) and per
 * client address. Failures are rows in the database so that several dashboard instances share the
 * count. Only failures count; a throttled attempt is refused before the password is even checked.
 */
import { randomUUID } from "node:crypto";
import { getConfig } from "~/config.server";
import { getDb } from "~/db/db.server";
import { now } from "./clock.server";

export interface ThrottleKeys {
  email: string;
  clientAddress: string | null;
}

function keysFor({ email, clientAddress }: ThrottleKeys): { account: string; address: string | null } {
  return { account: `account:${email.trim().toLowerCase()}`, address: clientAddress ? `address:${clientAddress}` : null };
}

function windowStart(): string {
  return new Date(now().getTime() - getConfig().SIGN_IN_THROTTLE_WINDOW_SECONDS * 1000).toISOString();
}

async function failuresSince(key: string, since: string): Promise<number> {
  const row = await getDb()
    .selectFrom("sign_in_failures")
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("key", "=", key)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** True when this email or this address has had too many failed sign-ins within the window. */
export async function isSignInThrottled(keys: ThrottleKeys): Promise<boolean> {
  const config = getConfig();
  const { account, address } = keysFor(keys);
  const since = windowStart();
  if ((await failuresSince(account, since)) >= config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT) return true;
  if (address && (await failuresSince(address, since)) >= config.SIGN_IN_MAX_FAILURES_PER_ADDRESS) return true;
  return false;
}

export async function recordSignInFailure(keys: ThrottleKeys): Promise<void> {
  const { account, address } = keysFor(keys);
  const at = now().toISOString();
  const db = getDb();
  const rows = [account, address].filter((key): key is string => key !== null).map((key) => ({ id: randomUUID(), key, at }));
  await db.insertInto("sign_in_failures").values(rows).execute();
  // Old failures no longer count; dropping them here keeps the table small without a scheduled job.
  await db.deleteFrom("sign_in_failures").where("at", "<=", windowStart()).execute();
}
