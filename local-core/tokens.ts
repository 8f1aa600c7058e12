// Access tokens (RS256 JWT, version 5, cdi-contract.md §3.10) and opaque refresh tokens
// (`<AES-encrypted JSON>.<nonce>.V2`, §3.3). Claim and header order follow what the real core emits.

import { createHash, createCipheriv, createDecipheriv, randomBytes, randomUUID, sign, verify } from "node:crypto";
import type { KeyManager, SigningKey } from "./keys.js";
import type { JsonObject } from "./input.js";
import { nodeToJs, nodeToText, parseJsonNode, RawJson, toGsonText, type JNode } from "./json.js";

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");

/** Claims the core owns; a user payload containing any of them is rejected. */
export const PROTECTED_CLAIMS = [
  "sub",
  "exp",
  "iat",
  "sessionHandle",
  "refreshTokenHash1",
  "parentRefreshTokenHash1",
  "antiCsrfToken",
  "tId",
  "rsub",
] as const;

export function containsProtectedClaim(payload: JsonObject): boolean {
  return PROTECTED_CLAIMS.some((k) => Object.prototype.hasOwnProperty.call(payload, k));
}

/** The user part of a token payload: everything the core did not add. */
export function userClaimsOf(payload: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(payload)) {
    if (!(PROTECTED_CLAIMS as readonly string[]).includes(k)) out[k] = v;
  }
  return out;
}

export interface TokenInfo {
  token: string;
  expiry: number;
  createdTime: number;
}

export interface AccessTokenInput {
  sessionHandle: string;
  userId: string; // primary user id → sub
  recipeUserId: string; // → rsub
  tenantId: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  /** Canonical JSON text of the user payload object (flattened into the claims). */
  userData: string;
  now: number;
  /** Keep an existing expiry (regenerate); otherwise now + validity. */
  expiryMs?: number;
}

export function createAccessToken(input: AccessTokenInput, key: SigningKey, validitySeconds: number): TokenInfo {
  // The core floors both times to whole seconds, so expiry/createdTime end in 000 and match exp/iat.
  const iat = Math.floor(input.now / 1000);
  const exp = input.expiryMs !== undefined ? Math.floor(input.expiryMs / 1000) : iat + validitySeconds;
  const header = { kid: key.kid, typ: "JWT", version: "5", alg: "RS256" };
  const claims = toGsonText({
    iat,
    exp,
    sub: input.userId,
    tId: input.tenantId,
    rsub: input.recipeUserId,
    sessionHandle: input.sessionHandle,
    refreshTokenHash1: input.refreshTokenHash1,
    parentRefreshTokenHash1: new RawJson(input.parentRefreshTokenHash1 === null ? "null" : JSON.stringify(input.parentRefreshTokenHash1)),
    antiCsrfToken: new RawJson(input.antiCsrfToken === null ? "null" : JSON.stringify(input.antiCsrfToken)),
  });
  // The user payload is spliced in as text so its numbers and key order stay as stored.
  const user = input.userData.trim();
  const payload = user === "{}" ? claims : `${claims.slice(0, -1)},${user.slice(1)}`;
  const signingInput = `${b64url(toGsonText(header))}.${b64url(payload)}`;
  const signature = sign("sha256", Buffer.from(signingInput), key.privateKey);
  return { token: `${signingInput}.${b64url(signature)}`, expiry: exp * 1000, createdTime: iat * 1000 };
}

export class TryRefreshToken extends Error {}

export interface VerifiedAccessToken {
  payload: JsonObject;
  /** Canonical text of the non-protected claims (the core's `userData`). */
  userDataText: string;
  kid: string;
  version: string;
  sessionHandle: string;
  sub: string;
  rsub: string;
  tId: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  exp: number;
}

const jwtError = (msg: string) => new TryRefreshToken(`io.supertokens.session.jwt.JWT$JWTException: ${msg}`);

function decodeJsonPart(part: string): JsonObject {
  return nodeToJs(decodeNode(part)) as JsonObject;
}

