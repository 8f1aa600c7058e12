// Paid ("EE") features and what a core without them answers. A real core reads its enabled features
// from its licence key (FeatureFlag.getEnabledFeatures); the local core is either licensed for the two
// features its demo data needs (multi-tenancy and account linking) or, with `unlicensed`, for none.
// Messages and statuses are those of core 11.4: FeatureNotEnabledException becomes a 402 whose text
// body is the exception's message (WebserverAPI.service).

import type { RequestContext } from "./context.js";
import { CoreHttpError } from "./http.js";

/** EE_FEATURES names as the core spells them (`GET /ee/featureflag`). */
export type EeFeature = "account_linking" | "multi_tenancy";

export const LICENSED_FEATURES: readonly EeFeature[] = ["account_linking", "multi_tenancy"];

/** `new FeatureNotEnabledException(EE_FEATURES.MULTI_TENANCY)`. */
export const MULTI_TENANCY_NOT_ENABLED =
  "Cannot use feature: multi_tenancy, because the license key is missing, or doesn't have this feature enabled.";

/** The message AuthRecipe.createPrimaryUser / linkAccounts throw when neither account_linking nor mfa is on. */
export const ACCOUNT_LINKING_NOT_ENABLED =
  "Account linking feature is not enabled for this app. Please contact support to enable it.";

export function hasFeature(ctx: RequestContext, feature: EeFeature): boolean {
  return ctx.state.features.includes(feature);
}

/** Creating/updating a tenant other than the base one, its third-party configs, (dis)associating users. */
export function requireMultiTenancy(ctx: RequestContext): void {
  if (!hasFeature(ctx, "multi_tenancy")) throw new CoreHttpError(402, MULTI_TENANCY_NOT_ENABLED);
}

/** Making a primary user and linking accounts (the "check" endpoints and unlinking are free). */
export function requireAccountLinking(ctx: RequestContext): void {
  if (!hasFeature(ctx, "account_linking")) throw new CoreHttpError(402, ACCOUNT_LINKING_NOT_ENABLED);
}
