/**
 * The guard: the first line of every loader and action.
 *
 *   const staff = await requireStaff(request, "editor");
 *
 * - a non-GET from a foreign origin (or with neither Origin nor Referer) → 403, nothing done
 * - no staff session: a page GET → redirect to /login?redirectTo=<this page>; anything else → 401
 * - a role below `minimumRole` → 403
 */
import { json, redirect } from "@remix-run/node";
import { assertSameOrigin, isReadRequest, isServedOverHttps } from "./origin.server";
import { hasRole, type StaffRole, type StaffUser } from "./roles";
import { clearStaffCookie, lookUpStaffSession } from "./session.server";

export type { StaffRole, StaffUser } from "./roles";

export async function requireStaff(request: Request, minimumRole: StaffRole): Promise<StaffUser> {
  assertSameOrigin(request);
  const session = await lookUpStaffSession(request);
  if (session.status !== "signed-in") {
    const headers = session.status === "expired" ? { "Set-Cookie": await clearStaffCookie(isServedOverHttps(request)) } : undefined;
    if (isReadRequest(request)) {
      const params = new URLSearchParams({ redirectTo: returnPathFor(request) });
      if (session.status === "expired") params.set("expired", "1");
      throw redirect(`/login?${params}`, { headers });
    }
    throw json({ message: "Your staff session has ended. Sign in again; nothing was changed." }, { status: 401, headers });
  }
  if (!hasRole(session.staff.role, minimumRole)) {
    throw json(
      { message: `This needs the ${minimumRole} role; you are signed in as ${session.staff.role}. Nothing was changed.` },
      { status: 403 },
    );
  }
  return session.staff;
}

/** The signed-in staff member, or null (the root loader: the login page renders without one). */
export async function getOptionalStaff(request: Request): Promise<StaffUser | null> {
  const session = await lookUpStaffSession(request);
  return session.status === "signed-in" ? session.staff : null;
}

/** Where to come back to after signing in: this request's own path, without Remix's `_data` parameter. */
function returnPathFor(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete("_data");
  return safeRedirectPath(`${url.pathname}${url.search}`);
}

/**
 * Only a path on this site: "/users?q=a" passes; "//evil.example", "/\\evil.example", "https://…" and
 * anything odd become "/". Used for `redirectTo` in both directions.
 */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(value)) return fallback;
  // Parsing against a dummy origin catches anything that would leave it (e.g. encoded tricks).
  const parsed = new URL(value, "http://session-desk.invalid");
  if (parsed.origin !== "http://session-desk.invalid") return fallback;
  if (parsed.pathname.startsWith("/login") || parsed.pathname.startsWith("/logout")) return fallback;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
