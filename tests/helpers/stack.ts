/**
 * A whole Session Desk for an integration test, in this process: an in-memory local core on an ephemeral
 * port, a temp data folder (SQLite unless `env.DATABASE_URL` says otherwise), the built Remix app
 * (`build/index.js`: run `npx remix build` first) behind the real express server on 127.0.0.1.
 *
 *   const stack = await startTestStack();
 *   const cookie = await signIn(stack, "editor");           // tests/helpers/http.ts
 *   …
 *   await stack.stop();
 *
 * The environment is set BEFORE the app build is imported, because the app reads its configuration
 * once. Vitest runs each test file in its own process, so one stack per file is the normal use.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalCore, type LocalCore } from "../../local-core/index";
import type { StaffRole } from "../../app/staff/roles";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface TestStack {
  /** The dashboard, e.g. http://127.0.0.1:41234 (also the Origin its forms send). */
  url: string;
  coreUrl: string;
  core: LocalCore;
  apiKey?: string;
  dataDir: string;
  /** A staff account made directly in the database (no HTTP). */
  createStaff(role: StaffRole, options?: CreateStaffOptions): Promise<TestStaff>;
  stop(): Promise<void>;
}

export interface CreateStaffOptions {
  email?: string;
  displayName?: string;
  password?: string;
}

export interface TestStaff {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  password: string;
}

export interface TestStackOptions {
  apiKey?: string;
  /** Seed the core with the demo data set (through the real SDK in a child process, as `npm start` does). */
  seedDemo?: boolean;
  /** Extra or overriding environment, e.g. { SESSION_DESK_BUNDLED_CORE: "false" } for "a real core". */
  env?: Record<string, string>;
  /** A core without a licence key (local-core/licence.ts): 402 to paid features, only the public tenant. */
  unlicensed?: boolean;
}

let staffCounter = 0;

/** Makes a staff account directly in the database the running stack uses. */
export async function createStaff(role: StaffRole, options: CreateStaffOptions = {}): Promise<TestStaff> {
  const { createStaffAccount } = await import("../../app/staff/accounts.server");
  staffCounter += 1;
  const email = options.email ?? `${role}-${staffCounter}-${Math.random().toString(36).slice(2, 8)}@staff.test`;
  const password = options.password ?? `test-password-${role}-${staffCounter}`;
  const { account } = await createStaffAccount({ email, role, password, displayName: options.displayName ?? `Test ${role} ${staffCounter}` });
  return { id: account.id, email: account.email, displayName: account.displayName, role, password };
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  if (!existsSync(path.join(projectRoot, "build", "index.js"))) {
    throw new Error("No Remix build found: run `npx remix build` (npm test does it first).");
  }
  const core = await startLocalCore({ dbPath: ":memory:", apiKey: options.apiKey, port: 0, unlicensed: options.unlicensed });
  const dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-stack-"));
  try {
    if (options.seedDemo) await seedDemo(core.url, options.apiKey, options.unlicensed);
    Object.assign(process.env, {
      NODE_ENV: "test",
      SUPERTOKENS_CONNECTION_URI: core.url,
      SUPERTOKENS_API_KEY: options.apiKey ?? "",
      SESSION_DESK_BUNDLED_CORE: "true",
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      APP_ORIGIN: "",
      // Tests act from other client addresses with X-Forwarded-For (tests/helpers/http.ts): their only peer is loopback.
      TRUST_PROXY: "loopback",
      SESSION_SECRET: "",
      ...options.env,
    });
    // Only now: these modules read the environment on first use.
    const { prepareDashboard } = await import("../../server/prepare");
    await prepareDashboard({ dataDir, log: () => {} });
    const { createApp, listen, loadBuild } = await import("../../server/app");
    const server = await listen(createApp(await loadBuild()), 0, "127.0.0.1");
    const { closeDb } = await import("../../app/db/db.server");
    const { resetClock } = await import("../../app/staff/clock.server");
    return {
      url: `http://127.0.0.1:${server.port}`,
      coreUrl: core.url,
      core,
      apiKey: options.apiKey,
      dataDir,
      createStaff,
      async stop() {
        await server.close();
        await closeDb();
        resetClock();
        await core.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

function seedDemo(uri: string, apiKey: string | undefined, unlicensed = false): Promise<void> {
  const args = ["--import", "tsx", path.join(projectRoot, "scripts", "seed-into.ts"), "--uri", uri];
  if (apiKey) args.push("--api-key", apiKey);
  if (unlicensed) args.push("--unlicensed");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`demo seed failed (exit code ${code}): ${stderr}`))));
  });
}

/**
 * A user with one session in the core, made over the core's own HTTP API (no SDK: the SDK is a
 * per-process singleton the app under test owns). Returns the user id and the session handle.
 */
export async function createCoreUserWithSession(
  stack: Pick<TestStack, "coreUrl" | "apiKey">,
  options: { email?: string; sessionData?: Record<string, unknown> } = {},
): Promise<{ userId: string; sessionHandle: string }> {
  const email = options.email ?? `user-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const signUp = await coreCall(stack, "/recipe/signup", "emailpassword", { email, password: "Passw0rd-fixture" });
  if (signUp.status !== "OK") throw new Error(`core sign-up failed: ${JSON.stringify(signUp)}`);
  const userId = (signUp.user as { id: string }).id;
  const session = await coreCall(stack, "/recipe/session", "session", {
    userId,
    enableAntiCsrf: false,
    userDataInJWT: {},
    userDataInDatabase: options.sessionData ?? { plan: "free" },
  });
  return { userId, sessionHandle: (session.session as { handle: string }).handle };
}

async function coreCall(stack: Pick<TestStack, "coreUrl" | "apiKey">, route: string, rid: string, body: unknown): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { "content-type": "application/json", "cdi-version": "5.4", rid };
  if (stack.apiKey) headers["api-key"] = stack.apiKey;
  const response = await fetch(`${stack.coreUrl}${route}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`core ${route} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Tables whose rows change on any request by design (session last-seen, throttle counters). */
const VOLATILE_TABLES = new Set(["staff_sessions", "sign_in_failures", "sign_in_known_addresses", "sign_in_challenges"]);
const VOLATILE_COLUMNS = new Set(["last_sign_in_at"]);

/**
 * Everything a request could have written, as one comparable string: every table of the dashboard's
 * database (tables added later included) except session bookkeeping, and the number of non-GET calls
 * the core has received. Equal before and after a request = the request wrote nothing.
 */
export async function writeSnapshot(stack: Pick<TestStack, "core">): Promise<string> {
  const { getDb } = await import("../../app/db/db.server");
  const db = getDb();
  const tables = (await db.introspection.getTables())
    .map((table) => table.name)
    .filter((name) => !VOLATILE_TABLES.has(name) && !name.startsWith("kysely_"))
    .sort();
  const parts: string[] = [];
  for (const table of tables) {
    const rows = (await db.selectFrom(table as "staff_users").selectAll().execute()) as Record<string, unknown>[];
    const stable = rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([key]) => !VOLATILE_COLUMNS.has(key))))).sort();
    parts.push(`${table}: ${stable.join(",")}`);
  }
  const coreWrites = Object.entries(stack.core.stats())
    .filter(([key]) => !key.startsWith("GET "))
    .reduce((sum, [, count]) => sum + count, 0);
  parts.push(`core non-GET calls: ${coreWrites}`);
  return parts.join("\n");
}
