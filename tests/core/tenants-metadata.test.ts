// Multitenancy.listAllTenants and UserMetadata get / update / clear through the real SDK (§6, §7).
import { describe, expect, it } from "vitest";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { API_KEY, brief, raw, recordCalls, useSdkCore } from "./helpers";

const h = useSdkCore();

describe("Multitenancy.listAllTenants()", () => {
  it("a new core has only the public tenant: GET /recipe/multitenancy/tenant/list/v2", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => Multitenancy.listAllTenants());
    expect(brief(calls)).toEqual([{ method: "GET", path: "/recipe/multitenancy/tenant/list/v2", query: {} }]);
    expect(calls[0].headers).toEqual({ "cdi-version": "5.4", "api-key": API_KEY, rid: "multitenancy" });
    expect(calls[0].response).toEqual({ status: "OK", tenants: [{ tenantId: "public", thirdParty: { providers: [] }, coreConfig: {} }] });
    expect(result).toEqual({ status: "OK", tenants: [{ tenantId: "public", thirdParty: { providers: [] }, coreConfig: {} }] });
  });

  it("lists a tenant created with createOrUpdateTenant; the same call again is not new", async () => {
    const first = await recordCalls(h.proxy, () => Multitenancy.createOrUpdateTenant("t-list", {}));
    expect(brief(first.calls)).toEqual([{ method: "PUT", path: "/recipe/multitenancy/tenant/v2", query: {} }]);
    expect(first.result).toEqual({ status: "OK", createdNew: true });
    expect(await Multitenancy.createOrUpdateTenant("t-list", {})).toEqual({ status: "OK", createdNew: false });
    const list = await Multitenancy.listAllTenants();
    const byId = Object.fromEntries(list.tenants.map((t: any) => [t.tenantId, t]));
    expect(Object.keys(byId).sort()).toEqual(["public", "t-list"]);
    expect(byId["t-list"]).toMatchObject({ tenantId: "t-list", thirdParty: { providers: [] }, coreConfig: {} });
  });

  it("called with a non-public tenant prefix: 403", async () => {
    await Multitenancy.createOrUpdateTenant("t-list", {});
    const r = await raw(h.core.url, "GET", "/t-list/recipe/multitenancy/tenant/list/v2");
    expect(r.status).toBe(403);
    expect(r.text).toBe("Only the public tenantId is allowed to list all tenants associated with this app\n");
  });
});

describe("UserMetadata.getUserMetadata(id) / updateUserMetadata / clearUserMetadata", () => {
  it("GET /recipe/user/metadata → {} for a user without metadata (the user need not exist)", async () => {
    const { result, calls } = await recordCalls(h.proxy, () => UserMetadata.getUserMetadata("meta-nobody"));
    expect(brief(calls)).toEqual([{ method: "GET", path: "/recipe/user/metadata", query: { userId: "meta-nobody" } }]);
    expect(calls[0].headers.rid).toBe("usermetadata");
    expect(calls[0].response).toEqual({ status: "OK", metadata: {} });
    expect(result).toEqual({ status: "OK", metadata: {} });
  });

  it("PUT /recipe/user/metadata merges shallowly; null deletes a key", async () => {
    const uid = "meta-user-1";
    const first = await recordCalls(h.proxy, () => UserMetadata.updateUserMetadata(uid, { a: 1, b: { c: 1, keep: true }, n: null }));
    expect(brief(first.calls)).toEqual([{ method: "PUT", path: "/recipe/user/metadata", query: {} }]);
    expect(first.calls[0].body).toEqual({ userId: uid, metadataUpdate: { a: 1, b: { c: 1, keep: true }, n: null } });
    expect(first.calls[0].response).toEqual({ status: "OK", metadata: { a: 1, b: { c: 1, keep: true } } });
    expect(first.result).toEqual({ status: "OK", metadata: { a: 1, b: { c: 1, keep: true } } });
    // b is replaced, not merged; a is deleted; z is added.
    const second = await UserMetadata.updateUserMetadata(uid, { a: null, b: { d: 2 }, z: [null] });
    expect(second.metadata).toEqual({ b: { d: 2 }, z: [null] });
    expect((await UserMetadata.getUserMetadata(uid)).metadata).toEqual({ b: { d: 2 }, z: [null] });
    expect((await UserMetadata.getUserMetadata("meta-user-2")).metadata).toEqual({});
  });

  it("POST /recipe/user/metadata/remove clears it", async () => {
    const uid = "meta-user-3";
    await UserMetadata.updateUserMetadata(uid, { x: 1 });
    const { result, calls } = await recordCalls(h.proxy, () => UserMetadata.clearUserMetadata(uid));
    expect(brief(calls)).toEqual([{ method: "POST", path: "/recipe/user/metadata/remove", query: {} }]);
    expect(calls[0].body).toEqual({ userId: uid });
    expect(calls[0].response).toEqual({ status: "OK" });
    expect(result).toEqual({ status: "OK" });
    expect((await UserMetadata.getUserMetadata(uid)).metadata).toEqual({});
  });
});

describe("tenant list order", () => {
  // The core lists tenant_configs in scan order and rewrites a tenant's row (delete + insert) on
  // every create or update (MultitenancyQueries.overwriteTenantConfig), so an updated tenant moves
  // to the end of the list; neither creation time nor tenant id decides the order.
  it("follows the last create or update: an updated tenant moves to the end", async () => {
    await Multitenancy.createOrUpdateTenant("t-order-z", {});
    await Multitenancy.createOrUpdateTenant("t-order-a", {});
    const ids = async () =>
      (await Multitenancy.listAllTenants()).tenants.map((t: any) => t.tenantId as string).filter((id: string) => id.startsWith("t-order-"));
    expect(await ids()).toEqual(["t-order-z", "t-order-a"]);
    await Multitenancy.createOrUpdateTenant("t-order-z", { firstFactors: ["emailpassword"] });
    expect(await ids()).toEqual(["t-order-a", "t-order-z"]);
  });
});
