/**
 * The masking settings in Session Desk's database: the patterns, which roles see masked values, and the
 * append-only log of changes to both (shown on /masking). Read on every request that shows session data
 * (two small queries), so a change made on one instance applies on every instance at once.
 */
import { randomUUID } from "node:crypto";
import { newAuditId } from "~/audit/ids.server";
import { getConfig, isDemoMode } from "~/config.server";
import { getDb } from "~/db/db.server";
import { now } from "~/staff/clock.server";
import { STAFF_ROLES, type StaffRole } from "~/staff/roles";
import { formatMaskPattern, parseMaskPattern, splitPatternList } from "./patterns";

/** What demo mode starts with: the demo data holds values under each (device.ip everywhere; tokens; addresses). */
export const DEMO_MASK_PATTERNS = ["device.ip", "**.token", "cart.address.*"] as const;

export interface StoredMaskPattern {
  id: string;
  pattern: string;
  tenantId: string | null;
  createdAt: string;
  createdByEmail: string | null;
}

export interface MaskingSettings {
  patterns: StoredMaskPattern[];
  /** Per role: true = sees MASKED_TEXT instead of masked values. */
  maskedRoles: Record<StaffRole, boolean>;
}

export type MaskingEventAction = "pattern-added" | "pattern-removed" | "role-changed" | "seeded";

export interface MaskingEvent {
  id: string;
  at: string;
  actorEmail: string | null;
  action: MaskingEventAction;
  detail: string;
  reason: string | null;
}

export class MaskingSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MaskingSettingsError";
  }
}

export async function loadMaskingSettings(): Promise<MaskingSettings> {
  const db = getDb();
  const [patternRows, roleRows] = await Promise.all([
    db.selectFrom("mask_patterns").selectAll().orderBy("created_at").orderBy("id").execute(),
    db.selectFrom("mask_role_settings").selectAll().execute(),
  ]);
  const defaults = new Set(getConfig().MASKED_ROLES);
  const maskedRoles = Object.fromEntries(STAFF_ROLES.map((role) => [role, defaults.has(role)])) as Record<StaffRole, boolean>;
  for (const row of roleRows) if ((STAFF_ROLES as readonly string[]).includes(row.role)) maskedRoles[row.role as StaffRole] = row.masked === 1;
  return {
    patterns: patternRows.map((row) => ({ id: row.id, pattern: row.pattern, tenantId: row.tenant_id, createdAt: row.created_at, createdByEmail: row.created_by_email })),
    maskedRoles,
  };
}

interface Actor {
  email: string;
}

export async function addMaskPattern(input: { actor: Actor; pattern: string; tenantId?: string; reason: string }): Promise<StoredMaskPattern> {
  const parsed = parseMaskPattern(input.pattern);
  if (!parsed.ok) throw new MaskingSettingsError(parsed.error);
  // Kept in its canonical spelling, so the same pattern typed two ways is recognised as one.
  const pattern = formatMaskPattern(parsed.pattern.tokens);
  const tenantId = input.tenantId?.trim() || null;
  const db = getDb();
  const at = now().toISOString();
  const row = { id: randomUUID(), pattern, tenant_id: tenantId, created_at: at, created_by_email: input.actor.email };
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("mask_patterns").select("id").where("pattern", "=", pattern).where("tenant_id", tenantId === null ? "is" : "=", tenantId).executeTakeFirst();
    if (existing) throw new MaskingSettingsError(`“${pattern}” is already masked${tenantId ? ` in tenant ${tenantId}` : ""}.`);
    await trx.insertInto("mask_patterns").values(row).execute();
    await trx.insertInto("masking_events").values(eventRow(input.actor.email, "pattern-added", describePattern(pattern, tenantId), input.reason)).execute();
  });
  return { id: row.id, pattern, tenantId, createdAt: at, createdByEmail: input.actor.email };
}

