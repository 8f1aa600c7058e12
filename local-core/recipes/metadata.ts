// UserMetadata (cdi-contract.md §6.2): app-wide JSON per user id, shallow-merged on update.
// Stored as canonical Gson text and merged on parsed nodes, so key order and number literals match
// the core (a re-set key moves to the end: Gson's JsonObject remove + add).

import type { Route, RequestContext } from "../context.js";
import { ok } from "../http.js";
import { reqObject, reqQuery, reqString } from "../input.js";
import { nodeToText, parseJsonNode, RawJson, type JNode } from "../json.js";

function readText(ctx: RequestContext, userId: string): string {
  const row = ctx.db.prepare("SELECT user_metadata FROM user_metadata WHERE user_id = ?").get(userId) as
    | { user_metadata: string }
    | undefined;
  return row ? row.user_metadata : "{}";
}

function getMetadata(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const userId = reqQuery(ctx.query, "userId");
  return ok({ metadata: new RawJson(readText(ctx, userId)), status: "OK" });
}

function updateMetadata(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const body = ctx.body();
  const userId = reqString(body, "userId");
  reqObject(body, "metadataUpdate");
  const update = ctx.rawNode("metadataUpdate") as Extract<JNode, { t: "obj" }>;
  const merged = ctx.db.transaction(() => {
    const current = parseJsonNode(readText(ctx, userId)) as Extract<JNode, { t: "obj" }>;
    // Shallow merge: each updated top-level key is removed, then re-added unless it is null.
    for (const [k, v] of update.entries) {
      current.entries = current.entries.filter(([ck]) => ck !== k);
      if (v.t !== "null") current.entries.push([k, v]);
    }
    const text = nodeToText(current);
    ctx.db
      .prepare(
        "INSERT INTO user_metadata (user_id, user_metadata) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET user_metadata = excluded.user_metadata",
      )
      .run(userId, text);
    return text;
  })();
  return ok({ metadata: new RawJson(merged), status: "OK" });
}

function removeMetadata(ctx: RequestContext) {
  ctx.requirePublicTenant();
  const userId = reqString(ctx.body(), "userId");
  ctx.db.prepare("DELETE FROM user_metadata WHERE user_id = ?").run(userId);
  return ok({ status: "OK" });
}

export const metadataRoutes: Route[] = [
  { path: "/recipe/user/metadata", handlers: { GET: getMetadata, PUT: updateMetadata } },
  { path: "/recipe/user/metadata/remove", handlers: { POST: removeMetadata } },
];
