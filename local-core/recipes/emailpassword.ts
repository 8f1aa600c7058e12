// EmailPassword sign-up / sign-in (cdi-contract.md §5), used by the seed and by tests, and the
// email/password update (`PUT /recipe/user`) SuperTokens' own dashboard uses to edit a user.

import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import type { Route, RequestContext } from "../context.js";
import { badRequest, ok, textReply } from "../http.js";
import { optString, reqString } from "../input.js";
import {
  buildUser,
  createRecipeUser,
  getUserById,
  loginMethodsInTenant,
  normaliseEmail,
  tenantsOf,
} from "../users.js";
import type { DB } from "../store.js";

// The core uses bcrypt/argon2; any salted hash will do here. Low scrypt cost keeps seeding fast.
const SCRYPT = { N: 1024, r: 8, p: 1 };

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, SCRYPT);
  return `scrypt$${salt.toString("base64")}$${hash.toString("base64")}`;
}

function checkPassword(password: string, stored: string | null): boolean {
  if (!stored) return false;
  const [, salt, hash] = stored.split("$");
  const expected = Buffer.from(hash, "base64");
  const actual = scryptSync(password, Buffer.from(salt, "base64"), expected.length, SCRYPT);
  return timingSafeEqual(expected, actual);
}

function signUp(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const body = ctx.body();
  const email = normaliseEmail(reqString(body, "email"));
  const password = reqString(body, "password");
  if (password === "") throw badRequest("Password cannot be an empty string");
  const db = ctx.db;
  const result = db.transaction(() => {
    const existing = loginMethodsInTenant(db, tenantId, "l.recipe_id = 'emailpassword' AND l.email = ?", email);
    if (existing.length > 0) return undefined;
    return createRecipeUser(db, {
      recipeId: "emailpassword",
      tenantId,
      email,
      passwordHash: hashPassword(password),
      timeJoined: ctx.now(),
    });
  })();
  if (result === undefined) return ok({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
  return ok({ status: "OK", user: buildUser(db, result), recipeUserId: result });
}

function signIn(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const body = ctx.body();
  const email = normaliseEmail(reqString(body, "email"));
  const password = reqString(body, "password");
  const db = ctx.db;
  const [lm] = loginMethodsInTenant(db, tenantId, "l.recipe_id = 'emailpassword' AND l.email = ?", email);
  if (!lm || !checkPassword(password, lm.password_hash)) return ok({ status: "WRONG_CREDENTIALS_ERROR" });
  return ok({ status: "OK", user: buildUser(db, lm.primary_or_recipe_user_id), recipeUserId: lm.user_id });
}

type UpdateOutcome = "OK" | "UNKNOWN_USER_ID_ERROR" | "EMAIL_CHANGE_NOT_ALLOWED_ERROR" | "EMAIL_ALREADY_EXISTS_ERROR";

/**
 * EmailPassword.updateUsersEmailOrPassword of core 11.4, in its order, in one transaction:
 * 1. the id must be an email-password login method (a primary id whose own method is another recipe,
 *    or an unknown id, is UNKNOWN_USER_ID_ERROR);
 * 2. only if the user (the primary user holding that method) is a primary user: another primary user
 *    with the new email in any recipe, sharing one of the user's tenants, forbids the change;
 * 3. another email-password user with the new email in one of this method's tenants is a duplicate
 *    (the core's unique (tenant, email) key on emailpassword_user_to_tenant);
 * then the email and/or the password hash are written. Email verification is left as it is.
 */
function updateEmailOrPassword(db: DB, recipeUserId: string, email: string | undefined, password: string | undefined): UpdateOutcome {
  const user = getUserById(db, recipeUserId);
  const method = user?.loginMethods.find((m) => m.recipeId === "emailpassword" && m.recipeUserId === recipeUserId);
  if (!user || !method) return "UNKNOWN_USER_ID_ERROR";
  if (email !== undefined) {
    if (user.isPrimaryUser) {
      for (const tenantId of user.tenantIds) {
        const holders = db
          .prepare(
            `SELECT DISTINCT a.primary_or_recipe_user_id AS id FROM login_methods l
             JOIN app_id_to_user_id a ON a.user_id = l.user_id WHERE l.email = ?`,
          )
          .all(email) as Array<{ id: string }>;
        for (const { id } of holders) {
          const other = buildUser(db, id);
          if (other && other.isPrimaryUser && other.id !== user.id && other.tenantIds.includes(tenantId)) {
            return "EMAIL_CHANGE_NOT_ALLOWED_ERROR";
          }
        }
      }
    }
    for (const tenantId of tenantsOf(db, recipeUserId)) {
      const sameEmail = loginMethodsInTenant(db, tenantId, "l.recipe_id = 'emailpassword' AND l.email = ?", email);
      if (sameEmail.some((m) => m.user_id !== recipeUserId)) return "EMAIL_ALREADY_EXISTS_ERROR";
    }
    db.prepare("UPDATE login_methods SET email = ? WHERE user_id = ?").run(email, recipeUserId);
  }
  if (password !== undefined) {
    db.prepare("UPDATE login_methods SET password_hash = ? WHERE user_id = ?").run(hashPassword(password), recipeUserId);
  }
  return "OK";
}

/**
 * `PUT /recipe/user` is shared by three recipes; the core's RecipeRouter picks one by the `rid`
 * header and falls back to email-password. Third party has no PUT (405); the passwordless update
 * (email / phone of a passwordless user) is not implemented here and says so.
 */
function updateUser(ctx: RequestContext) {
  const rid = ctx.headers.rid;
  if (rid === "thirdparty") return textReply(405, "Method not supported");
  if (rid === "passwordless") {
    return textReply(500, "java.lang.UnsupportedOperationException: the local core does not implement the passwordless PUT /recipe/user");
  }
  const body = ctx.body();
  const recipeUserId = reqString(body, "recipeUserId");
  const rawEmail = optString(body, "email");
  const password = optString(body, "password");
  if (rawEmail === undefined && password === undefined) throw badRequest("You have to provide either email or password.");
  // App-specific API: the public tenant only (403 otherwise).
  ctx.requirePublicTenant();
  const email = rawEmail === undefined ? undefined : normaliseEmail(rawEmail);
  const db = ctx.db;
  const outcome = db.transaction(() => updateEmailOrPassword(db, recipeUserId, email, password))();
  if (outcome === "EMAIL_CHANGE_NOT_ALLOWED_ERROR") {
    return ok({ status: outcome, reason: "New email is associated with another primary user ID" });
  }
  return ok({ status: outcome });
}

export const emailPasswordRoutes: Route[] = [
  { path: "/recipe/signup", handlers: { POST: signUp } },
  { path: "/recipe/signin", handlers: { POST: signIn } },
  { path: "/recipe/user", handlers: { PUT: updateUser } },
];
