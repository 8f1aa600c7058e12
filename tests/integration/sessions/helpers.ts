/**
 * Using the session page over HTTP as the browser's Remix runtime does: loader data and action answers
 * as JSON (`?_data=<route id>`), redirects as 204 + X-Remix-Redirect, the toast from its cookie.
 */
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session/index.js";
import { expect } from "vitest";
import { postForm } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

/**
 * A dashboard on a fresh core, and this test process set up as "the app under support": the real SDK
 * initialised against the same core, as the app's own backend would be (the dashboard reuses it).
 */
export async function startStackAsApp(options: Parameters<typeof startTestStack>[0] = {}): Promise<TestStack> {
  const stack = await startTestStack(options);
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: stack.coreUrl },
    appInfo: { appName: "App under support", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000", apiBasePath: "/auth" },
    recipeList: [Session.init()],
  });
  return stack;
}

export const SESSION_ROUTE = "routes/users.$userId.sessions.$handle";
export const REVERT_ROUTE = "routes/audit.$entryId_.revert";

export const pageUrl = (stack: Pick<TestStack, "url">, userId: string, handle: string) =>
  `${stack.url}/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(handle)}`;

export interface EditPage {
  userId: string;
  handle: string;
  originalText: string;
  fingerprint: string;
  data: any;
}

export async function loadSessionPage(stack: Pick<TestStack, "url">, userId: string, handle: string, cookie: string): Promise<EditPage> {
  const response = await fetch(`${pageUrl(stack, userId, handle)}?_data=${encodeURIComponent(SESSION_ROUTE)}`, { headers: { Cookie: cookie } });
  expect(response.status, await response.clone().text()).toBe(200);
  const data = (await response.json()) as { originalText: string; fingerprint: string };
  return { userId, handle, originalText: data.originalText, fingerprint: data.fingerprint, data };
}

export interface ActionAnswer {
  status: number;
  /** The JSON answer (SessionEditAnswer, or { message } from the guard) when not a redirect. */
  body?: Record<string, unknown> & { kind?: string; error?: string };
  /** Where a redirect sends the browser. */
  redirect?: string;
  toast?: { kind: string; title: string; description?: string };
}

export async function postData(url: string, routeId: string, fields: Record<string, string>, cookie: string): Promise<ActionAnswer> {
  const response = await postForm(`${url}?_data=${encodeURIComponent(routeId)}`, fields, { cookie });
  const redirect = response.headers.get("X-Remix-Redirect");
  if (redirect) return { status: response.status, redirect, toast: readToast(response) };
  const text = await response.text();
  let body: ActionAnswer["body"];
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: text };
  }
  return { status: response.status, body };
}

/** Posts to the session page with the page's original and fingerprint unless `fields` overrides them. */
export function postEdit(stack: Pick<TestStack, "url">, page: EditPage, fields: Record<string, string>, cookie: string): Promise<ActionAnswer> {
  return postData(pageUrl(stack, page.userId, page.handle), SESSION_ROUTE, { original: page.originalText, fingerprint: page.fingerprint, ...fields }, cookie);
}

/** The toast an action left in its redirect (Remix's unsigned cookie: URI-encoded base64 of JSON). */
export function readToast(response: Response): ActionAnswer["toast"] {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith("sd_toast="));
  if (!line) return undefined;
  const value = decodeURIComponent(line.slice("sd_toast=".length).split(";")[0]!);
  return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
}
