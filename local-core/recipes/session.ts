// Session recipe (cdi-contract.md §3): create, verify (with promotion), refresh (rotation and
// theft detection), info, list handles, data and JWT payload updates, regenerate, remove.

import { randomUUID } from "node:crypto";
import type { CoreState, Route, RequestContext } from "../context.js";
import { DEFAULT_TENANT, tenantExists } from "../context.js";
import { badRequest, ok, tenantNotFound } from "../http.js";
import {
  arrayString,
  optArray,
  optBoolean,
  optObject,
  optString,
  reqBoolean,
  reqObject,
  reqQuery,
  reqString,
  type JsonObject,
} from "../input.js";
import {
  containsProtectedClaim,
  createAccessToken,
  createRefreshToken,
  decodeAccessTokenUnverified,
  decodeRefreshToken,
  InvalidRefreshToken,
  sha256Hex,
  TryRefreshToken,
  userClaimsOf,
  verifyAccessToken,
  type TokenInfo,
} from "../tokens.js";
import { getUserById, primaryIdOf } from "../users.js";
import { javaHashSetOrder } from "../java-order.js";
import { RawJson } from "../json.js";

interface SessionRow {
  session_handle: string;
  tenant_id: string;
  user_id: string;
  refresh_token_hash_2: string;
  session_data: string;
  expires_at: number;
  created_at_time: number;
  jwt_user_payload: string;
  use_static_key: number;
}

/**
 * Tenant of a handle: `handle.split("_")[1]` like Session.getTenantIdFromSessionHandle (Java's split
 * drops trailing empty parts), public when there is no suffix (§3.1).
 */
export function tenantOfHandle(handle: string): string {
  const parts = handle.split("_");
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts.length === 1 ? DEFAULT_TENANT : parts[1].trim().toLowerCase();
}

/** The core resolves the handle's tenant before touching storage: an unknown one is a 400. */
function requireHandleTenant(ctx: RequestContext, handle: string): string {
  const t = tenantOfHandle(handle);
  if (!tenantExists(ctx.state, ctx.appId, t)) throw tenantNotFound(ctx.appId, t);
  return t;
}

function getRow(state: CoreState, handle: string): SessionRow | undefined {
  return state.db.prepare("SELECT * FROM session_info WHERE session_handle = ?").get(handle) as SessionRow | undefined;
}

const primaryOrSelf = (state: CoreState, recipeUserId: string) => primaryIdOf(state.db, recipeUserId) ?? recipeUserId;

const sessionJson = (row: SessionRow, primary: string, jwtText: string) => ({
  handle: row.session_handle,
  userId: primary,
  recipeUserId: row.user_id,
  userDataInJWT: new RawJson(jwtText),
  tenantId: row.tenant_id,
});

async function signingKeyFor(state: CoreState, useStaticKey: boolean) {
  return useStaticKey ? state.keys.staticKey() : await state.keys.currentDynamicKey();
}

const newAntiCsrf = () => randomUUID();

// ---------------- create ----------------

