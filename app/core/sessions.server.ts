/**
 * Typed session calls. Every write to session data in the whole app ends in `updateSessionData`
 * below, called only from the conflict-checked write in app/sessions.
 */
import pLimit from "p-limit";
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

/** Live sessions of each user (handles only, one core call per user, `concurrency` at a time). */
export async function countSessionsOfUsers(userIds: string[], concurrency = 8): Promise<Record<string, number>> {
  ensureSupertokens();
  const limit = pLimit(Math.max(1, concurrency));
  const counts = await callCore(() => Promise.all(userIds.map((userId) => limit(async () => [userId, (await Session.getAllSessionHandlesForUser(userId)).length] as const))));
  return Object.fromEntries(counts);
}

/** `undefined` when the session ended or expired. */
export async function getSessionInfo(sessionHandle: string): Promise<SessionInfo | undefined> {
  ensureSupertokens();
  return toSessionInfo(await callCore(() => Session.getSessionInformation(sessionHandle)));
}

/**
 * Reads many sessions, at most `concurrency` at a time; `undefined` for each one that ended. One
 * outage check around the lot rather than one per read: with a thousand reads in flight, the
 * per-call wrapping is a measurable share of the time.
 */
export async function getSessionInfos(sessionHandles: string[], concurrency: number): Promise<(SessionInfo | undefined)[]> {
  ensureSupertokens();
  const limit = pLimit(Math.max(1, concurrency));
  return callCore(() => Promise.all(sessionHandles.map((handle) => limit(() => Session.getSessionInformation(handle).then(toSessionInfo)))));
}

type SdkSessionInformation = Awaited<ReturnType<typeof Session.getSessionInformation>>;

function toSessionInfo(info: SdkSessionInformation): SessionInfo | undefined {
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
