/**
 * What logs and metric labels call a core call and a request: templates, never ids, handles or queries.
 */
import { describe, expect, it } from "vitest";
import { coreOperation } from "../../../app/observability/core-calls.server";
import { routeNameOf } from "../../../server/observability";

describe("coreOperation", () => {
  it.each([
    ["GET", "http://core:3567/recipe/session?sessionHandle=0b1c2d3e-aaaa-bbbb-cccc-111122223333", "GET /recipe/session"],
    ["put", "http://core:3567/recipe/session/data", "PUT /recipe/session/data"],
    ["GET", "http://core:3567/acme/recipe/session/user?userId=u-1", "GET /{tenant}/recipe/session/user"],
    ["GET", "http://core:3567/public/users?limit=100&paginationToken=abc", "GET /{tenant}/users"],
    ["GET", "http://core:3567/appid-shop/public/recipe/session?sessionHandle=h", "GET /{appId}/{tenant}/recipe/session"],
    ["GET", "http://core:3567/apiversion", "GET /apiversion"],
    ["GET", "http://core:3567/recipe/user/0b1c2d3e-aaaa-bbbb-cccc-111122223333", "GET /recipe/user/{id}"],
    ["DELETE", "http://core:3567/users/12345", "DELETE /users/{id}"],
  ])("%s %s → %s", (method, url, expected) => {
    expect(coreOperation(method, url)).toBe(expected);
  });
});

describe("routeNameOf", () => {
  const route = (id: string, parentId: string | undefined, path?: string, index?: boolean) => ({ id, parentId, path, index, module: {} });
  const build = {
    routes: {
      root: route("root", undefined, ""),
      "routes/_index": route("routes/_index", "root", undefined, true),
      "routes/users.$userId._index": route("routes/users.$userId._index", "root", "users/:userId", true),
      "routes/users.$userId.sessions.$handle": route("routes/users.$userId.sessions.$handle", "root", "users/:userId/sessions/:handle"),
    },
  } as unknown as Parameters<typeof routeNameOf>[0];

  it("names a page by its Remix route id, never by its URL", () => {
    expect(routeNameOf(build, "/users/u-1/sessions/h-2")).toBe("routes/users.$userId.sessions.$handle");
    expect(routeNameOf(build, "/users/u-1")).toBe("routes/users.$userId._index");
    expect(routeNameOf(build, "/")).toBe("routes/_index");
    expect(routeNameOf(build, "/nothing/here/at/all")).toBe("not-found");
  });

  it("gives assets, probes and metrics fixed names", () => {
    expect(routeNameOf(build, "/build/_shared/chunk-ABC.js")).toBe("asset");
    expect(routeNameOf(build, "/monaco/vs/loader.js")).toBe("asset");
    expect(routeNameOf(build, "/favicon.ico")).toBe("asset");
    expect(routeNameOf(build, "/healthz")).toBe("healthz");
    expect(routeNameOf(build, "/readyz")).toBe("readyz");
    expect(routeNameOf(build, "/metrics")).toBe("metrics");
    expect(routeNameOf(undefined, "/users/u-1")).toBe("unknown");
  });
});
