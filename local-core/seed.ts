// Demo data for Session Desk, made through the REAL supertokens-node SDK against a running core
// (local or real): tenants, users of every auth recipe (email/password, Google/GitHub third party,
// passwordless phone/email), linked accounts, user metadata and sessions with varied data.
//
// The SDK is a process-wide singleton. If SuperTokens is already initialised in this process with
// the same connectionURI and the recipes the seed needs, it is reused; otherwise the seed runs in a
// child process (seed-worker.ts) that initialises its own SDK, so it never clobbers the caller's.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session/index.js";
import EmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import ThirdParty from "supertokens-node/recipe/thirdparty/index.js";
import Passwordless from "supertokens-node/recipe/passwordless/index.js";
import UserMetadata from "supertokens-node/recipe/usermetadata/index.js";
import Multitenancy from "supertokens-node/recipe/multitenancy/index.js";
import AccountLinking from "supertokens-node/recipe/accountlinking/index.js";
import {
  accessTokenPayload,
  bigDocument,
  megabyteDocument,
  chance,
  createRng,
  demoSessions,
  FIRST_NAMES,
  int,
  LAST_NAMES,
  pick,
  sessionData,
  xssSessions,
  type Rng,
} from "./seed-data.js";

export interface SeedOptions {
  connectionURI: string;
  apiKey?: string;
  /** Default 1. Same number → same users, emails, phone numbers and session documents. */
  seed?: number;
  log?: (line: string) => void;
  /**
   * Only what a core without a licence key can hold: the public tenant's users, none linked and none
   * added to another tenant (a core started with `unlicensed` answers 402 to the rest). The users
   * that remain keep the emails and names they have in the full set.
   */
  unlicensed?: boolean;
}

export interface SeedResult {
  users: number;
  sessions: number;
  tenants: string[];
}

const TENANTS = ["public", "acme", "globex"] as const;
const PASSWORD = "Demo-passw0rd!";
const CONCURRENCY = 16;
const REFRESH_VALIDITY_MS = 100 * 86400_000;

type Kind = "emailpassword" | "google" | "github" | "phone" | "pl-email";

interface PlannedUser {
  key: string;
  tenant: string;
  kind: Kind;
  email?: string;
  phone?: string;
  thirdPartyUserId?: string;
  sessions: number;
  special?: "demo" | "heavy" | "xss" | "big" | "huge";
  /** Link this login method to the primary user created from `linkTo`. */
  linkTo?: string;
  alsoTenants?: string[];
  profile: { firstName: string; lastName: string };
}

interface CreatedUser extends PlannedUser {
  userId: string;
  recipeUserId: string;
}

// ---------------- SDK initialisation ----------------

const requireCjs = createRequire(import.meta.url);

interface StInstance {
  supertokens?: { connectionURI: string; apiKey?: string };
  getRecipeInstance(id: string): unknown;
}

function currentSdkInstance(): StInstance | undefined {
  const mod = requireCjs("supertokens-node/lib/build/supertokens.js") as { default: { instance?: StInstance } };
  return mod.default.instance;
}

const NEEDED_RECIPES = ["session", "emailpassword", "thirdparty", "passwordless", "usermetadata", "multitenancy", "accountlinking"];

function sameHosts(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .split(";")
      .filter(Boolean)
      .map((h) => h.replace(/\/+$/, "").toLowerCase())
      .sort()
      .join(";");
  return norm(a) === norm(b);
}

/** "init" when we may initialise here, "reuse" when a compatible SDK exists, "child" otherwise. */
function sdkMode(opts: SeedOptions): "init" | "reuse" | "child" {
  const inst = currentSdkInstance();
  if (!inst) return "init";
  const uri = inst.supertokens?.connectionURI ?? "";
  const recipesOk = NEEDED_RECIPES.every((id) => inst.getRecipeInstance(id) !== undefined);
  return sameHosts(uri, opts.connectionURI) && recipesOk ? "reuse" : "child";
}

