/**
 * A fresh in-memory local core and the real SDK initialised against it, for tests of the dashboard's
 * server modules. The test initialises the SDK first, with every recipe it needs to make fixtures;
 * the dashboard's own init then finds it initialised and reuses it (same connection URI).
 */
import SuperTokens from "supertokens-node";
import AccountLinking from "supertokens-node/recipe/accountlinking/index.js";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Multitenancy from "supertokens-node/recipe/multitenancy/index.js";
import Passwordless from "supertokens-node/recipe/passwordless/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import ThirdParty from "supertokens-node/recipe/thirdparty/index.js";
import UserMetadata from "supertokens-node/recipe/usermetadata/index.js";
import { startLocalCore, type LocalCore } from "../../../local-core/index";

export { AccountLinking, EmailPassword, Multitenancy, Passwordless, Session, SuperTokens, ThirdParty, UserMetadata };

export async function startCoreWithSdk(options: { apiKey?: string } = {}): Promise<LocalCore> {
  const core = await startLocalCore({ apiKey: options.apiKey });
  process.env.SUPERTOKENS_CONNECTION_URI = core.url;
  if (options.apiKey) process.env.SUPERTOKENS_API_KEY = options.apiKey;
  process.env.SESSION_DESK_BUNDLED_CORE = "true";
  process.env.NODE_ENV = "test";
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: core.url, apiKey: options.apiKey },
    appInfo: { appName: "Session Desk tests", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000", apiBasePath: "/auth" },
    recipeList: [
      Session.init(),
      EmailPassword.init(),
      ThirdParty.init(),
      Passwordless.init({ contactMethod: "EMAIL_OR_PHONE", flowType: "USER_INPUT_CODE" }),
      UserMetadata.init(),
      AccountLinking.init({ shouldDoAutomaticAccountLinking: async () => ({ shouldAutomaticallyLink: false }) }),
    ],
  });
  return core;
}

export async function createTenant(tenantId: string) {
  await Multitenancy.createOrUpdateTenant(tenantId, { firstFactors: ["emailpassword", "thirdparty", "otp-phone", "otp-email"] });
}

export async function signUp(email: string, tenantId = "public"): Promise<string> {
  const result = await EmailPassword.signUp(tenantId, email, "Passw0rd-test");
  if (result.status !== "OK") throw new Error(`sign-up of ${email} failed: ${result.status}`);
  return result.user.id;
}

export async function createSession(recipeUserId: string, data: Record<string, unknown>, tenantId = "public", payload: Record<string, unknown> = {}) {
  const session = await Session.createNewSessionWithoutRequestResponse(tenantId, SuperTokens.convertToRecipeUserId(recipeUserId), payload, data);
  return session.getHandle();
}
