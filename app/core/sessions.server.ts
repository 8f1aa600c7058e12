/**
 * Typed session calls. Every write to session data in the whole app ends in `updateSessionData`
 * below, called only from the conflict-checked write in app/sessions.
 */
import { callCore } from "./problems.server";
import { ensureSupertokens, Session } from "./sdk.server";

export interface SessionInfo {
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  timeCreated: number;
  /** When the session (its refresh token) expires — not the access token. */
  expiry: number;
  sessionDataInDatabase: Record<string, unknown>;
  accessTokenPayload: Record<string, unknown>;
}

/** Handles of the user's live sessions across every tenant and linked account (expired ones are never listed). */
export async function getSessionHandles(userId: string, tenantId?: string): Promise<string[]> {
  ensureSupertokens();
  return callCore(() => (tenantId ? Session.getAllSessionHandlesForUser(userId, true, tenantId) : Session.getAllSessionHandlesForUser(userId)));
}

/** `undefined` when the session ended or expired. */
export async function getSessionInfo(sessionHandle: string): Promise<SessionInfo | undefined> {
  ensureSupertokens();
  const info = await callCore(() => Session.getSessionInformation(sessionHandle));
  if (!info) return undefined;
  return {
    sessionHandle: info.sessionHandle,
    userId: info.userId,
    recipeUserId: info.recipeUserId.getAsString(),
    tenantId: info.tenantId,
    timeCreated: info.timeCreated,
    expiry: info.expiry,
    sessionDataInDatabase: (info.sessionDataInDatabase ?? {}) as Record<string, unknown>,
    accessTokenPayload: (info.customClaimsInAccessTokenPayload ?? {}) as Record<string, unknown>,
  };
}

/**
 * The core replaces the whole object, with no version check; callers must have re-read and compared
 * first (see app/sessions/write.server.ts). Returns false when the session ended or expired.
 */
export async function updateSessionData(sessionHandle: string, data: Record<string, unknown>): Promise<boolean> {
  ensureSupertokens();
  return callCore(() => Session.updateSessionDataInDatabase(sessionHandle, data));
}

/** True when the session existed and was revoked. */
export async function revokeSessionByHandle(sessionHandle: string): Promise<boolean> {
  ensureSupertokens();
  return callCore(() => Session.revokeSession(sessionHandle));
}

/** Revokes every live session of the user across tenants and linked accounts; returns the revoked handles. */
export async function revokeAllSessionsOfUser(userId: string): Promise<string[]> {
  ensureSupertokens();
  return callCore(() => Session.revokeAllSessionsForUser(userId));
}
