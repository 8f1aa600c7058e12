// Account linking: primary-user creation, linking and unlinking, with the core's conflict checks
// (one primary user per email / phone / third-party identity within a tenant).
// Creating a primary user and linking need the account_linking feature (licence.ts): an unlicensed
// core answers 402 once the ids are known; the "check" endpoints and unlinking need no licence.

import type { Route, RequestContext } from "../context.js";
import { badRequest, ok } from "../http.js";
import { reqQuery, reqString } from "../input.js";
import type { DB } from "../store.js";
import { requireAccountLinking } from "../licence.js";
import { getUserById, loginMethod, loginMethodsInTenant, loginMethodsOf, tenantsOf, type UserJson } from "../users.js";

type Conflict = { status: string; primaryUserId: string; description: string };

/**
 * Another primary user (≠ allowedPrimaryId) that shares the recipe user's email, phone or
 * third-party identity in one of its tenants.
 */
function accountInfoConflict(db: DB, recipeUserId: string, allowedPrimaryId: string | undefined): Conflict | undefined {
  const lm = loginMethod(db, recipeUserId);
  if (!lm) return undefined;
  const checks: Array<{ where: string; params: unknown[]; description: string }> = [];
  if (lm.email !== null) {
    checks.push({ where: "l.email = ?", params: [lm.email], description: "This user's email is already associated with another user ID" });
  }
  if (lm.phone_number !== null) {
    checks.push({
      where: "l.phone_number = ?",
      params: [lm.phone_number],
      description: "This user's phone number is already associated with another user ID",
    });
  }
  if (lm.third_party_id !== null) {
    checks.push({
      where: "l.third_party_id = ? AND l.third_party_user_id = ?",
      params: [lm.third_party_id, lm.third_party_user_id],
      description: "This user's third party login is already associated with another user ID",
    });
  }
  for (const tenantId of tenantsOf(db, recipeUserId)) {
    for (const c of checks) {
      const rows = loginMethodsInTenant(db, tenantId, `${c.where} AND a.is_linked_or_is_a_primary_user = 1`, ...c.params);
      const other = rows.find((r) => r.primary_or_recipe_user_id !== allowedPrimaryId && r.primary_or_recipe_user_id !== recipeUserId);
      if (other) {
        return {
          status: "ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR",
          primaryUserId: other.primary_or_recipe_user_id,
          description: c.description,
        };
      }
    }
  }
  return undefined;
}

type PrimaryCheck = { ok: true; wasAlreadyAPrimaryUser: boolean } | { ok: false; reply: Conflict };

function checkCanCreatePrimary(db: DB, recipeUserId: string): PrimaryCheck {
  const user = getUserById(db, recipeUserId);
  if (!user) throw badRequest("Unknown user id");
  if (user.isPrimaryUser) {
    if (user.id === recipeUserId) return { ok: true, wasAlreadyAPrimaryUser: true };
    return {
      ok: false,
      reply: {
        status: "RECIPE_USER_ID_ALREADY_LINKED_WITH_PRIMARY_USER_ID_ERROR",
        primaryUserId: user.id,
        description: "This user ID is already linked to another user ID",
      },
    };
  }
  const conflict = accountInfoConflict(db, recipeUserId, undefined);
  if (conflict) return { ok: false, reply: conflict };
  return { ok: true, wasAlreadyAPrimaryUser: false };
}

function canCreatePrimary(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const r = checkCanCreatePrimary(ctx.db, reqQuery(ctx.query, "recipeUserId"));
  return ok(r.ok ? { status: "OK", wasAlreadyAPrimaryUser: r.wasAlreadyAPrimaryUser } : r.reply);
}

function createPrimary(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const recipeUserId = reqString(ctx.body(), "recipeUserId");
  const db = ctx.db;
  if (getUserById(db, recipeUserId) === undefined) throw badRequest("Unknown user ID provided");
  requireAccountLinking(ctx);
  const r = db.transaction(() => {
    const check = checkCanCreatePrimary(db, recipeUserId);
    if (check.ok && !check.wasAlreadyAPrimaryUser) {
      db.prepare("UPDATE app_id_to_user_id SET is_linked_or_is_a_primary_user = 1 WHERE user_id = ?").run(recipeUserId);
      db.prepare("UPDATE all_auth_recipe_users SET is_linked_or_is_a_primary_user = 1 WHERE user_id = ?").run(recipeUserId);
    }
    return check;
  })();
  if (!r.ok) return ok(r.reply);
  return ok({ status: "OK", user: getUserById(db, recipeUserId), wasAlreadyAPrimaryUser: r.wasAlreadyAPrimaryUser });
}

type LinkCheck =
  | { ok: true; accountsAlreadyLinked: boolean; primary: UserJson }
  | { ok: false; reply: Record<string, unknown> };