function decodeNode(part: string): JNode {
  const node = parseJsonNode(Buffer.from(part, "base64url").toString("utf8"));
  if (node.t !== "obj") throw new Error("not an object");
  return node;
}

function userDataTextOf(payloadPart: string): string {
  const node = decodeNode(payloadPart) as Extract<JNode, { t: "obj" }>;
  return nodeToText({
    t: "obj",
    entries: node.entries.filter(([k]) => !(PROTECTED_CLAIMS as readonly string[]).includes(k)),
  });
}

/**
 * The core's verification of one of its own access tokens. Expiry is checked against the wall
 * clock plus the emulator's offset (`now`). Throws TryRefreshToken with a core-like message.
 */
export function verifyAccessToken(
  token: string,
  keys: KeyManager,
  now: number,
  opts: { checkExpiry: boolean },
): VerifiedAccessToken {
  const parts = token.split(".");
  if (parts.length !== 3) throw jwtError("Invalid JWT");
  let header: JsonObject;
  try {
    header = decodeJsonPart(parts[0]);
  } catch {
    throw jwtError("Invalid JWT");
  }
  if (header.typ === undefined) throw jwtError("JWT header missing - typ");
  if (header.typ !== "JWT") throw jwtError("JWT header mismatch - typ");
  if (header.alg === undefined) throw jwtError("JWT header missing - alg");
  if (header.alg !== "RS256") throw jwtError("JWT header mismatch - alg");
  const version = header.version === undefined ? "5" : header.version;
  if (typeof version !== "string" || version === "1" || version === "2") throw jwtError("JWT header mismatch - version");
  if (header.kid === undefined) throw jwtError("JWT header missing - kid");
  if (typeof header.kid !== "string") throw jwtError("JWT header mismatch - kid");
  const key = keys.byKid(header.kid);
  if (!key) throw jwtError("JWT verification failed");
  let valid = false;
  try {
    valid = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2], "base64url"));
  } catch {
    valid = false;
  }
  if (!valid) throw jwtError("JWT verification failed");
  let payload: JsonObject;
  try {
    payload = decodeJsonPart(parts[1]);
  } catch {
    throw jwtError("Invalid JWT");
  }
  const str = (k: string) => (typeof payload[k] === "string" ? (payload[k] as string) : undefined);
  const strOrNull = (k: string) => (payload[k] === null || payload[k] === undefined ? null : str(k) ?? null);
  const sessionHandle = str("sessionHandle");
  const sub = str("sub");
  const rsub = str("rsub") ?? sub;
  const refreshTokenHash1 = str("refreshTokenHash1");
  const exp = typeof payload.exp === "number" ? payload.exp : undefined;
  if (!sessionHandle || !sub || !rsub || !refreshTokenHash1 || exp === undefined || typeof payload.iat !== "number") {
    throw new TryRefreshToken(
      "Access token does not contain all the information. Maybe the structure has changed?",
    );
  }
  if (opts.checkExpiry && exp * 1000 < now) throw new TryRefreshToken("Access token expired");
  return {
    payload,
    userDataText: userDataTextOf(parts[1]),
    kid: header.kid,
    version,
    sessionHandle,
    sub,
    rsub,
    tId: str("tId") ?? "public",
    refreshTokenHash1,
    parentRefreshTokenHash1: strOrNull("parentRefreshTokenHash1"),
    antiCsrfToken: strOrNull("antiCsrfToken"),
    exp,
  };
}

/**
 * Parse without checking the signature (the core's getInfoFromAccessTokenWithoutVerifying, used by
 * regenerate: "we assume the token has already been verified").
 */