function initSdk(opts: SeedOptions): void {
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: opts.connectionURI, apiKey: opts.apiKey },
    appInfo: { appName: "Session Desk demo", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [
      Session.init(),
      EmailPassword.init(),
      ThirdParty.init(),
      Passwordless.init({ contactMethod: "EMAIL_OR_PHONE", flowType: "USER_INPUT_CODE" }),
      UserMetadata.init(),
      AccountLinking.init(),
    ],
    telemetry: false,
  });
}

// ---------------- helpers ----------------

async function runPool<T>(items: T[], limit: number, worker: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await worker(items[i], i);
    }
  });
  await Promise.all(runners);
}

function asciiSlug(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[^A-Za-z0-9]/g, "")
    .toLowerCase();
}

function sessionCount(rng: Rng): number {
  // Skewed: many users with a few sessions, some with none, a few with many (max 25).
  const r = rng();
  if (r < 0.12) return 0;
  if (r < 0.6) return int(rng, 1, 4);
  if (r < 0.9) return int(rng, 5, 12);
  return int(rng, 13, 25);
}

function plan(rng: Rng): PlannedUser[] {
  const users: PlannedUser[] = [];
  const usedEmails = new Set<string>();
  const person = () => ({ firstName: pick(rng, FIRST_NAMES), lastName: pick(rng, LAST_NAMES) });
  const emailFor = (p: { firstName: string; lastName: string }, domain: string) => {
    let base = `${asciiSlug(p.firstName)}.${asciiSlug(p.lastName)}`;
    let email = `${base}@${domain}`;
    for (let n = 2; usedEmails.has(email); n++) email = `${base}${n}@${domain}`;
    usedEmails.add(email);
    return email;
  };
  const add = (u: Omit<PlannedUser, "key" | "sessions"> & { sessions?: number }) => {
    users.push({ ...u, key: `u${users.length}`, sessions: u.sessions ?? sessionCount(rng) });
    return users[users.length - 1];
  };

  // The named users the dashboard and the browser tests look for.
  add({ tenant: "public", kind: "emailpassword", email: "demo@example.com", special: "demo", sessions: 5, profile: { firstName: "Demo", lastName: "User" } });
  add({ tenant: "public", kind: "emailpassword", email: "heavy@example.com", special: "heavy", sessions: 1000, profile: { firstName: "Heavy", lastName: "Sessions" } });
  add({ tenant: "public", kind: "emailpassword", email: "xss@example.com", special: "xss", sessions: 3, profile: { firstName: "<script>alert(1)</script>", lastName: "<img src=x onerror=alert(1)>" } });
  add({ tenant: "public", kind: "emailpassword", email: "archive@example.com", special: "big", sessions: 2, profile: { firstName: "Archie", lastName: "Large" } });
  for (const e of ["demo@example.com", "heavy@example.com", "xss@example.com", "archive@example.com", "megabyte@example.com"]) usedEmails.add(e);

  // Linked accounts: email/password + Google with the same email; email/password + phone.
  const sam = add({ tenant: "public", kind: "emailpassword", email: "sam.linked@example.com", profile: { firstName: "Sam", lastName: "Linked" }, sessions: 3 });
  add({ tenant: "public", kind: "google", email: "sam.linked@example.com", thirdPartyUserId: "google-108234567890", linkTo: sam.key, profile: sam.profile, sessions: 2 });
  const pat = add({ tenant: "public", kind: "emailpassword", email: "pat.both@example.com", profile: { firstName: "Pat", lastName: "Both" }, sessions: 2 });
  add({ tenant: "public", kind: "phone", phone: "+14155550123", linkTo: pat.key, profile: pat.profile, sessions: 1 });
  usedEmails.add("sam.linked@example.com");
  usedEmails.add("pat.both@example.com");

  // A user who belongs to two tenants.
  const multi = person();
  add({ tenant: "public", kind: "emailpassword", email: "consultant@example.com", alsoTenants: ["acme"], profile: multi });
  usedEmails.add("consultant@example.com");

  for (let i = 0; i < 28; i++) {
    const p = person();
    add({ tenant: "public", kind: "emailpassword", email: emailFor(p, "example.com"), profile: p });
  }
  for (const tenant of ["acme", "globex"] as const) {
    for (let i = 0; i < 8; i++) {
      const p = person();
      add({ tenant, kind: "emailpassword", email: emailFor(p, `${tenant}.example`), profile: p });
    }
  }
  const thirdParty: Array<[string, "google" | "github", number]> = [
    ["public", "google", 3],
    ["public", "github", 3],
    ["acme", "google", 2],
    ["globex", "github", 2],
  ];
  for (const [tenant, kind, n] of thirdParty) {
    for (let i = 0; i < n; i++) {
      const p = person();
      const domain = kind === "google" ? "gmail.example" : "users.noreply.github.example";
      add({
        tenant,
        kind,
        email: emailFor(p, domain),
        thirdPartyUserId: kind === "google" ? `google-${int(rng, 100000000, 999999999)}${i}` : `gh-${int(rng, 100000, 9999999)}${i}`,
        profile: p,
      });
    }
  }
  const phones: Array<[string, string]> = [
    ["public", "+14155550"],
    ["public", "+447700900"],
    ["public", "+61491570"],
    ["public", "+4915550"],
    ["acme", "+14155551"],
    ["acme", "+33612345"],
    ["globex", "+81801234"],
  ];
  phones.forEach(([tenant, prefix], i) => {
    const p = person();
    add({ tenant, kind: "phone", phone: `${prefix}${String(100 + i * 7 + int(rng, 0, 6)).padStart(3, "0")}`, profile: p });
  });
  for (const tenant of ["public", "public", "acme"]) {
    const p = person();
    add({ tenant, kind: "pl-email", email: emailFor(p, "mail.example"), profile: p });
  }
  // Added last, so that every user before it keeps its index, and with it its seeded data.
  add({ tenant: "public", kind: "emailpassword", email: "megabyte@example.com", special: "huge", sessions: 1, profile: { firstName: "Hugh", lastName: "Megabyte" } });
  return users;
}

