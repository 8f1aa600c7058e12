/**
 * The browser tests play the app whose sessions staff look at: they create users and sessions with the
 * real SDK against the same core the dashboard under test uses. One set-up for all of them.
 */
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import Session from "supertokens-node/recipe/session/index.js";
import { inject } from "vitest";

export function initAppSdk(coreUrl: string, appName = "e2e"): void {
  SuperTokens.init({
    framework: "custom",
    // The bundled core requires its API key (kept in the data folder; global-setup provides it).
    supertokens: { connectionURI: coreUrl, apiKey: inject("coreApiKey") || undefined },
    appInfo: { appName, apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [Session.init(), EmailPassword.init()],
  });
}