export function decodeAccessTokenUnverified(token: string, now: number): VerifiedAccessToken {
  const parts = token.split(".");
  if (parts.length !== 3) throw jwtError("Invalid JWT");
  let header: JsonObject;
  let payload: JsonObject;
  try {
    header = decodeJsonPart(parts[0]);
    payload = decodeJsonPart(parts[1]);
  } catch {
    throw jwtError("Invalid JWT");
  }
  const str = (k: string) => (typeof payload[k] === "string" ? (payload[k] as string) : undefined);
  const strOrNull = (k: string) => (typeof payload[k] === "string" ? (payload[k] as string) : null);
  const sessionHandle = str("sessionHandle");
  const sub = str("sub");
  const refreshTokenHash1 = str("refreshTokenHash1");
  if (!sessionHandle || !sub || !refreshTokenHash1 || typeof payload.exp !== "number") {
    throw new TryRefreshToken("Access token does not contain all the information. Maybe the structure has changed?");
  }
  void now;
  return {
    payload,
    userDataText: userDataTextOf(parts[1]),
    kid: typeof header.kid === "string" ? header.kid : "",
    version: typeof header.version === "string" ? header.version : "5",
    sessionHandle,
    sub,
    rsub: str("rsub") ?? sub,
    tId: str("tId") ?? "public",
    refreshTokenHash1,
    parentRefreshTokenHash1: strOrNull("parentRefreshTokenHash1"),
    antiCsrfToken: strOrNull("antiCsrfToken"),
    exp: payload.exp,
  };
}

// ---------------- refresh tokens ----------------

export interface RefreshTokenPayload {
  sessionHandle: string;
  userId: string; // recipe user id
  parentRefreshTokenHash1?: string;
  nonce: string;
  antiCsrfToken?: string;
  tenantId: string;
}

/** Thrown when a refresh token cannot be decoded; the message mimics the Java exception text. */
export class InvalidRefreshToken extends Error {}

const REFRESH_FORMAT_EXCEPTION = "io.supertokens.session.refreshToken.RefreshToken$InvalidRefreshTokenFormatException";

export function createRefreshToken(
  masterKey: Buffer,
  p: Omit<RefreshTokenPayload, "nonce">,
): { token: string; nonce: string } {
  const nonce = sha256Hex(randomUUID());
  // Field order as the core's RefreshTokenPayload; absent (null) fields are left out like Gson does.
  const payload: RefreshTokenPayload = {
    sessionHandle: p.sessionHandle,
    userId: p.userId,
    ...(p.parentRefreshTokenHash1 ? { parentRefreshTokenHash1: p.parentRefreshTokenHash1 } : {}),
    nonce,
    ...(p.antiCsrfToken ? { antiCsrfToken: p.antiCsrfToken } : {}),
    tenantId: p.tenantId,
  };
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  const enc = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final(), cipher.getAuthTag()]);
  return { token: `${Buffer.concat([iv, enc]).toString("base64")}.${nonce}.V2`, nonce };
}

export function decodeRefreshToken(masterKey: Buffer, token: string): RefreshTokenPayload {
  const parts = token.split(".");
  const type = parts[parts.length - 1];
  if (!["v0", "v1", "v2"].includes(type.toLowerCase())) {
    throw new InvalidRefreshToken(`${REFRESH_FORMAT_EXCEPTION}: version of refresh token not recognised`);
  }
  if (parts.length !== 3) {
    throw new InvalidRefreshToken(
      `${REFRESH_FORMAT_EXCEPTION}: Refresh token split with dot yielded an array of length: ${parts.length}`,
    );
  }
  let payload: RefreshTokenPayload;
  try {
    const raw = Buffer.from(parts[0], "base64");
    if (raw.length < 12 + 16) throw new Error("short");
    const iv = raw.subarray(0, 12);
    const tag = raw.subarray(raw.length - 16);
    const data = raw.subarray(12, raw.length - 16);
    const decipher = createDecipheriv("aes-256-gcm", masterKey, iv);
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
    payload = JSON.parse(plain) as RefreshTokenPayload;
  } catch {
    throw new InvalidRefreshToken("javax.crypto.AEADBadTagException: Tag mismatch!");
  }
  if (!payload.userId || !payload.sessionHandle || payload.nonce !== parts[1]) {
    throw new InvalidRefreshToken("Invalid refresh token");
  }
  return payload;
}
