/**
 * Talking to a test stack the way a browser does: real form POSTs with an Origin header, cookies by
 * hand, redirects not followed (tests look at them).
 */
import type { StaffRole } from "../../app/staff/roles";
import { createStaff, type TestStack, type TestStaff } from "./stack";

export interface RequestOptions {
  cookie?: string;
  /** The Origin header: default the target's own origin; `null` sends none. */
  origin?: string | null;
  referer?: string;
  /** Sent as X-Forwarded-For (trusted from loopback): lets a test act from another client address. */
  clientAddress?: string;
  headers?: Record<string, string>;
}

function headersFor(url: string, options: RequestOptions, method: string): Headers {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  if (method !== "GET" && method !== "HEAD") {
    const origin = options.origin === undefined ? new URL(url).origin : options.origin;
    if (origin !== null) headers.set("Origin", origin);
  }
  if (options.referer) headers.set("Referer", options.referer);
  if (options.clientAddress) headers.set("X-Forwarded-For", options.clientAddress);
  return headers;
}

/** A form POST (application/x-www-form-urlencoded), as a <form method="post"> sends it. */
export function postForm(url: string, fields: Record<string, string>, options: RequestOptions = {}): Promise<Response> {
  const headers = headersFor(url, options, "POST");
  headers.set("Content-Type", "application/x-www-form-urlencoded");
  return fetch(url, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

export function getPage(url: string, options: RequestOptions = {}): Promise<Response> {
  return fetch(url, { method: "GET", headers: headersFor(url, options, "GET"), redirect: "manual" });
}

/** Any method, for the route matrix. */
export function send(method: string, url: string, fields: Record<string, string> | undefined, options: RequestOptions = {}): Promise<Response> {
  return method === "GET" ? getPage(url, options) : method === "POST" ? postForm(url, fields ?? {}, options) : fetch(url, { method, headers: headersFor(url, options, method), redirect: "manual" });
}

/** The `name=value` pairs of a response's Set-Cookie headers, for the next request's Cookie header. */
export function cookiesFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** Signs in through the real /login form and returns the Cookie header of the new staff session. */
export async function signInAs(stack: Pick<TestStack, "url">, credentials: { email: string; password: string }, options: RequestOptions = {}): Promise<string> {
  const response = await postForm(`${stack.url}/login`, { email: credentials.email, password: credentials.password, redirectTo: "/" }, options);
  if (response.status !== 302) throw new Error(`sign-in of ${credentials.email} failed: HTTP ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("sd_staff="));
  if (!cookie) throw new Error(`sign-in of ${credentials.email} set no staff cookie`);
  return cookie.split(";")[0]!;
}

/** Makes a new account with `role` and signs it in; returns the Cookie header. */
export async function signIn(stack: TestStack, role: StaffRole): Promise<string> {
  return (await signInNew(stack, role)).cookie;
}

/** Like signIn, also returning the account (email, password, id). */
export async function signInNew(stack: TestStack, role: StaffRole): Promise<{ cookie: string; staff: TestStaff }> {
  const staff = await createStaff(role);
  return { cookie: await signInAs(stack, staff), staff };
}