export async function removeMaskPattern(input: { actor: Actor; id: string; reason: string }): Promise<StoredMaskPattern> {
  const db = getDb();
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("mask_patterns").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!row) throw new MaskingSettingsError("That pattern is no longer there (someone may have removed it). Nothing was changed.");
    await trx.deleteFrom("mask_patterns").where("id", "=", input.id).execute();
    await trx.insertInto("masking_events").values(eventRow(input.actor.email, "pattern-removed", describePattern(row.pattern, row.tenant_id), input.reason)).execute();
    return { id: row.id, pattern: row.pattern, tenantId: row.tenant_id, createdAt: row.created_at, createdByEmail: row.created_by_email };
  });
}

export async function setRoleMasked(input: { actor: Actor; role: StaffRole; masked: boolean; reason: string }): Promise<boolean> {
  const current = (await loadMaskingSettings()).maskedRoles[input.role];
  if (current === input.masked) return false;
  const at = now().toISOString();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx.deleteFrom("mask_role_settings").where("role", "=", input.role).execute();
      await trx.insertInto("mask_role_settings").values({ role: input.role, masked: input.masked ? 1 : 0, updated_at: at, updated_by_email: input.actor.email }).execute();
      const detail = `${input.role}: ${input.masked ? "sees masked values" : "sees every value"} (was: ${current ? "masked" : "every value"})`;
      await trx.insertInto("masking_events").values(eventRow(input.actor.email, "role-changed", detail, input.reason)).execute();
    });
  return true;
}

export async function listMaskingEvents(limit = 20): Promise<MaskingEvent[]> {
  const rows = await getDb().selectFrom("masking_events").selectAll().orderBy("id", "desc").limit(limit).execute();
  return rows.map((row) => ({ id: row.id, at: row.at, actorEmail: row.actor_email, action: row.action as MaskingEventAction, detail: row.detail, reason: row.reason }));
}

/**
 * At start-up: a database whose masking settings were never saved gets MASK_PATTERNS (or, in demo mode,
 * the demo patterns). Once anything is recorded, the admin page owns them: a restart never re-adds a
 * pattern an admin removed. Returns the patterns added.
 */
export async function seedMaskPatterns(): Promise<string[]> {
  const config = getConfig();
  const sources = config.MASK_PATTERNS !== undefined ? splitPatternList(config.MASK_PATTERNS) : isDemoMode(config) ? [...DEMO_MASK_PATTERNS] : [];
  if (sources.length === 0) return [];
  const db = getDb();
  const patterns: string[] = [];
  for (const source of sources) {
    const parsed = parseMaskPattern(source);
    // A bad pattern in the environment stops start-up with its message rather than masking less than meant.
    if (!parsed.ok) throw new MaskingSettingsError(`MASK_PATTERNS: ${parsed.error}`);
    const pattern = formatMaskPattern(parsed.pattern.tokens);
    if (!patterns.includes(pattern)) patterns.push(pattern);
  }
  return db.transaction().execute(async (trx) => {
    const anyEvent = await trx.selectFrom("masking_events").select("id").limit(1).executeTakeFirst();
    const anyPattern = await trx.selectFrom("mask_patterns").select("id").limit(1).executeTakeFirst();
    if (anyEvent || anyPattern) return [];
    const at = now().toISOString();
    for (const pattern of patterns) {
      await trx.insertInto("mask_patterns").values({ id: randomUUID(), pattern, tenant_id: null, created_at: at, created_by_email: null }).execute();
    }
    const from = config.MASK_PATTERNS !== undefined ? "MASK_PATTERNS" : "the demo defaults";
    await trx.insertInto("masking_events").values(eventRow(null, "seeded", `${patterns.join(", ")} (from ${from})`, null)).execute();
    return patterns;
  });
}

function eventRow(actorEmail: string | null, action: MaskingEventAction, detail: string, reason: string | null) {
  const at = now();
  return { id: newAuditId(at), at: at.toISOString(), actor_email: actorEmail, action, detail, reason };
}

function describePattern(pattern: string, tenantId: string | null): string {
  return tenantId ? `${pattern} (tenant ${tenantId})` : pattern;
}
