// Response conventions of the real core (Tomcat + Gson), see cdi-contract.md §1.5.
// The real core writes every body with `println`, so each body ends with "\n", and Tomcat
// normalises the content type to "…;charset=UTF-8" without a space (as the recordings show).

import type { ServerResponse } from "node:http";
import { toGsonText } from "./json.js";

export const JSON_CONTENT_TYPE = "application/json;charset=UTF-8";
export const TEXT_CONTENT_TYPE = "text/html;charset=UTF-8";

/** A reply a handler wants to send. */
export interface Reply {
  status: number;
  /** JSON body: serialised the way Gson would (see toGsonJson). */
  json?: unknown;
  /** Plain-text body (println'd: a newline is appended). */
  text?: string;
  headers?: Record<string, string>;
}

/**
 * An error that becomes a plain-text reply, exactly like the core's
 * `sendTextResponse(status, message)` paths (400 input errors, 401, 403, 404, 405, 500).
 */
export class CoreHttpError extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new CoreHttpError(400, message);

/** `TenantOrAppNotFoundException` as the servlet reports it. The core leaves the domain empty. */
export function tenantNotFound(appId: string, tenantId: string): CoreHttpError {
  return new CoreHttpError(
    400,
    `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, ${appId}, ${tenantId})`,
  );
}

export const ok = (json: unknown): Reply => ({ status: 200, json });

/** Serialise like Gson's `JsonElement.toString()` (see json.ts). */
export function toGsonJson(value: unknown): string {
  return toGsonText(value);
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body: string;
  if (reply.json !== undefined) {
    headers["Content-Type"] = JSON_CONTENT_TYPE;
    body = toGsonJson(reply.json) + "\n";
  } else {
    headers["Content-Type"] = TEXT_CONTENT_TYPE;
    body = (reply.text ?? "") + "\n";
  }
  const buf = Buffer.from(body, "utf8");
  headers["Content-Length"] = String(buf.length);
  res.writeHead(reply.status, headers);
  res.end(buf);
}

export const textReply = (status: number, text: string): Reply => ({ status, text });
