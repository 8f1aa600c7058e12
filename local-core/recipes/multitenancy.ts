// Multitenancy (cdi-contract.md §6.1): tenant list/get (v2), create/update (v2), remove,
// associate users with tenants, third-party provider configs. Only the default app exists.

import type { Route, RequestContext } from "../context.js";
import { DEFAULT_TENANT } from "../context.js";
import { badRequest, ok } from "../http.js";
import {
  arrayString,
  invalidField,
  isPlainObject,
  optBoolean,
  optObject,
  optString,
  reqObject,
  reqString,
  type JsonObject,
} from "../input.js";
import { loginMethod, loginMethodsInTenant, primaryIdOf, tenantsOf } from "../users.js";
import type { DB } from "../store.js";
import { requireMultiTenancy } from "../licence.js";

export interface TenantConfig {
  thirdParty: { providers: JsonObject[] };
  firstFactors?: string[] | null;
  requiredSecondaryFactors?: string[] | null;
  coreConfig: JsonObject;
}

const INVALID_TENANT_WORDS = ["recipe", "config", "users", "hello"];

export function readTenant(db: DB, tenantId: string): TenantConfig | undefined {
  const row = db.prepare("SELECT config FROM tenants WHERE tenant_id = ?").get(tenantId) as { config: string } | undefined;
  return row ? (JSON.parse(row.config) as TenantConfig) : undefined;
}

/**
 * The core overwrites an existing tenant's config by deleting its tenant_configs row and inserting
 * a new one (MultitenancyQueries.overwriteTenantConfig), and lists tenants in that table's scan
 * order (SQLite rowid, no ORDER BY). So every create or update puts the tenant last in the list;
 * deleting and re-inserting here gives our row the same new rowid (max + 1).
 */
function writeTenant(db: DB, tenantId: string, config: TenantConfig, now: number): void {
  db.transaction(() => {
    const existing = db.prepare("SELECT created_at FROM tenants WHERE tenant_id = ?").get(tenantId) as
      | { created_at: number }
      | undefined;
    db.prepare("DELETE FROM tenants WHERE tenant_id = ?").run(tenantId);
    db.prepare("INSERT INTO tenants (tenant_id, config, created_at) VALUES (?, ?, ?)").run(
      tenantId,
      JSON.stringify(config),
      existing?.created_at ?? now,
    );
  })();
}

/** `TenantConfig.toJson_v2`: Gson field order, nulls omitted, tenantId appended last. */
function tenantJson(tenantId: string, c: TenantConfig): JsonObject {
  const out: JsonObject = { thirdParty: { providers: c.thirdParty.providers } };
  if (c.firstFactors != null) out.firstFactors = c.firstFactors;
  if (c.requiredSecondaryFactors != null) out.requiredSecondaryFactors = c.requiredSecondaryFactors;
  out.coreConfig = c.coreConfig;
  out.tenantId = tenantId;
  return out;
}

function listTenants(ctx: RequestContext) {
  ctx.requirePublicTenant("Only the public tenantId is allowed to list all tenants associated with this app");
  // Order of the last write (see writeTenant), as the core's unordered scan of tenant_configs.
  const rows = ctx.db.prepare("SELECT tenant_id, config FROM tenants ORDER BY rowid").all() as Array<{
    tenant_id: string;
    config: string;
  }>;
  return ok({ status: "OK", tenants: rows.map((r) => tenantJson(r.tenant_id, JSON.parse(r.config) as TenantConfig)) });
}

function getTenant(ctx: RequestContext) {
  const config = ctx.appId === DEFAULT_TENANT ? readTenant(ctx.db, ctx.tenantId) : undefined;
  if (!config) return ok({ status: "TENANT_NOT_FOUND_ERROR" });
  return ok({ ...tenantJson(ctx.tenantId, config), status: "OK" });
}

function normaliseTenantId(raw: string): string {
  const t = raw.trim().toLowerCase();
  if (t.length === 0) throw badRequest("tenantId should not be an empty String");
  if (INVALID_TENANT_WORDS.includes(t)) throw badRequest(`Cannot use '${t}' as a tenantId`);
  if (t.startsWith("appid-")) throw badRequest("tenantId must not start with 'appid-'");
  if (!/^[a-z0-9-]+$/.test(t)) throw badRequest("tenantId can only contain letters, numbers and hyphens");
  return t;
}

function factorList(body: JsonObject, field: string): string[] | null | undefined {
  if (!(field in body)) return undefined;
  const v = body[field];
  if (v === null) return null;
  if (!Array.isArray(v)) throw invalidField(field);
  const list = v.map((x) => arrayString(x, field));
  if (new Set(list).size !== list.length) throw badRequest(`${field} input should not contain duplicate values`);
  return list;
}