async function createSession(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const body = ctx.body();
  const recipeUserId = reqString(body, "userId");
  const enableAntiCsrf = reqBoolean(body, "enableAntiCsrf");
  const userDataInJWT = reqObject(body, "userDataInJWT");
  const userDataInDatabase = reqObject(body, "userDataInDatabase");
  const useDynamicSigningKey = optBoolean(body, "useDynamicSigningKey") ?? true;
  if (containsProtectedClaim(userDataInJWT)) throw badRequest("The user payload contains protected field");
  void userDataInDatabase;
  const jwtText = ctx.rawField("userDataInJWT");
  const dataText = ctx.rawField("userDataInDatabase");

  const state = ctx.state;
  const now = ctx.now();
  const handle = tenantId === DEFAULT_TENANT ? randomUUID() : `${randomUUID()}_${tenantId}`;
  const antiCsrfToken = enableAntiCsrf ? newAntiCsrf() : undefined;
  const refresh = createRefreshToken(state.refreshKey, {
    sessionHandle: handle,
    userId: recipeUserId,
    antiCsrfToken,
    tenantId,
  });
  const refreshHash1 = sha256Hex(refresh.token);
  const expiresAt = now + state.config.refreshTokenValidityMs;
  state.db
    .prepare(
      `INSERT INTO session_info (session_handle, tenant_id, user_id, refresh_token_hash_2, session_data, expires_at, created_at_time, jwt_user_payload, use_static_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      handle,
      tenantId,
      recipeUserId,
      sha256Hex(refreshHash1),
      dataText,
      expiresAt,
      now,
      jwtText,
      useDynamicSigningKey ? 0 : 1,
    );
  const primary = primaryOrSelf(state, recipeUserId);
  const key = await signingKeyFor(state, !useDynamicSigningKey);
  const accessToken = createAccessToken(
    {
      sessionHandle: handle,
      userId: primary,
      recipeUserId,
      tenantId,
      refreshTokenHash1: refreshHash1,
      parentRefreshTokenHash1: null,
      antiCsrfToken: antiCsrfToken ?? null,
      userData: jwtText,
      now,
    },
    key,
    state.config.accessTokenValiditySeconds,
  );
  const row = getRow(state, handle)!;
  return ok({
    session: sessionJson(row, primary, jwtText),
    accessToken,
    refreshToken: { token: refresh.token, expiry: expiresAt, createdTime: now },
    ...(antiCsrfToken ? { antiCsrfToken } : {}),
    status: "OK",
  });
}

// ---------------- verify ----------------

function sameJson(a: unknown, b: unknown): boolean {
  // Order-insensitive deep equality, like Gson's JsonObject.equals.
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && sameJson(ao[k], bo[k]));
}

async function verifySession(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const accessToken = reqString(body, "accessToken");
  const antiCsrfToken = optString(body, "antiCsrfToken");
  const doAntiCsrfCheck = reqBoolean(body, "doAntiCsrfCheck");
  const enableAntiCsrf = reqBoolean(body, "enableAntiCsrf");
  const checkDatabase = reqBoolean(body, "checkDatabase");
  const state = ctx.state;
  const now = ctx.now();

  let info;
  try {
    info = verifyAccessToken(accessToken, state.keys, now, { checkExpiry: true });
    if (doAntiCsrfCheck && enableAntiCsrf && info.antiCsrfToken === null) {
      // The core's structure check fails first when the claim itself is missing.
      throw new TryRefreshToken("Access token does not contain all the information. Maybe the structure has changed?");
    }
  } catch (e) {
    if (e instanceof TryRefreshToken) return ok({ status: "TRY_REFRESH_TOKEN", message: e.message });
    throw e;
  }
  // Session.getSession resolves the token's tenant storage before it compares anti-CSRF tokens.
  if (!tenantExists(state, ctx.appId, info.tId)) throw tenantNotFound(ctx.appId, info.tId);
  if (doAntiCsrfCheck && enableAntiCsrf && (antiCsrfToken === undefined || antiCsrfToken !== info.antiCsrfToken)) {
    return ok({ status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" });
  }

  const tokenUserData = userClaimsOf(info.payload);
  const tokenUserDataText = new RawJson(info.userDataText);
  let row = getRow(state, info.sessionHandle);
  let payloadStale = false;
  if (checkDatabase) {
    if (!row) return ok({ status: "UNAUTHORISED", message: "Either the session has ended or has been blacklisted" });
    payloadStale = !sameJson(tokenUserData, JSON.parse(row.jwt_user_payload));
  }
  const sessionFromToken = {
    handle: info.sessionHandle,
    userId: info.sub,
    recipeUserId: info.rsub,
    userDataInJWT: tokenUserDataText,
    tenantId: info.tId,
  };
  if (info.parentRefreshTokenHash1 === null && !payloadStale) {
    return ok({ session: sessionFromToken, status: "OK" });
  }

  // Transaction part: promotion of a refresh-minted token and/or re-minting.
  row = getRow(state, info.sessionHandle);
  if (!row) return ok({ status: "UNAUTHORISED", message: "Session missing in db" });
  const promote =
    info.parentRefreshTokenHash1 !== null && row.refresh_token_hash_2 === sha256Hex(info.parentRefreshTokenHash1);
  if (promote) {
    state.db
      .prepare("UPDATE session_info SET refresh_token_hash_2 = ?, expires_at = ? WHERE session_handle = ?")
      .run(sha256Hex(info.refreshTokenHash1), now + state.config.refreshTokenValidityMs, row.session_handle);
    row = getRow(state, info.sessionHandle)!;
  }
  if (promote || row.refresh_token_hash_2 === sha256Hex(info.refreshTokenHash1) || payloadStale) {
    const stored = row.jwt_user_payload;
    const key = await signingKeyFor(state, row.use_static_key === 1);
    const newToken = createAccessToken(
      {
        sessionHandle: row.session_handle,
        userId: info.sub,
        recipeUserId: info.rsub,
        tenantId: row.tenant_id,
        refreshTokenHash1: info.refreshTokenHash1,
        parentRefreshTokenHash1: null,
        antiCsrfToken: info.antiCsrfToken,
        userData: stored,
        now,
      },
      key,
      state.config.accessTokenValiditySeconds,
    );
    return ok({
      session: { ...sessionFromToken, userDataInJWT: new RawJson(stored) },
      accessToken: newToken,
      status: "OK",
    });
  }
  return ok({ session: sessionFromToken, status: "OK" });
}

// ---------------- refresh ----------------

async function refreshSession(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const refreshToken = reqString(body, "refreshToken");
  const antiCsrfToken = optString(body, "antiCsrfToken");
  const enableAntiCsrf = reqBoolean(body, "enableAntiCsrf");
  const useDynamicSigningKey = reqBoolean(body, "useDynamicSigningKey");
  const state = ctx.state;

  let rt;
  try {
    rt = decodeRefreshToken(state.refreshKey, refreshToken);
  } catch (e) {
    if (e instanceof InvalidRefreshToken) return ok({ status: "UNAUTHORISED", message: e.message });
    throw e;
  }
  if (!tenantExists(state, ctx.appId, rt.tenantId)) throw tenantNotFound(ctx.appId, rt.tenantId);
  if (enableAntiCsrf && rt.antiCsrfToken !== undefined && rt.antiCsrfToken !== antiCsrfToken) {
    return ok({ status: "UNAUTHORISED", message: "Anti CSRF token missing, or not matching" });
  }
  // Fetch the signing key first (rotation may await); everything after runs synchronously, so no
  // other request can interleave between the checks and the writes (a transaction in effect).
  const key = await signingKeyFor(state, !useDynamicSigningKey);
  const now = ctx.now();

  let row = getRow(state, rt.sessionHandle);
  if (!row || row.expires_at < now) {
    return ok({ status: "UNAUTHORISED", message: "Session missing in db or has expired" });
  }
  const presentedHash1 = sha256Hex(refreshToken);
  const presentedHash2 = sha256Hex(presentedHash1);
  if (row.refresh_token_hash_2 !== presentedHash2) {
    // Not the current token: it may be the not-yet-promoted child of the current one.
    const isChildOfCurrent =
      rt.parentRefreshTokenHash1 !== undefined && row.refresh_token_hash_2 === sha256Hex(rt.parentRefreshTokenHash1);
    if (!isChildOfCurrent) {
      return ok({
        status: "TOKEN_THEFT_DETECTED",
        session: { handle: row.session_handle, userId: primaryOrSelf(state, row.user_id), recipeUserId: row.user_id },
      });
    }
    state.db
      .prepare("UPDATE session_info SET refresh_token_hash_2 = ?, expires_at = ? WHERE session_handle = ?")
      .run(presentedHash2, now + state.config.refreshTokenValidityMs, row.session_handle);
  }
  const useStatic = !useDynamicSigningKey;
  if ((row.use_static_key === 1) !== useStatic) {
    state.db
      .prepare("UPDATE session_info SET use_static_key = ? WHERE session_handle = ?")
      .run(useStatic ? 1 : 0, row.session_handle);
  }
  row = getRow(state, rt.sessionHandle)!;

  const newAnti = enableAntiCsrf ? newAntiCsrf() : undefined;
  const child = createRefreshToken(state.refreshKey, {
    sessionHandle: row.session_handle,
    userId: row.user_id,
    parentRefreshTokenHash1: presentedHash1,
    antiCsrfToken: newAnti,
    tenantId: row.tenant_id,
  });
  const stored = row.jwt_user_payload;
  const primary = primaryOrSelf(state, row.user_id);
  const accessToken: TokenInfo = createAccessToken(
    {
      sessionHandle: row.session_handle,
      userId: primary,
      recipeUserId: row.user_id,
      tenantId: row.tenant_id,
      refreshTokenHash1: sha256Hex(child.token),
      parentRefreshTokenHash1: presentedHash1,
      antiCsrfToken: newAnti ?? null,
      userData: stored,
      now,
    },
    key,
    state.config.accessTokenValiditySeconds,
  );
  return ok({
    session: sessionJson(row, primary, stored),
    accessToken,
    refreshToken: { token: child.token, expiry: now + state.config.refreshTokenValidityMs, createdTime: now },
    ...(newAnti ? { antiCsrfToken: newAnti } : {}),
    status: "OK",
  });
}

// ---------------- info / data / jwt payload ----------------

const SESSION_DOES_NOT_EXIST = { status: "UNAUTHORISED", message: "Session does not exist." };

function getSessionInfo(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const handle = reqQuery(ctx.query, "sessionHandle");
  requireHandleTenant(ctx, handle);
  const row = getRow(ctx.state, handle);
  if (!row || row.expires_at <= ctx.now()) return ok(SESSION_DOES_NOT_EXIST);
  return ok({
    sessionHandle: row.session_handle,
    userId: primaryOrSelf(ctx.state, row.user_id),
    recipeUserId: row.user_id,
    userDataInDatabase: new RawJson(row.session_data),
    expiry: row.expires_at,
    userDataInJWT: new RawJson(row.jwt_user_payload),
    timeCreated: row.created_at_time,
    status: "OK",
    tenantId: row.tenant_id,
  });
}

function updateSessionData(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const handle = reqString(body, "sessionHandle");
  reqObject(body, "userDataInDatabase");
  requireHandleTenant(ctx, handle);
  // Full overwrite, stored as the canonical text of what was sent.
  const res = ctx.db
    .prepare("UPDATE session_info SET session_data = ? WHERE session_handle = ? AND expires_at > ?")
    .run(ctx.rawField("userDataInDatabase"), handle, ctx.now());
  return ok(res.changes === 0 ? SESSION_DOES_NOT_EXIST : { status: "OK" });
}

/** Deprecated GET /recipe/session/data (not used by SDK 24, kept for completeness). */
function getSessionData(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const handle = reqQuery(ctx.query, "sessionHandle");
  requireHandleTenant(ctx, handle);
  const row = getRow(ctx.state, handle);
  if (!row || row.expires_at <= ctx.now()) return ok(SESSION_DOES_NOT_EXIST);
  return ok({ status: "OK", userDataInDatabase: new RawJson(row.session_data) });
}

function updateJwtData(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const handle = reqString(body, "sessionHandle");
  const data = reqObject(body, "userDataInJWT");
  requireHandleTenant(ctx, handle);
  if (containsProtectedClaim(data)) throw badRequest("The user payload contains protected field");
  const res = ctx.db
    .prepare("UPDATE session_info SET jwt_user_payload = ? WHERE session_handle = ? AND expires_at > ?")
    .run(ctx.rawField("userDataInJWT"), handle, ctx.now());
  return ok(res.changes === 0 ? SESSION_DOES_NOT_EXIST : { status: "OK" });
}

function getJwtData(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const handle = reqQuery(ctx.query, "sessionHandle");
  requireHandleTenant(ctx, handle);
  const row = getRow(ctx.state, handle);
  if (!row || row.expires_at <= ctx.now()) return ok(SESSION_DOES_NOT_EXIST);
  return ok({ status: "OK", userDataInJWT: new RawJson(row.jwt_user_payload) });
}

// ---------------- regenerate ----------------

async function regenerate(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const accessToken = reqString(body, "accessToken");
  const newPayload = optObject(body, "userDataInJWT");
  const state = ctx.state;
  let info;
  try {
    // Like the core: the token is parsed but not verified here (the SDK verified it already);
    // it may be expired.
    info = decodeAccessTokenUnverified(accessToken, ctx.now());
  } catch (e) {
    if (e instanceof TryRefreshToken) return ok({ status: "UNAUTHORISED", message: e.message });
    throw e;
  }
  if (!tenantExists(state, ctx.appId, info.tId)) throw tenantNotFound(ctx.appId, info.tId);
  // Fetch the key before the read-check-write below, which then runs without interleaving.
  const dynamicKey = await state.keys.currentDynamicKey();
  const now = ctx.now();
  const row = getRow(state, info.sessionHandle);
  if (!row || row.expires_at <= now) return ok(SESSION_DOES_NOT_EXIST);
  const payload = newPayload ?? (JSON.parse(row.jwt_user_payload) as JsonObject);
  if (containsProtectedClaim(payload)) throw badRequest("The user payload contains protected field");
  const payloadText = newPayload ? ctx.rawField("userDataInJWT") : row.jwt_user_payload;
  state.db
    .prepare("UPDATE session_info SET jwt_user_payload = ? WHERE session_handle = ?")
    .run(payloadText, row.session_handle);
  const session = {
    handle: info.sessionHandle,
    userId: info.sub,
    recipeUserId: info.rsub,
    userDataInJWT: new RawJson(payloadText),
    tenantId: info.tId,
  };
  // An expired token gets no replacement: the client has to refresh anyway.
  if (info.exp * 1000 < now) return ok({ session, status: "OK" });
  const key = row.use_static_key === 1 ? state.keys.staticKey() : dynamicKey;
  const token = createAccessToken(
    {
      sessionHandle: info.sessionHandle,
      userId: info.sub,
      recipeUserId: info.rsub,
      tenantId: info.tId,
      refreshTokenHash1: info.refreshTokenHash1,
      parentRefreshTokenHash1: info.parentRefreshTokenHash1,
      antiCsrfToken: info.antiCsrfToken,
      userData: payloadText,
      now,
      expiryMs: info.exp * 1000,
    },
    key,
    state.config.accessTokenValiditySeconds,
  );
  return ok({ session, accessToken: token, status: "OK" });
}

// ---------------- list / remove ----------------

/**
 * Recipe user ids whose sessions count as the user's (§3.4): the id itself plus, when asked, every
 * login method of the user it belongs to. A Java HashSet in the core, so its order is reproduced
 * (the handle list is built user by user).
 */
function sessionUserIds(state: CoreState, userId: string, linked: boolean): string[] {
  if (!linked) return [userId];
  const user = getUserById(state.db, userId);
  return javaHashSetOrder([userId, ...(user ? user.loginMethods.map((m) => m.recipeUserId) : [])]);
}

/**
 * Non-expired handles (expires_at >= now): per user id, then per tenant in the tenant list's order
 * (the core loops over Multitenancy.getAllTenantsForApp), then in insertion order.
 */
function liveHandles(state: CoreState, userIds: string[], tenantId: string | undefined, now: number): string[] {
  const stmt = state.db.prepare(
    `SELECT s.session_handle FROM session_info s LEFT JOIN tenants t ON t.tenant_id = s.tenant_id
     WHERE s.user_id = ? AND s.expires_at >= ?${tenantId ? " AND s.tenant_id = ?" : ""}
     ORDER BY t.rowid, s.tenant_id, s.rowid`,
  );
  const out: string[] = [];
  for (const id of userIds) {
    const rows = stmt.all(id, now, ...(tenantId ? [tenantId] : [])) as Array<{ session_handle: string }>;
    for (const r of rows) out.push(r.session_handle);
  }
  return out;
}

function listHandles(ctx: RequestContext) {
  const userId = reqQuery(ctx.query, "userId");
  const linked = (ctx.query.get("fetchSessionsForAllLinkedAccounts") ?? "true").toLowerCase() === "true";
  const acrossAll = (ctx.query.get("fetchAcrossAllTenants") ?? "true").toLowerCase() === "true";
  if (acrossAll) ctx.requirePublicTenant();
  else ctx.requireTenant();
  const ids = sessionUserIds(ctx.state, userId, linked);
  const handles = liveHandles(ctx.state, ids, acrossAll ? undefined : ctx.tenantId, ctx.now());
  return ok({ status: "OK", sessionHandles: handles });
}

function removeSessions(ctx: RequestContext) {
  const body = ctx.body();
  // Validation order of SessionRemoveAPI: userId, sessionHandles, exactly-one, then the flags.
  const userId = optString(body, "userId");
  const handlesRaw = optArray(body, "sessionHandles");
  const handles = handlesRaw?.map((h) => arrayString(h, "sessionHandles"));
  const given = (userId !== undefined ? 1 : 0) + (handles !== undefined ? 1 : 0);
  if (given !== 1) throw badRequest("Invalid JSON input - use one of userId or sessionHandles array");
  const acrossAllRaw = optBoolean(body, "revokeAcrossAllTenants");
  if (userId === undefined && acrossAllRaw !== undefined) {
    throw badRequest("Invalid JSON input - revokeAcrossAllTenants can only be set if userId is set");
  }
  const linkedRaw = optBoolean(body, "revokeSessionsForLinkedAccounts");
  if (userId === undefined && linkedRaw !== undefined) {
    throw badRequest("Invalid JSON input - revokeSessionsForLinkedAccounts can only be set if userId is set");
  }
  const state = ctx.state;

  if (userId !== undefined) {
    const acrossAll = acrossAllRaw ?? true;
    const linked = linkedRaw ?? true;
    if (acrossAll) ctx.requirePublicTenant();
    else ctx.requireTenant();
    const ids = sessionUserIds(state, userId, linked);
    const liveNow = liveHandles(state, ids, acrossAll ? undefined : ctx.tenantId, ctx.now());
    // Session.revokeSessionUsingSessionHandles skips a tenant removed meanwhile.
    return ok({ status: "OK", sessionHandlesRevoked: revokeHandles(ctx, liveNow, tenantOfHandle, "skip") });
  }

  ctx.requireTenant();
  // SessionRemoveAPI looks each group's tenant up as it reaches it: an unknown one is a 400, but
  // the groups before it have already been deleted (there is no transaction around the loop).
  return ok({ status: "OK", sessionHandlesRevoked: revokeHandles(ctx, handles!, handleSuffixOrNull, "fail") });
}

/**
 * Raw handle suffix, null when there is none: the key SessionRemoveAPI groups given handles by
 * (Session.getTenantIdFromSessionHandle), before any null-to-"public" mapping.
 */
function handleSuffixOrNull(handle: string): string | null {
  const parts = handle.split("_");
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts.length === 1 ? null : parts[1];
}

/**
 * Session.revokeSessionUsingSessionHandles: handles are grouped per tenant (a Java HashMap, whose
 * key order we reproduce) and deleted regardless of expiry; the result lists those that existed.
 * `groupKey` is the HashMap key: revoking by userId groups by tenant id ("public" for unsuffixed
 * handles), revoking given handles groups by the raw suffix, so unsuffixed (public) handles share
 * the null key and come first.
 *
 * Each group is deleted on its own, as in the core, so a group whose tenant does not exist either
 * ends the request with the 400 after the earlier groups are gone ("fail", SessionRemoveAPI with
 * sessionHandles) or is left out ("skip", revoking a user's sessions).
 */
function revokeHandles(
  ctx: RequestContext,
  handles: string[],
  groupKey: (handle: string) => string | null,
  unknownTenant: "fail" | "skip",
): string[] {
  const groups = new Map<string | null, string[]>();
  for (const h of handles) {
    const t = groupKey(h);
    if (!groups.has(t)) groups.set(t, []);
    groups.get(t)!.push(h);
  }
  const db = ctx.db;
  const exists = db.prepare("SELECT 1 FROM session_info WHERE session_handle = ?");
  const del = db.prepare("DELETE FROM session_info WHERE session_handle = ?");
  const deleteGroup = db.transaction((group: string[]) => {
    const existed = new Set(group.filter((h) => exists.get(h) !== undefined));
    for (const h of group) del.run(h);
    return group.filter((h) => existed.has(h));
  });
  const out: string[] = [];
  for (const key of javaHashSetOrder(groups.keys())) {
    const group = groups.get(key)!;
    const tenantId = tenantOfHandle(group[0]);
    if (!tenantExists(ctx.state, ctx.appId, tenantId)) {
      if (unknownTenant === "fail") throw tenantNotFound(ctx.appId, tenantId);
      continue;
    }
    out.push(...deleteGroup(group));
  }
  return out;
}

export const sessionRoutes: Route[] = [
  { path: "/recipe/session", handlers: { POST: createSession, GET: getSessionInfo } },
  { path: "/recipe/session/verify", handlers: { POST: verifySession } },
  { path: "/recipe/session/refresh", handlers: { POST: refreshSession } },
  { path: "/recipe/session/user", handlers: { GET: listHandles } },
  { path: "/recipe/session/data", handlers: { PUT: updateSessionData, GET: getSessionData } },
  { path: "/recipe/jwt/data", handlers: { PUT: updateJwtData, GET: getJwtData } },
  { path: "/recipe/session/regenerate", handlers: { POST: regenerate } },
  { path: "/recipe/session/remove", handlers: { POST: removeSessions } },
];
