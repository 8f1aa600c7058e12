/**
 * The seed's promise (issue 5, §5): what staff change in Session Desk is what the app reads.
 *
 * The app side is the real SDK in this process: it creates a session without a request/response,
 * verifies its access token, and reads sessionDataInDatabase through the session object. Staff then
 * change the data through the dashboard's own route over HTTP; the app's NEXT read through the very
 * same session object sees the change — no new token, no refresh needed.
 */
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session/index.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { type TestStack } from "../../helpers/stack";
import { loadSessionPage, postEdit, startStackAsApp } from "./helpers";

let stack: TestStack;

beforeAll(async () => {
  stack = await startStackAsApp();
});

afterAll(async () => {
  await stack?.stop();
});

it("the app's next getSessionDataFromDatabase sees what staff wrote through the dashboard", async () => {
  // The app signs a user in.
  const userId = "app-user-42";
  const created = await Session.createNewSessionWithoutRequestResponse("public", SuperTokens.convertToRecipeUserId(userId), { role: "member" }, { plan: "free", cart: ["book"] });
  const accessToken = created.getAllSessionTokensDangerously().accessToken;

  // A later request of the app: verify the token, read the database data.
  const session = await Session.getSessionWithoutRequestResponse(accessToken);
  expect(session.getUserId()).toBe(userId);
  expect(await session.getSessionDataFromDatabase()).toEqual({ plan: "free", cart: ["book"] });

  // Support staff upgrade the plan through Session Desk's own page and action.
  const editor = await signIn(stack, "editor");
  const page = await loadSessionPage(stack, userId, session.getHandle(), editor);
  const edited = JSON.parse(page.originalText) as Record<string, unknown>;
  edited.plan = "pro";
  edited.upgradedBy = "support";
  const answer = await postEdit(stack, page, { intent: "write", text: JSON.stringify(edited), reason: "Ticket #1: upgrade" }, editor);
  expect(answer.redirect).toBe(`/users/${userId}/sessions/${session.getHandle()}`);
  expect(answer.toast?.title).toBe("Session data updated — 2 changes");

  // The app's next read, on the same session object, sees it.
  expect(await session.getSessionDataFromDatabase()).toEqual({ plan: "pro", cart: ["book"], upgradedBy: "support" });
  // And a fresh verification of the same, unrefreshed token reads the same data.
  const again = await Session.getSessionWithoutRequestResponse(accessToken);
  expect(await again.getSessionDataFromDatabase()).toEqual({ plan: "pro", cart: ["book"], upgradedBy: "support" });
  // Token claims are a different thing and did not change.
  expect(again.getAccessTokenPayload().role).toBe("member");
});