function createOrUpdateTenant(ctx: RequestContext) {
  const body = ctx.body();
  const rawId = optString(body, "tenantId");
  const tenantId = rawId === undefined ? DEFAULT_TENANT : normaliseTenantId(rawId);
  ctx.requireTenant();
  for (const legacy of ["emailPasswordEnabled", "thirdPartyEnabled", "passwordlessEnabled"]) {
    if (legacy in body) throw badRequest(`${legacy} is not allowed in this API version`);
  }
  const coreConfig = optObject(body, "coreConfig");
  const firstFactors = factorList(body, "firstFactors");
  const required = factorList(body, "requiredSecondaryFactors");
  if (required !== undefined && required !== null && required.length === 0) {
    throw badRequest(
      "requiredSecondaryFactors cannot be empty. Set null instead to remove all required secondary factors.",
    );
  }
  // Multitenancy.checkPermissionsForCreateOrUpdate: the licence first, then who may write it.
  if (tenantId !== DEFAULT_TENANT) requireMultiTenancy(ctx);
  if (tenantId !== DEFAULT_TENANT && ctx.tenantId !== DEFAULT_TENANT) {
    throw badRequest("You must use the public tenantId to create or update a non-public tenant");
  }
  const db = ctx.db;
  let config = readTenant(db, tenantId);
  const createdNew = config === undefined;
  // A new non-public tenant starts with an empty firstFactors list, as BaseCreateOrUpdate does.
  config ??=
    tenantId === DEFAULT_TENANT
      ? { thirdParty: { providers: [] }, coreConfig: {} }
      : { thirdParty: { providers: [] }, firstFactors: [], coreConfig: {} };
  if (firstFactors !== undefined) config.firstFactors = firstFactors;
  if (required !== undefined) config.requiredSecondaryFactors = required;
  if (coreConfig) {
    for (const [k, v] of Object.entries(coreConfig)) {
      if (v === null) delete config.coreConfig[k];
      else config.coreConfig[k] = v;
    }
  }
  writeTenant(db, tenantId, config, ctx.now());
  return ok({ status: "OK", createdNew });
}

function removeTenant(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const tenantId = normaliseTenantId(reqString(ctx.body(), "tenantId"));
  if (tenantId === DEFAULT_TENANT) throw badRequest("Cannot delete public tenant, use remove app API instead");
  const db = ctx.db;
  const didExist = db.transaction(() => {
    const res = db.prepare("DELETE FROM tenants WHERE tenant_id = ?").run(tenantId);
    db.prepare("DELETE FROM all_auth_recipe_users WHERE tenant_id = ?").run(tenantId);
    db.prepare("DELETE FROM session_info WHERE tenant_id = ?").run(tenantId);
    db.prepare("DELETE FROM passwordless_devices WHERE tenant_id = ?").run(tenantId);
    db.prepare("DELETE FROM passwordless_codes WHERE tenant_id = ?").run(tenantId);
    return res.changes > 0;
  })();
  return ok({ status: "OK", didExist });
}

