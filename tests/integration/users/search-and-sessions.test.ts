import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalCore } from "../../../local-core/index";
import { AccountLinking, createSession, createTenant, Passwordless, Session, signUp, startCoreWithSdk, SuperTokens, ThirdParty } from "../helpers/core-with-sdk";

let core: LocalCore;
let search: typeof import("~/users/search.server");
let list: typeof import("~/sessions/list.server");
const ids: Record<string, string> = {};

beforeAll(async () => {
  core = await startCoreWithSdk();
  search = await import("~/users/search.server");
  list = await import("~/sessions/list.server");
  await createTenant("acme");
  await createTenant("globex");
  ids.alice = await signUp("alice@example.com");
  ids.alicia = await signUp("alicia@corp.example");
  ids.bob = await signUp("bob@acme.test", "acme");
  ids.carol = await signUp("carol@globex.test", "globex");
  const google = await ThirdParty.manuallyCreateOrUpdateUser("public", "google", "g-123", "dave@gmail.example", true);
  if (google.status !== "OK") throw new Error(google.status);
  ids.dave = google.user.id;
  const phone = await Passwordless.signInUp({ tenantId: "public", phoneNumber: "+4915112345678" });
  ids.erin = phone.user.id;
  for (let i = 0; i < 3; i++) await createSession(ids.alice, { n: i, plan: i === 1 ? "pro" : "free" });
  await createSession(ids.bob, { cart: ["a"] }, "acme");
});

afterAll(async () => {
  await core.stop();
});