function checkCanLink(db: DB, recipeUserId: string, primaryUserId: string, includeUser: boolean): LinkCheck {
  const recipeUser = getUserById(db, recipeUserId);
  const primary = getUserById(db, primaryUserId);
  if (!recipeUser || !primary) throw badRequest("Unknown user ID provided");
  if (!primary.isPrimaryUser) return { ok: false, reply: { status: "INPUT_USER_IS_NOT_A_PRIMARY_USER" } };
  if (recipeUser.isPrimaryUser) {
    if (recipeUser.id === primary.id) return { ok: true, accountsAlreadyLinked: true, primary };
    return {
      ok: false,
      reply: {
        status: "RECIPE_USER_ID_ALREADY_LINKED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR",
        primaryUserId: recipeUser.id,
        description: "The input recipe user ID is already linked to another user ID",
        ...(includeUser ? { user: recipeUser } : {}),
      },
    };
  }
  const conflict = accountInfoConflict(db, recipeUserId, primary.id);
  if (conflict) return { ok: false, reply: conflict };
  return { ok: true, accountsAlreadyLinked: false, primary };
}

function canLink(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const r = checkCanLink(ctx.db, reqQuery(ctx.query, "recipeUserId"), reqQuery(ctx.query, "primaryUserId"), false);
  return ok(r.ok ? { status: "OK", accountsAlreadyLinked: r.accountsAlreadyLinked } : r.reply);
}

/** Point a recipe user at a primary id and keep the primary's time-joined = min over its methods. */
function relink(db: DB, recipeUserId: string, primaryId: string, linked: boolean): void {
  db.prepare("UPDATE app_id_to_user_id SET primary_or_recipe_user_id = ?, is_linked_or_is_a_primary_user = ? WHERE user_id = ?").run(
    primaryId,
    linked ? 1 : 0,
    recipeUserId,
  );
  db.prepare("UPDATE all_auth_recipe_users SET primary_or_recipe_user_id = ?, is_linked_or_is_a_primary_user = ? WHERE user_id = ?").run(
    primaryId,
    linked ? 1 : 0,
    recipeUserId,
  );
  refreshPrimaryTimeJoined(db, primaryId);
  if (recipeUserId !== primaryId) refreshPrimaryTimeJoined(db, recipeUserId);
}

function refreshPrimaryTimeJoined(db: DB, primaryId: string): void {
  const methods = loginMethodsOf(db, primaryId);
  if (methods.length === 0) return;
  const t = Math.min(...methods.map((m) => m.time_joined));
  db.prepare("UPDATE all_auth_recipe_users SET primary_or_recipe_user_time_joined = ? WHERE primary_or_recipe_user_id = ?").run(t, primaryId);
}

function link(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const recipeUserId = reqString(body, "recipeUserId");
  const primaryUserId = reqString(body, "primaryUserId");
  const db = ctx.db;
  if (getUserById(db, recipeUserId) === undefined || getUserById(db, primaryUserId) === undefined) {
    throw badRequest("Unknown user ID provided");
  }
  requireAccountLinking(ctx);
  const r = db.transaction(() => {
    const check = checkCanLink(db, recipeUserId, primaryUserId, true);
    if (check.ok && !check.accountsAlreadyLinked) relink(db, recipeUserId, check.primary.id, true);
    return check;
  })();
  if (!r.ok) return ok(r.reply);
  return ok({ status: "OK", accountsAlreadyLinked: r.accountsAlreadyLinked, user: getUserById(db, r.primary.id) });
}

function unlink(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const recipeUserId = reqString(ctx.body(), "recipeUserId");
  const db = ctx.db;
  const result = db.transaction(() => {
    const user = getUserById(db, recipeUserId);
    if (!user) throw badRequest("Unknown user ID provided");
    if (!user.isPrimaryUser) return { wasRecipeUserDeleted: false, wasLinked: false };
    if (user.loginMethods.length === 1) {
      // A primary user on its own just stops being primary.
      relink(db, recipeUserId, recipeUserId, false);
      return { wasRecipeUserDeleted: false, wasLinked: true };
    }
    if (user.id === recipeUserId) {
      // The primary's own login method cannot leave while others use its id: the core deletes it.
      db.prepare("DELETE FROM login_methods WHERE user_id = ?").run(recipeUserId);
      db.prepare("DELETE FROM app_id_to_user_id WHERE user_id = ?").run(recipeUserId);
      db.prepare("DELETE FROM all_auth_recipe_users WHERE user_id = ?").run(recipeUserId);
      db.prepare("DELETE FROM session_info WHERE user_id = ?").run(recipeUserId);
      refreshPrimaryTimeJoined(db, user.id);
      return { wasRecipeUserDeleted: true, wasLinked: true };
    }
    relink(db, recipeUserId, recipeUserId, false);
    db.prepare("DELETE FROM session_info WHERE user_id = ?").run(recipeUserId);
    return { wasRecipeUserDeleted: false, wasLinked: true };
  })();
  return ok({ status: "OK", ...result });
}

export const accountLinkingRoutes: Route[] = [
  { path: "/recipe/accountlinking/user/primary/check", handlers: { GET: canCreatePrimary } },
  { path: "/recipe/accountlinking/user/primary", handlers: { POST: createPrimary } },
  { path: "/recipe/accountlinking/user/link/check", handlers: { GET: canLink } },
  { path: "/recipe/accountlinking/user/link", handlers: { POST: link } },
  { path: "/recipe/accountlinking/user/unlink", handlers: { POST: unlink } },
];
