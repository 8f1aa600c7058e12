// EmailPassword sign-up / sign-in (cdi-contract.md §5), used by the seed and by tests.

import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import type { Route, RequestContext } from "../context.js";
import { badRequest, ok } from "../http.js";
import { reqString } from "../input.js";
import { buildUser, createRecipeUser, loginMethodsInTenant, normaliseEmail } from "../users.js";

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

export const emailPasswordRoutes: Route[] = [
  { path: "/recipe/signup", handlers: { POST: signUp } },
  { path: "/recipe/signin", handlers: { POST: signIn } },
];