describe("search", () => {
  const run = (q: string, tenant = "") => search.searchUsers(search.searchParamsSchema.parse({ q, tenant }));

  it("browses all users newest first across tenants", async () => {
    const result = await run("");
    expect(result.interpreted.kind).toBe("browse");
    expect(result.tenants).toEqual(["public", "acme", "globex"]);
    expect(result.users.map((u) => u.id)).toEqual([ids.erin, ids.dave, ids.carol, ids.bob, ids.alicia, ids.alice]);
  });

  it("limits browsing to one tenant", async () => {
    const result = await run("", "acme");
    expect(result.users.map((u) => u.id)).toEqual([ids.bob]);
  });

  it("finds by email prefix and by @domain", async () => {
    expect((await run("ali")).users.map((u) => u.id).sort()).toEqual([ids.alice, ids.alicia].sort());
    expect((await run("alice@")).users.map((u) => u.id)).toEqual([ids.alice]);
    expect((await run("@acme.test")).users.map((u) => u.id)).toEqual([ids.bob]);
  });

  it("finds by phone number, typed with or without spaces", async () => {
    expect((await run("+49 151 12345678")).users.map((u) => u.id)).toEqual([ids.erin]);
    expect((await run("+4915112")).users.map((u) => u.id)).toEqual([ids.erin]);
  });

  it("finds a phone number written with the national 0 in brackets, or without its +", async () => {
    // Neither is a prefix of the stored "+4915112345678": the exact lookups find them (the core
    // normalises a looked-up number with libphonenumber).
    const written = await run("+49 (0)151 12345678");
    expect(written.interpreted).toEqual({ kind: "phone", value: "+4915112345678", typed: "+49 (0)151 12345678" });
    expect(written.users.map((u) => u.id)).toEqual([ids.erin]);
    expect((await run("49 151 1234 5678")).users.map((u) => u.id)).toEqual([ids.erin]);
    expect((await run("4915112345678")).users.map((u) => u.id)).toEqual([ids.erin]);
    expect((await run("0049 151 12345678")).users.map((u) => u.id)).toEqual([ids.erin]);
  });

  it("opens a user from an upper-case id", async () => {
    expect((await run(ids.carol!.toUpperCase())).exactUserId).toBe(ids.carol);
  });

  it("finds users by the start of their id, and says how far it looked", async () => {
    const prefix = ids.alicia!.slice(0, 6);
    const result = await run(prefix);
    expect(result.users.map((u) => u.id)).toContain(ids.alicia);
    expect(result.idScan).toMatchObject({ prefix, complete: true });
    expect((await run(prefix.toUpperCase())).users.map((u) => u.id)).toContain(ids.alicia);
    // The bound is honest: a scan cut short says so.
    const cut = await search.scanForIdPrefix("ffffffff", ["public"], 2);
    expect(cut.scan).toEqual({ prefix: "ffffffff", scanned: 2, complete: false, limit: 2 });
  });

  it("answers a query longer than an email address can be in words, without searching", async () => {
    const result = await run("x".repeat(600));
    expect(result.users).toEqual([]);
    expect(result.problem).toMatch(/600 characters long; the limit is 320/);
  });

  it("finds by provider", async () => {
    const result = await run("provider:google");
    expect(result.interpreted).toEqual({ kind: "provider", value: "google" });
    expect(result.users.map((u) => u.id)).toEqual([ids.dave]);
  });

  it("opens a user directly on an exact user id", async () => {
    const result = await run(ids.carol!);
    expect(result.exactUserId).toBe(ids.carol);
  });

  it("respects the tenant for an exact id", async () => {
    const result = await run(ids.carol!, "acme");
    expect(result.exactUserId).toBeUndefined();
    expect(result.users).toEqual([]);
  });

  it("returns nothing for an unknown query", async () => {
    const result = await run("nobody-here@nowhere.example");
    expect(result.users).toEqual([]);
  });

  it("pages through users across tenants without gaps or repeats", async () => {
    // 30 more public users and 30 in acme, interleaved in time: two pages of 25 plus a rest.
    for (let i = 0; i < 30; i++) {
      await signUp(`page-${String(i).padStart(2, "0")}@public.test`);
      await signUp(`page-${String(i).padStart(2, "0")}@acme-page.test`, "acme");
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await search.searchUsers(search.searchParamsSchema.parse({ q: "", cursor }));
      seen.push(...result.users.map((u) => u.id));
      cursor = result.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(66);
    const all = await search.searchUsers(search.searchParamsSchema.parse({ q: "" }));
    expect(seen.slice(0, 25)).toEqual(all.users.map((u) => u.id));
  });

  it("tries digits that no phone number has as the start of an id (a uuid can begin with six digits)", async () => {
    // About one id in sixteen starts with six digits; sign up until one does.
    let id = "";
    for (let i = 0; i < 400 && !/^\d{6}/.test(id); i++) id = await signUp(`digits-${i}-${Date.now()}@example.com`);
    expect(id).toMatch(/^\d{6}/);
    const prefix = id.slice(0, 6);
    const result = await run(prefix);
    expect(result.interpreted.kind).toBe("phone");
    expect(result.users.map((u) => u.id)).toContain(id);
    expect(result.idScan).toMatchObject({ prefix, complete: true });
  });
});

describe("listing a user's sessions", () => {
  it("reads every session with its data", async () => {
    const result = await list.listUserSessions(ids.alice!, { concurrency: 2 });
    expect(result.endedWhileLoading).toBe(0);
    expect(result.sessions).toHaveLength(3);
    expect(result.sessions.map((s) => s.sessionDataInDatabase.plan).sort()).toEqual(["free", "free", "pro"]);
    expect(result.sessions.every((s) => s.userId === ids.alice && s.tenantId === "public")).toBe(true);
  });

  it("finds sessions in other tenants with the tenant's handle suffix", async () => {
    const result = await list.listUserSessions(ids.bob!);
    expect(result.sessions).toHaveLength(1);
    expect(result.sessions[0]!.tenantId).toBe("acme");
    expect(result.sessions[0]!.sessionHandle.endsWith("_acme")).toBe(true);
  });

  it("includes the sessions of linked accounts", async () => {
    const primaryId = await signUp("linked-primary@example.com");
    const secondId = await signUp("linked-second@example.com");
    await createSession(primaryId, { from: "primary" });
    await createSession(secondId, { from: "second" });
    const made = await AccountLinking.createPrimaryUser(SuperTokens.convertToRecipeUserId(primaryId));
    expect(made.status).toBe("OK");
    const linked = await AccountLinking.linkAccounts(SuperTokens.convertToRecipeUserId(secondId), primaryId);
    expect(linked.status).toBe("OK");
    const result = await list.listUserSessions(primaryId);
    expect(result.sessions.map((s) => s.sessionDataInDatabase.from).sort()).toEqual(["primary", "second"]);
    const second = result.sessions.find((s) => s.sessionDataInDatabase.from === "second")!;
    expect(second.userId).toBe(primaryId);
    expect(second.recipeUserId).toBe(secondId);
  });

  it("drops and counts a handle that ends between listing and reading", async () => {
    const userId = await signUp("vanishing@example.com");
    const keep = await createSession(userId, { keep: true });
    const gone = await createSession(userId, { keep: false });
    // Latency on reads opens a window: both reads have reached the core but wait before being answered,
    // and the session is revoked inside it (the core applies latency before handling a request).
    core.faults.set({ endpoints: { "GET /recipe/session": { latencyMs: 400 } } });
    const readsBefore = core.stats()["GET /recipe/session"] ?? 0;
    const loading = list.listUserSessions(userId);
    while ((core.stats()["GET /recipe/session"] ?? 0) < readsBefore + 2) await new Promise((resolve) => setTimeout(resolve, 5));
    core.faults.clear();
    await Session.revokeSession(gone);
    const result = await loading;
    expect(result.sessions.map((s) => s.sessionHandle)).toEqual([keep]);
    expect(result.endedWhileLoading).toBe(1);
  });

  it("turns a core that is down into the 503 outage response", async () => {
    core.faults.set({ endpoints: { "GET /recipe/session/user": { failureRate: 1, kinds: ["drop"] } } });
    try {
      const error = await list.listUserSessions(ids.alice!).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(Response);
      const response = error as Response;
      expect(response.status).toBe(503);
      const body = (await response.json()) as { coreProblem: { kind: string; coreUrl: string } };
      expect(body.coreProblem.kind).toBe("unreachable");
      expect(body.coreProblem.coreUrl).toBe(core.url);
    } finally {
      core.faults.clear();
    }
  });

  it("surfaces a core answering 500 as an error, not as an empty list", async () => {
    core.faults.set({ endpoints: { "GET /recipe/session": { failureRate: 1, kinds: ["500"] } } });
    try {
      await expect(list.listUserSessions(ids.alice!)).rejects.toThrow(/status code: 500/);
    } finally {
      core.faults.clear();
    }
  });
});
