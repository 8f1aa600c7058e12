/** The shape of one session row on the user page; computed on the server, pure. */
import type { SessionInfo } from "~/core/sessions.server";
import { byteSize, layoutJson } from "~/json";

export interface SessionRow {
  handle: string;
  tenantId: string;
  recipeUserId: string;
  timeCreated: number;
  expiry: number;
  dataBytes: number;
  dataKeys: string[];
  tokenKeys: string[];
  /**
   * The data and the payload as exact JSON text (2-space indented, stored key order), not as objects: a
   * number like 9223372036854775807 or 1.0 must reach the page as the core holds it, and an own
   * "__proto__" key must survive the trip (exact-number.ts).
   */
  dataText: string;
  accessTokenPayloadText: string;
  /** Where the data breaks its session-data schema (app/schema): how many places, and the first few. */
  schemaProblems?: { count: number; lines: string[] };
}

// Claims every access token carries; listing them as "payload keys" would only add noise.
const STANDARD_CLAIMS = new Set(["sub", "rsub", "exp", "iat", "tId", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "iss"]);

export function toSessionRow(info: SessionInfo): SessionRow {
  return {
    handle: info.sessionHandle,
    tenantId: info.tenantId,
    recipeUserId: info.recipeUserId,
    timeCreated: info.timeCreated,
    expiry: info.expiry,
    dataBytes: byteSize(info.sessionDataInDatabase),
    dataKeys: Object.keys(info.sessionDataInDatabase),
    tokenKeys: Object.keys(info.accessTokenPayload).filter((key) => !STANDARD_CLAIMS.has(key)),
    dataText: layoutJson(info.sessionDataInDatabase),
    accessTokenPayloadText: layoutJson(info.accessTokenPayload),
  };
}
