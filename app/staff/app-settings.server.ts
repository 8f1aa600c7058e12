/**
 * Settings an admin changes in the app (table app_settings, migration 0008), read on each use so every
 * instance follows a change at once. Only known keys, with their defaults here.
 */
import { getDb } from "~/db/db.server";
import { now } from "./clock.server";

const REQUIRE_TOTP = "require_totp";

/** Whether everyone who signs in with a password must use a second factor (SSO accounts are not affected). */
export async function isTotpRequired(): Promise<boolean> {
  const row = await getDb().selectFrom("app_settings").select("value").where("key", "=", REQUIRE_TOTP).executeTakeFirst();
  return row?.value === "true";
}

/** Sets it; returns whether it changed (so that only a real change is recorded). */
export async function setTotpRequired(required: boolean, byEmail: string): Promise<boolean> {
  const before = await isTotpRequired();
  if (before === required) return false;
  const value = String(required);
  const at = now().toISOString();
  await getDb()
    .insertInto("app_settings")
    .values({ key: REQUIRE_TOTP, value, updated_at: at, updated_by_email: byEmail })
    .onConflict((conflict) => conflict.column("key").doUpdateSet({ value, updated_at: at, updated_by_email: byEmail }))
    .execute();
  return true;
}
