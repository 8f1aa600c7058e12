// User endpoints (cdi-contract.md §4): GET /user/id, GET /<t>/users (pagination + search),
// GET /<t>/users/count, GET /<t>/users/by-accountinfo, POST /user/remove, GET /user/search/tags.

import type { Route, RequestContext } from "../context.js";
import { badRequest, ok } from "../http.js";
import { optBoolean, optIntQuery, optQuery, reqQuery, reqString } from "../input.js";
import {
  buildUser,
  deleteNonAuthData,
  deleteRecipeUserRows,
  getUserById,
  loginMethodsOf,
  normaliseEmail,
  normalisePhone,
  primaryIdOf,
  type UserJson,
} from "../users.js";

const KNOWN_RECIPES = ["emailpassword", "thirdparty", "passwordless", "webauthn"];
const PAGINATION_LIMIT = 500;
const SEARCH_ROWS_PER_TABLE = 1000;

function getUser(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const userId = reqQuery(ctx.query, "userId");
  const user = getUserById(ctx.db, userId);
  return ok(user ? { status: "OK", user } : { status: "UNKNOWN_USER_ID_ERROR" });
}

/** Comma-separated list (`trim().split("\\s*,\\s*")` in Java: empty parts are not dropped). */
function parseRecipeIds(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const ids = javaSplit(raw.trim(), /\s*,\s*/);
  for (const id of ids) if (!KNOWN_RECIPES.includes(id)) throw badRequest(`Unknown recipe ID: ${id}`);
  return ids;
}