function associateUser(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const recipeUserId = reqString(ctx.body(), "recipeUserId");
  const db = ctx.db;
  const lm = loginMethod(db, recipeUserId);
  if (!lm) return ok({ status: "UNKNOWN_USER_ID_ERROR" });
  requireMultiTenancy(ctx); // Multitenancy.addUserIdToTenant, after the user lookup
  if (tenantsOf(db, recipeUserId).includes(tenantId)) return ok({ status: "OK", wasAlreadyAssociated: true });
  // Uniqueness of the login method's identity inside the target tenant.
  if (lm.recipe_id === "emailpassword" && lm.email) {
    if (loginMethodsInTenant(db, tenantId, "l.recipe_id = 'emailpassword' AND l.email = ?", lm.email).length) {
      return ok({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
    }
  }
  if (lm.recipe_id === "passwordless") {
    if (lm.email && loginMethodsInTenant(db, tenantId, "l.recipe_id = 'passwordless' AND l.email = ?", lm.email).length) {
      return ok({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
    }
    if (
      lm.phone_number &&
      loginMethodsInTenant(db, tenantId, "l.recipe_id = 'passwordless' AND l.phone_number = ?", lm.phone_number).length
    ) {
      return ok({ status: "PHONE_NUMBER_ALREADY_EXISTS_ERROR" });
    }
  }
  if (lm.recipe_id === "thirdparty") {
    if (
      loginMethodsInTenant(
        db,
        tenantId,
        "l.recipe_id = 'thirdparty' AND l.third_party_id = ? AND l.third_party_user_id = ?",
        lm.third_party_id,
        lm.third_party_user_id,
      ).length
    ) {
      return ok({ status: "THIRD_PARTY_USER_ALREADY_EXISTS_ERROR" });
    }
  }
  const primary = primaryIdOf(db, recipeUserId)!;
  const primaryTime = (
    db.prepare("SELECT primary_or_recipe_user_time_joined AS t FROM all_auth_recipe_users WHERE user_id = ? LIMIT 1").get(recipeUserId) as
      | { t: number }
      | undefined
  )?.t ?? lm.time_joined;
  db.prepare(
    `INSERT INTO all_auth_recipe_users (tenant_id, user_id, primary_or_recipe_user_id, is_linked_or_is_a_primary_user, recipe_id, time_joined, primary_or_recipe_user_time_joined)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(tenantId, recipeUserId, primary, lm.is_linked_or_is_a_primary_user, lm.recipe_id, lm.time_joined, primaryTime);
  return ok({ status: "OK", wasAlreadyAssociated: false });
}

function disassociateUser(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const recipeUserId = reqString(ctx.body(), "recipeUserId");
  const db = ctx.db;
  if (!ctx.state.features.includes("multi_tenancy")) {
    // Multitenancy.removeUserIdFromTenant checks the licence after the user lookup, which answers
    // UNKNOWN_USER_ID_ERROR for an id no recipe knows.
    if (!userIdInUse(db, recipeUserId)) return ok({ status: "UNKNOWN_USER_ID_ERROR" });
    requireMultiTenancy(ctx);
  }
  const res = db.prepare("DELETE FROM all_auth_recipe_users WHERE tenant_id = ? AND user_id = ?").run(tenantId, recipeUserId);
  db.prepare("DELETE FROM session_info WHERE tenant_id = ? AND user_id = ?").run(tenantId, recipeUserId);
  return ok({ status: "OK", wasAssociated: res.changes > 0 });
}

function upsertThirdPartyConfig(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const body = ctx.body();
  const provider = reqObject(body, "config");
  optBoolean(body, "skipValidation");
  const thirdPartyId = provider.thirdPartyId;
  if (typeof thirdPartyId !== "string") throw badRequest("thirdPartyId is required");
  // CreateOrUpdateThirdPartyConfigAPI: any tenant but the base one needs the licence.
  if (tenantId !== DEFAULT_TENANT) requireMultiTenancy(ctx);
  const db = ctx.db;
  const config = readTenant(db, tenantId)!;
  const idx = config.thirdParty.providers.findIndex((p) => isPlainObject(p) && p.thirdPartyId === thirdPartyId);
  if (idx === -1) config.thirdParty.providers.push(provider);
  else config.thirdParty.providers[idx] = provider;
  writeTenant(db, tenantId, config, ctx.now());
  return ok({ status: "OK", createdNew: idx === -1 });
}

function removeThirdPartyConfig(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const thirdPartyId = reqString(ctx.body(), "thirdPartyId");
  const db = ctx.db;
  const config = readTenant(db, tenantId)!;
  const before = config.thirdParty.providers.length;
  config.thirdParty.providers = config.thirdParty.providers.filter((p) => p.thirdPartyId !== thirdPartyId);
  writeTenant(db, tenantId, config, ctx.now());
  return ok({ status: "OK", didConfigExist: config.thirdParty.providers.length !== before });
}

/** StorageLayer.findStorageAndUserIdMappingForUser (UserIdType.ANY): an auth user, or an id non-auth data uses. */
function userIdInUse(db: DB, userId: string): boolean {
  if (primaryIdOf(db, userId) !== undefined) return true;
  return (
    db.prepare("SELECT 1 FROM session_info WHERE user_id = ? LIMIT 1").get(userId) !== undefined ||
    db.prepare("SELECT 1 FROM user_metadata WHERE user_id = ?").get(userId) !== undefined ||
    db.prepare("SELECT 1 FROM emailverification_verified_emails WHERE user_id = ? LIMIT 1").get(userId) !== undefined
  );
}

export const multitenancyRoutes: Route[] = [
  { path: "/recipe/multitenancy/tenant/list/v2", handlers: { GET: listTenants } },
  { path: "/recipe/multitenancy/tenant/v2", handlers: { GET: getTenant, PUT: createOrUpdateTenant } },
  { path: "/recipe/multitenancy/tenant/remove", handlers: { POST: removeTenant } },
  { path: "/recipe/multitenancy/tenant/user", handlers: { POST: associateUser } },
  { path: "/recipe/multitenancy/tenant/user/remove", handlers: { POST: disassociateUser } },
  { path: "/recipe/multitenancy/config/thirdparty", handlers: { PUT: upsertThirdPartyConfig } },
  { path: "/recipe/multitenancy/config/thirdparty/remove", handlers: { POST: removeThirdPartyConfig } },
];
