// ThirdParty sign-in/up (`ThirdParty.manuallyCreateOrUpdateUser` → POST /<t>/recipe/signinup).
// A (thirdPartyId, thirdPartyUserId) pair is unique per tenant; signing in again with another email
// updates the stored email.

import type { Route, RequestContext } from "../context.js";
import { ok } from "../http.js";
import { optBoolean, reqObject, reqString } from "../input.js";
import {
  buildUser,
  createRecipeUser,
  loginMethodsInTenant,
  markEmailVerified,
  normaliseEmail,
  getUserById,
} from "../users.js";

function signInUp(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const body = ctx.body();
  const thirdPartyId = reqString(body, "thirdPartyId");
  const thirdPartyUserId = reqString(body, "thirdPartyUserId");
  const emailObj = reqObject(body, "email");
  const email = normaliseEmail(reqString(emailObj, "id"));
  // Optional at CDI >= 4.0; when true the core records the email as verified.
  const isVerified = optBoolean(emailObj, "isVerified") ?? false;
  const db = ctx.db;

  const outcome = db.transaction(() => {
    const [existing] = loginMethodsInTenant(
      db,
      tenantId,
      "l.recipe_id = 'thirdparty' AND l.third_party_id = ? AND l.third_party_user_id = ?",
      thirdPartyId,
      thirdPartyUserId,
    );
    if (existing) {
      if (existing.email !== email) {
        // A linked/primary user may not take an email another primary user of the tenant has.
        if (existing.is_linked_or_is_a_primary_user === 1) {
          const clash = loginMethodsInTenant(db, tenantId, "l.email = ? AND a.is_linked_or_is_a_primary_user = 1 AND a.primary_or_recipe_user_id <> ?", email, existing.primary_or_recipe_user_id);
          if (clash.length > 0) return { status: "EMAIL_CHANGE_NOT_ALLOWED_ERROR" as const };
        }
        db.prepare("UPDATE login_methods SET email = ? WHERE user_id = ?").run(email, existing.user_id);
      }
      if (isVerified) markEmailVerified(db, existing.user_id, email);
      return { status: "OK" as const, createdNewUser: false, recipeUserId: existing.user_id };
    }
    const id = createRecipeUser(db, {
      recipeId: "thirdparty",
      tenantId,
      email,
      thirdPartyId,
      thirdPartyUserId,
      timeJoined: ctx.now(),
    });
    if (isVerified) markEmailVerified(db, id, email);
    return { status: "OK" as const, createdNewUser: true, recipeUserId: id };
  })();

  if (outcome.status !== "OK") {
    return ok({ status: outcome.status, reason: "Email already associated with another primary user." });
  }
  return ok({
    status: "OK",
    createdNewUser: outcome.createdNewUser,
    user: getUserById(db, outcome.recipeUserId) ?? buildUser(db, outcome.recipeUserId),
    recipeUserId: outcome.recipeUserId,
  });
}

export const thirdPartyRoutes: Route[] = [{ path: "/recipe/signinup", handlers: { POST: signInUp } }];
