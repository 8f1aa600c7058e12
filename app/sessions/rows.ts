/** The shape of one session row on the user page; computed on the server, pure. */
import type { SessionInfo } from "~/core/sessions.server";
import { byteSize } from "~/json";

export interface SessionRow {
  handle: string;
  tenantId: string;
  recipeUserId: string;
  timeCreated: number;
  expiry: number;
  dataBytes: number;
  dataKeys: string[];
  tokenKeys: string[];
  data: Record<string, unknown>;
  accessTokenPayload: Record<string, unknown>;
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
    data: info.sessionDataInDatabase,
    accessTokenPayload: info.accessTokenPayload,
  };
}