/** The plan for `unlicensed`: public-tenant users only, unlinked, in no other tenant (the whole plan is made first, so those users keep their emails and names). */
function withoutPaidFeatures(planned: PlannedUser[]): PlannedUser[] {
  return planned
    .filter((u) => u.tenant === "public")
    .map(({ linkTo: _linkTo, alsoTenants: _alsoTenants, ...u }) => u);
}

// ---------------- the seed ----------------

export async function seedDemoData(opts: SeedOptions): Promise<SeedResult> {
  const mode = sdkMode(opts);
  if (mode === "child") return seedInChildProcess(opts);
  if (mode === "init") initSdk(opts);
  return seedWithSdk(opts);
}

async function setCoreClockOffset(opts: SeedOptions, offsetMs: number): Promise<boolean> {
  const origin = new URL(opts.connectionURI.split(";")[0]).origin;
  try {
    const res = await fetch(`${origin}/_local-core/clock`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...(opts.apiKey ? { "api-key": opts.apiKey } : {}) },
      body: JSON.stringify({ offsetMs }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

async function getCoreClockOffset(opts: SeedOptions): Promise<number | undefined> {
  const origin = new URL(opts.connectionURI.split(";")[0]).origin;
  try {
    const res = await fetch(`${origin}/_local-core/clock`, { headers: opts.apiKey ? { "api-key": opts.apiKey } : {} });
    if (!res.ok) return undefined;
    return ((await res.json()) as { offsetMs: number }).offsetMs;
  } catch {
    return undefined;
  }
}

async function seedWithSdk(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const rng = createRng(opts.seed ?? 1);
  const planned = opts.unlicensed ? withoutPaidFeatures(plan(rng)) : plan(rng);
  const tenants: string[] = opts.unlicensed ? ["public"] : [...TENANTS];

  for (const t of tenants) {
    if (t === "public") continue;
    await Multitenancy.createOrUpdateTenant(t, { firstFactors: ["emailpassword", "thirdparty", "otp-phone", "otp-email"] });
  }
  log(`tenants: ${tenants.join(", ")}`);

  // Users one after another: their timeJoined order (what GET /users sorts by) then follows the
  // plan, so listings look the same on every run with the same seed.
  const created = new Map<string, CreatedUser>();
  for (const u of planned) {
    const { userId, recipeUserId } = await createUser(u);
    created.set(u.key, { ...u, userId, recipeUserId });
  }
  log(`created ${created.size} login methods`);

  // Account linking: the target becomes primary, then the other login method is linked to it.
  for (const u of created.values()) {
    if (!u.linkTo) continue;
    const primary = created.get(u.linkTo)!;
    const p = await AccountLinking.createPrimaryUser(SuperTokens.convertToRecipeUserId(primary.recipeUserId));
    if (p.status !== "OK") throw new Error(`createPrimaryUser(${primary.email}) failed: ${p.status}`);
    const l = await AccountLinking.linkAccounts(SuperTokens.convertToRecipeUserId(u.recipeUserId), primary.recipeUserId);
    if (l.status !== "OK") throw new Error(`linkAccounts(${u.email ?? u.phone}) failed: ${l.status}`);
    u.userId = primary.recipeUserId;
  }
  for (const u of created.values()) {
    for (const t of u.alsoTenants ?? []) {
      const r = await Multitenancy.associateUserToTenant(t, SuperTokens.convertToRecipeUserId(u.recipeUserId));
      if (r.status !== "OK") throw new Error(`associateUserToTenant(${t}) failed: ${r.status}`);
    }
  }

  // Metadata for most users (on the primary id, as apps do).
  const metaUsers = [...created.values()].filter((u) => !u.linkTo);
  await runPool(metaUsers, CONCURRENCY, async (u, i) => {
    const r = createRng((opts.seed ?? 1) * 7919 + i);
    if (u.special !== "demo" && chance(r, 0.2)) return;
    await UserMetadata.updateUserMetadata(u.userId, {
      first_name: u.profile.firstName,
      last_name: u.profile.lastName,
      plan: pick(r, ["free", "starter", "pro", "team", "enterprise"]),
      marketingOptIn: chance(r, 0.5),
      ...(chance(r, 0.3) ? { supportTier: pick(r, ["standard", "priority"]) } : {}),
    });
  });
  log(`metadata for ${metaUsers.length} users`);

  // Sessions.
  interface SessionTask {
    user: CreatedUser;
    tenant: string;
    data: Record<string, unknown>;
    payload: Record<string, unknown>;
  }
  const tasks: SessionTask[] = [];
  const userList = [...created.values()].sort((a, b) => Number(a.key.slice(1)) - Number(b.key.slice(1)));
  userList.forEach((u, ui) => {
    const r = createRng((opts.seed ?? 1) * 104729 + ui);
    const tenants = [u.tenant, ...(u.alsoTenants ?? [])];
    if (u.special === "demo") {
      for (const s of demoSessions()) tasks.push({ user: u, tenant: u.tenant, data: s.data, payload: s.payload });
      return;
    }
    if (u.special === "xss") {
      for (const data of xssSessions()) tasks.push({ user: u, tenant: u.tenant, data, payload: { role: "<script>alert(1)</script>" } });
      return;
    }
    if (u.special === "big") {
      tasks.push({ user: u, tenant: u.tenant, data: bigDocument(r), payload: { role: "member" } });
      tasks.push({ user: u, tenant: u.tenant, data: sessionData(r, ui, 1), payload: accessTokenPayload(r) });
      return;
    }
    if (u.special === "huge") {
      tasks.push({ user: u, tenant: u.tenant, data: megabyteDocument(r), payload: { role: "member" } });
      return;
    }
    if (u.special === "heavy") {
      for (let i = 0; i < u.sessions; i++) {
        tasks.push({
          user: u,
          tenant: u.tenant,
          data: { i, plan: "pro", device: { os: pick(r, ["iOS 18.1", "Android 15", "macOS 15.1"]) }, featureFlags: { beta: i % 7 === 0 } },
          payload: { role: "member", n: i },
        });
      }
      return;
    }
    for (let i = 0; i < u.sessions; i++) {
      tasks.push({ user: u, tenant: pick(r, tenants), data: sessionData(r, ui, i), payload: accessTokenPayload(r) });
    }
  });

  let sessions = 0;
  await runPool(tasks, CONCURRENCY, async (t) => {
    await Session.createNewSessionWithoutRequestResponse(
      t.tenant,
      SuperTokens.convertToRecipeUserId(t.user.recipeUserId),
      t.payload,
      t.data,
    );
    sessions++;
  });
  log(`created ${sessions} sessions`);

  // A few sessions close to expiry: create them while the core's clock is set back, so their
  // 100-day lifetime ends within hours. Only possible on the local core (/_local-core/clock).
  const previousOffset = await getCoreClockOffset(opts);
  if (previousOffset !== undefined) {
    const nearExpiry: Array<[CreatedUser, number]> = [];
    const demo = userList.find((u) => u.special === "demo")!;
    nearExpiry.push([demo, 3]);
    const others = userList.filter((u) => !u.special && u.tenant === "public").slice(0, 3);
    others.forEach((u, i) => nearExpiry.push([u, [1, 6, 20][i]]));
    try {
      for (const [u, hours] of nearExpiry) {
        await setCoreClockOffset(opts, previousOffset - (REFRESH_VALIDITY_MS - hours * 3600_000));
        await Session.createNewSessionWithoutRequestResponse(
          u.tenant,
          SuperTokens.convertToRecipeUserId(u.recipeUserId),
          { role: "member" },
          { plan: "pro", expiresSoon: true, note: `Created so that it expires in about ${hours} h ⏳` },
        );
        sessions++;
      }
    } finally {
      await setCoreClockOffset(opts, previousOffset);
    }
    log(`created ${nearExpiry.length} sessions that expire within hours`);
  } else {
    log("core has no /_local-core/clock: skipped the near-expiry sessions");
  }

  const users = await SuperTokens.getUserCount();
  return { users, sessions, tenants };

  async function createUser(u: PlannedUser): Promise<{ userId: string; recipeUserId: string }> {
    switch (u.kind) {
      case "emailpassword": {
        const r = await EmailPassword.signUp(u.tenant, u.email!, PASSWORD);
        if (r.status === "OK") return { userId: r.user.id, recipeUserId: r.recipeUserId.getAsString() };
        const s = await EmailPassword.signIn(u.tenant, u.email!, PASSWORD);
        if (s.status !== "OK") throw new Error(`signUp(${u.email}) failed: ${r.status}`);
        return { userId: s.user.id, recipeUserId: s.recipeUserId.getAsString() };
      }
      case "google":
      case "github": {
        const r = await ThirdParty.manuallyCreateOrUpdateUser(u.tenant, u.kind, u.thirdPartyUserId!, u.email!, true);
        if (r.status !== "OK") throw new Error(`thirdparty signinup(${u.email}) failed: ${r.status}`);
        return { userId: r.user.id, recipeUserId: r.recipeUserId.getAsString() };
      }
      case "phone": {
        const r = await Passwordless.signInUp({ tenantId: u.tenant, phoneNumber: u.phone! });
        return { userId: r.user.id, recipeUserId: r.recipeUserId.getAsString() };
      }
      case "pl-email": {
        const r = await Passwordless.signInUp({ tenantId: u.tenant, email: u.email! });
        return { userId: r.user.id, recipeUserId: r.recipeUserId.getAsString() };
      }
    }
  }
}

// ---------------- child-process fallback ----------------

async function seedInChildProcess(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const worker = fileURLToPath(new URL("./seed-worker.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", worker], {
    env: {
      ...process.env,
      SEED_CONNECTION_URI: opts.connectionURI,
      SEED_API_KEY: opts.apiKey ?? "",
      SEED_NUMBER: String(opts.seed ?? 1),
      SEED_UNLICENSED: opts.unlicensed ? "true" : "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let result: SeedResult | undefined;
  let stderr = "";
  let buffer = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith("__SEED_RESULT__ ")) result = JSON.parse(line.slice(16)) as SeedResult;
      else if (line.trim() !== "") log(line);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0 || !result) throw new Error(`seed worker failed (exit ${code}): ${stderr.trim().slice(-2000)}`);
  return result;
}