/** Java's String.split: trailing empty strings are removed (but "" splits to [""]). */
function javaSplit(s: string, re: RegExp): string[] {
  const parts = s.split(re);
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Search tag values: split on ";", lower-cased, trimmed, empty parts dropped; none left = no search. */
function searchTags(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(";").map((s) => s.toLowerCase().trim()).filter((s) => s !== "");
  return parts.length ? parts : undefined;
}

interface IdTime {
  id: string;
  t: number;
}

function listUsers(ctx: RequestContext) {
  // Validation order of the core's UsersAPI.
  const q = ctx.query;
  const recipeIds = parseRecipeIds(optQuery(q, "includeRecipeIds"));
  const tenantId = ctx.requireTenant();
  const token = optQuery(q, "paginationToken");
  let limit = optIntQuery(q, "limit");
  const order = optQuery(q, "timeJoinedOrder") ?? "ASC";
  if (order !== "ASC" && order !== "DESC") throw badRequest("timeJoinedOrder can be either ASC OR DESC");
  const emailTags = searchTags(optQuery(q, "email"));
  const phoneTags = searchTags(optQuery(q, "phone"));
  const providerTags = searchTags(optQuery(q, "provider"));
  const searching = emailTags !== undefined || phoneTags !== undefined || providerTags !== undefined;
  if (limit !== undefined) {
    if (limit > PAGINATION_LIMIT && !searching) throw badRequest(`max limit allowed is ${PAGINATION_LIMIT}`);
    else if (limit < 1) throw badRequest("limit must a positive integer with min value 1");
  } else {
    limit = 100;
  }

  // AuthRecipe.getUsers decodes the token before it looks at the search tags, so a bad token is a
  // 400 even when a search then ignores it.
  const after = token === undefined ? undefined : decodePaginationToken(token);

  const db = ctx.db;
  let page: IdTime[];
  let nextPaginationToken: string | undefined;

  if (searching) {
    // With search tags there is no pagination; limit and includeRecipeIds are not applied.
    page = search(ctx, tenantId, order, emailTags, phoneTags, providerTags);
  } else {
    const where: string[] = ["tenant_id = ?"];
    const params: unknown[] = [tenantId];
    if (recipeIds) {
      where.push(`recipe_id IN (${recipeIds.map(() => "?").join(",")})`);
      params.push(...recipeIds);
    }
    if (after !== undefined) {
      const { id, t } = after;
      where.push(
        order === "ASC"
          ? "(primary_or_recipe_user_time_joined > ? OR (primary_or_recipe_user_time_joined = ? AND primary_or_recipe_user_id <= ?))"
          : "(primary_or_recipe_user_time_joined < ? OR (primary_or_recipe_user_time_joined = ? AND primary_or_recipe_user_id <= ?))",
      );
      params.push(t, t, id);
    }
    const rows = db
      .prepare(
        `SELECT DISTINCT primary_or_recipe_user_id AS id, primary_or_recipe_user_time_joined AS t
         FROM all_auth_recipe_users WHERE ${where.join(" AND ")}
         ORDER BY primary_or_recipe_user_time_joined ${order}, primary_or_recipe_user_id DESC LIMIT ?`,
      )
      .all(...params, limit + 1) as IdTime[];
    if (rows.length > limit) {
      const next = rows[limit];
      nextPaginationToken = Buffer.from(`${next.id};${next.t}`, "utf8").toString("base64");
      page = rows.slice(0, limit);
    } else {
      page = rows;
    }
  }

  const users = page.map((r) => buildUser(db, r.id)).filter((u): u is UserJson => u !== undefined);
  return ok(nextPaginationToken === undefined ? { status: "OK", users } : { status: "OK", users, nextPaginationToken });
}

/** UserPaginationToken.extractTokenInfo: any failure is the 400 "invalid pagination token". */
function decodePaginationToken(token: string): IdTime {
  const bytes = javaBase64Decode(token);
  if (bytes === undefined) throw badRequest("invalid pagination token");
  // String.split drops trailing empty parts, as in UserPaginationToken.
  const parts = javaSplit(bytes.toString("utf8"), /;/);
  const t = parts.length === 2 ? javaParseLong(parts[1]) : undefined;
  if (t === undefined) throw badRequest("invalid pagination token");
  return { id: parts[0], t: Number(t) };
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * java.util.Base64.getDecoder().decode: stricter than Node's Buffer.from(…, "base64"). Padding is
 * optional, but when present it must complete the last 4-character unit exactly ("xx==", "xxx=")
 * and nothing may follow it; a lone last character ("x") is refused, as is any character outside
 * the standard alphabet (no URL-safe "-_", no whitespace). Leftover bits are not checked.
 */
function javaBase64Decode(text: string): Buffer | undefined {
  const out: number[] = [];
  let bits = 0;
  let filled = 0; // characters of the current 4-character unit seen so far
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === "=") {
      // "=" may only end a unit of 3 characters, or a unit of 2 as "==".
      if (filled === 2 && text[i + 1] === "=") i += 2;
      else if (filled === 3) i += 1;
      else return undefined;
      break;
    }
    const v = BASE64_ALPHABET.indexOf(c);
    if (v < 0) return undefined;
    bits = (bits << 6) | v;
    if (++filled === 4) {
      out.push((bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
      bits = 0;
      filled = 0;
    }
  }
  if (i < text.length) return undefined; // anything after the padding
  if (filled === 1) return undefined; // "Last unit does not have enough valid bits"
  if (filled === 2) out.push((bits >> 4) & 0xff);
  if (filled === 3) out.push((bits >> 10) & 0xff, (bits >> 2) & 0xff);
  return Buffer.from(out);
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Long.parseLong(s): an optional sign and at least one decimal digit; Character.digit also takes
 * the other Unicode decimal digits of the BMP (e.g. Arabic-Indic); out of the 64-bit range is an
 * error (Number() would silently accept "1e3" or 2^70).
 */
function javaParseLong(s: string): bigint | undefined {
  let i = 0;
  let negative = false;
  if (s[0] === "-" || s[0] === "+") {
    negative = s[0] === "-";
    i = 1;
  }
  if (i >= s.length) return undefined;
  let value = 0n;
  for (; i < s.length; i++) {
    const digit = unicodeDigitValue(s.charCodeAt(i));
    if (digit === undefined) return undefined;
    value = value * 10n + BigInt(digit);
  }
  if (negative) value = -value;
  return value < LONG_MIN || value > LONG_MAX ? undefined : value;
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Value of a UTF-16 code unit that is a Unicode decimal digit (Nd), as Character.digit(c, 10). */
function unicodeDigitValue(code: number): number | undefined {
  // Surrogates are never digits on their own: parseLong works on UTF-16 code units.
  if (code >= 0xd800 && code <= 0xdfff) return undefined;
  if (!DECIMAL_DIGIT.test(String.fromCharCode(code))) return undefined;
  // Nd digits come in contiguous runs of whole 0–9 sets: count back to the start of the run.
  let start = code;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCharCode(start - 1))) start--;
  return (code - start) % 10;
}

/**
 * Dashboard search on core 11.x (legacy tables): prefix matching per recipe table, tags of one
 * kind ORed, kinds ANDed within a table; no pagination, at most 1000 rows per table.
 */
function search(
  ctx: RequestContext,
  tenantId: string,
  order: "ASC" | "DESC",
  emailTags: string[] | undefined,
  phoneTags: string[] | undefined,
  providerTags: string[] | undefined,
): IdTime[] {
  const db = ctx.db;
  const emailCond = (tags: string[]) =>
    tags.length ? `(${tags.map(() => "(l.email LIKE ? OR l.email LIKE ?)").join(" OR ")})` : "0";
  const emailParams = (tags: string[]) => tags.flatMap((t) => [`${t}%`, `%@${t}%`]);
  const prefixCond = (col: string, tags: string[]) => (tags.length ? `(${tags.map(() => `${col} LIKE ?`).join(" OR ")})` : "0");
  const prefixParams = (tags: string[]) => tags.map((t) => `${t}%`);

  const tables: Array<{ recipe: string; conds: string[]; params: unknown[] }> = [];
  if (phoneTags === undefined && providerTags === undefined && emailTags !== undefined) {
    tables.push({ recipe: "emailpassword", conds: [emailCond(emailTags)], params: emailParams(emailTags) });
    tables.push({ recipe: "webauthn", conds: [emailCond(emailTags)], params: emailParams(emailTags) });
  }
  if (phoneTags === undefined && (emailTags !== undefined || providerTags !== undefined)) {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (emailTags !== undefined) {
      conds.push(emailCond(emailTags));
      params.push(...emailParams(emailTags));
    }
    if (providerTags !== undefined) {
      conds.push(prefixCond("l.third_party_id", providerTags));
      params.push(...prefixParams(providerTags));
    }
    tables.push({ recipe: "thirdparty", conds, params });
  }
  if (providerTags === undefined && (emailTags !== undefined || phoneTags !== undefined)) {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (emailTags !== undefined) {
      conds.push(emailCond(emailTags));
      params.push(...emailParams(emailTags));
    }
    if (phoneTags !== undefined) {
      conds.push(prefixCond("l.phone_number", phoneTags));
      params.push(...prefixParams(phoneTags));
    }
    tables.push({ recipe: "passwordless", conds, params });
  }

  const found = new Map<string, number>();
  for (const tbl of tables) {
    const rows = db
      .prepare(
        `SELECT a.primary_or_recipe_user_id AS id, a.primary_or_recipe_user_time_joined AS t
         FROM login_methods l JOIN all_auth_recipe_users a ON a.user_id = l.user_id AND a.tenant_id = ?
         WHERE l.recipe_id = ? AND ${tbl.conds.join(" AND ")}
         ORDER BY a.primary_or_recipe_user_time_joined ${order}, a.primary_or_recipe_user_id DESC LIMIT ${SEARCH_ROWS_PER_TABLE}`,
      )
      .all(tenantId, tbl.recipe, ...tbl.params) as IdTime[];
    for (const r of rows) found.set(r.id, r.t);
  }
  const list = [...found.entries()].map(([id, t]) => ({ id, t }));
  list.sort((a, b) => (a.t !== b.t ? (order === "ASC" ? a.t - b.t : b.t - a.t) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return list;
}

function countUsers(ctx: RequestContext) {
  const recipeIds = parseRecipeIds(optQuery(ctx.query, "includeRecipeIds"));
  const includeAll = (optQuery(ctx.query, "includeAllTenants") ?? "").toLowerCase() === "true";
  if (includeAll) ctx.requirePublicTenant();
  else ctx.requireTenant();
  const where: string[] = [];
  const params: unknown[] = [];
  if (!includeAll) {
    where.push("tenant_id = ?");
    params.push(ctx.tenantId);
  }
  if (recipeIds) {
    where.push(`recipe_id IN (${recipeIds.map(() => "?").join(",")})`);
    params.push(...recipeIds);
  }
  const row = ctx.db
    .prepare(
      `SELECT COUNT(DISTINCT primary_or_recipe_user_id) AS c FROM all_auth_recipe_users ${where.length ? "WHERE " + where.join(" AND ") : ""}`,
    )
    .get(...params) as { c: number };
  return ok({ status: "OK", count: row.c });
}

function byAccountInfo(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const q = ctx.query;
  const unionRaw = reqQuery(q, "doUnionOfAccountInfo");
  if (unionRaw !== "true" && unionRaw !== "false") {
    throw badRequest("'doUnionOfAccountInfo' should be either 'true' or 'false'");
  }
  const union = unionRaw === "true";
  const emailRaw = optQuery(q, "email");
  const phoneRaw = optQuery(q, "phoneNumber");
  const tpId = optQuery(q, "thirdPartyId");
  const tpUserId = optQuery(q, "thirdPartyUserId");
  if ((tpId === undefined) !== (tpUserId === undefined)) {
    throw badRequest("If 'thirdPartyId' is provided, 'thirdPartyUserId' must also be provided, and vice versa");
  }
  const email = emailRaw !== undefined ? normaliseEmail(emailRaw) : undefined;
  const phone = phoneRaw !== undefined ? normalisePhone(phoneRaw) : undefined;

  const db = ctx.db;
  const candidates = new Set<string>();
  const collect = (where: string, ...params: unknown[]) => {
    const rows = db
      .prepare(
        `SELECT DISTINCT a.primary_or_recipe_user_id AS id FROM login_methods l
         JOIN all_auth_recipe_users a ON a.user_id = l.user_id AND a.tenant_id = ? WHERE ${where}`,
      )
      .all(tenantId, ...params) as Array<{ id: string }>;
    for (const r of rows) candidates.add(r.id);
  };
  if (email !== undefined) collect("l.email = ?", email);
  if (phone !== undefined) collect("l.phone_number = ?", phone);
  if (tpId !== undefined) collect("l.third_party_id = ? AND l.third_party_user_id = ?", tpId, tpUserId);

  let users = [...candidates].map((id) => buildUser(db, id)).filter((u): u is UserJson => u !== undefined);
  if (!union) {
    users = users.filter((u) => {
      const lms = loginMethodsOf(db, u.id);
      const emailOk = email === undefined || lms.some((l) => l.email === email);
      const phoneOk = phone === undefined || lms.some((l) => l.phone_number === phone);
      const tpOk =
        tpId === undefined || lms.some((l) => l.third_party_id === tpId && l.third_party_user_id === tpUserId);
      return emailOk && phoneOk && tpOk;
    });
  }
  users.sort((a, b) => a.timeJoined - b.timeJoined);
  return ok({ status: "OK", users });
}

function removeUser(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const userId = reqString(body, "userId");
  const removeAllLinked = optBoolean(body, "removeAllLinkedAccounts") ?? true;
  const db = ctx.db;
  db.transaction(() => {
    const primary = primaryIdOf(db, userId);
    if (primary === undefined) {
      deleteNonAuthData(db, userId);
      return;
    }
    const methods = loginMethodsOf(db, primary);
    if (removeAllLinked) {
      for (const m of methods) {
        deleteRecipeUserRows(db, m.user_id);
        deleteNonAuthData(db, m.user_id);
      }
      deleteNonAuthData(db, primary);
      return;
    }
    // Only this login method; the primary id lives on while other login methods use it.
    deleteRecipeUserRows(db, userId);
    deleteNonAuthData(db, userId);
    const rest = loginMethodsOf(db, primary);
    if (rest.length === 0) deleteNonAuthData(db, primary);
    else if (rest.length >= 1 && userId === primary) {
      // nothing else: the remaining rows keep pointing at the primary id, as in the core.
    }
  })();
  return ok({ status: "OK" });
}

function searchTagsList(ctx: RequestContext) {
  ctx.requirePublicTenant();
  return ok({ status: "OK", tags: ["email", "phone", "provider"] });
}

export const userRoutes: Route[] = [
  { path: "/user/id", handlers: { GET: getUser } },
  { path: "/users", handlers: { GET: listUsers } },
  { path: "/users/count", handlers: { GET: countUsers } },
  { path: "/users/by-accountinfo", handlers: { GET: byAccountInfo } },
  { path: "/user/remove", handlers: { POST: removeUser } },
  { path: "/user/search/tags", handlers: { GET: searchTagsList } },
];
