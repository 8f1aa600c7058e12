/**
 * Tokens that stand for a sign-in (a staff session, a sign-in challenge, an API token): made from 32
 * random bytes, handed to their holder once, and stored only as their SHA-256, so a copy of the database
 * holds nothing that signs anyone in. And the signed cookies that carry the first two, made again when
 * the secret that signs them changes (a test or `npm run staff` rotating SESSION_SECRET in-process).
 */
import { createCookie, type Cookie, type CookieOptions } from "@remix-run/node";
import { createHash, randomBytes } from "node:crypto";
import { getSessionSecret } from "./secret.server";

/** A fresh random token (32 bytes, base64url). */
export function newBearerToken(): string {
  return randomBytes(32).toString("base64url");
}

/** How a token is stored and looked up: its SHA-256, hex. */
export function hashBearerToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A getter for the cookie `name`, signed with the current session secret, with `options()` as of its making. */
export function signedCookie(name: string, options: () => Omit<CookieOptions, "secrets">): () => Cookie {
  let made: { secret: string; cookie: Cookie } | undefined;
  return () => {
    const secret = getSessionSecret();
    if (made?.secret !== secret) made = { secret, cookie: createCookie(name, { ...options(), secrets: [secret] }) };
    return made.cookie;
  };
}
