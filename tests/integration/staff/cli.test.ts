/**
 * `npm run staff` against both databases, run as the operator runs it (a child process with
 * DATA_DIR or DATABASE_URL): create with a generated or piped password, list, set-role, disable, enable.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installDatabase, openDatabase, resolveDatabaseTarget, type DashboardDatabase } from "../../../app/db/db.server";
import { createPostgresDatabase, DATABASE_KINDS } from "../../helpers/databases";

const projectRoot = path.resolve(import.meta.dirname, "../../..");

function runStaff(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "staff.ts"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: "production", SESSION_SECRET: "", DATABASE_URL: "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

describe.each(DATABASE_KINDS)("npm run staff on %s", (kind) => {
  let env: Record<string, string>;
  let dataDir: string;
  let drop: (() => Promise<void>) | undefined;
  let database: DashboardDatabase | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-cli-"));
    env = { DATA_DIR: dataDir };
    if (kind === "postgres") {
      const created = await createPostgresDatabase();
      env.DATABASE_URL = created.url;
      drop = created.drop;
    }
  });
  afterAll(async () => {
    installDatabase(undefined);
    await database?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Opens the database the CLI wrote to, to check the result from the outside. */
  async function open() {
    database ??= await openDatabase(resolveDatabaseTarget({ databaseUrl: env.DATABASE_URL, dataDir }));
    installDatabase(database);
    return import("../../../app/staff/accounts.server");
  }

  it("creates the first admin and prints a generated password that verifies", async () => {
    const result = await runStaff(["create", "--email", "First@Company.test", "--role", "admin", "--name", "First Admin"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Created admin first@company.test (First Admin).");
    const password = /Password: (\S+)/.exec(result.stdout)![1]!;
    const accounts = await open();
    const { verifyPassword } = await import("../../../app/staff/password.server");
    expect(await verifyPassword(password, (await accounts.findStaffRowByEmail("first@company.test"))!.password_hash)).toBe(true);
  });

  it("reads the password from stdin when one is piped", async () => {
    const result = await runStaff(["create", "--email", "piped@company.test", "--role", "editor"], env, "a-piped-password-123\n");
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("a-piped-password-123");
    const accounts = await open();
    const { verifyPassword } = await import("../../../app/staff/password.server");
    expect(await verifyPassword("a-piped-password-123", (await accounts.findStaffRowByEmail("piped@company.test"))!.password_hash)).toBe(true);
  });

  it("lists, sets a role, disables and enables", async () => {
    expect((await runStaff(["set-role", "--email", "piped@company.test", "--role", "viewer"], env)).stdout).toContain("piped@company.test is now viewer (it was editor).");
    await open();
    const { listStaffEvents } = await import("../../../app/staff/events.server");
    const roleChanges = (await listStaffEvents(500)).filter((event) => event.action === "set-role" && event.targetEmail === "piped@company.test");
    expect(roleChanges.map((event) => [event.actorEmail, event.detail])).toEqual([[null, "from editor to viewer"]]);
    expect((await runStaff(["disable", "--email", "piped@company.test"], env)).stdout).toContain("Disabled piped@company.test");
    const listed = await runStaff(["list"], env);
    expect(listed.stdout).toMatch(/admin\s+first@company.test\s+First Admin\s+\(active/);
    expect(listed.stdout).toMatch(/viewer\s+piped@company.test\s+piped\s+\(disabled/);
    expect((await runStaff(["enable", "--email", "piped@company.test"], env)).code).toBe(0);
  });

  it("resets a two-step sign-in (break-glass), only with a reason, and records it", async () => {
    expect((await runStaff(["create", "--email", "phone-lost@company.test", "--role", "viewer"], env)).code).toBe(0);
    const accounts = await open();
    const account = (await accounts.findStaffByEmail("phone-lost@company.test"))!;
    const { startTotpEnrolment, hasConfirmedTotp } = await import("../../../app/staff/totp.server");
    const { getDb } = await import("../../../app/db/db.server");
    await startTotpEnrolment(account.id);
    await getDb().updateTable("staff_totp").set({ confirmed_at: new Date().toISOString() }).where("staff_id", "=", account.id).execute();

    const noReason = await runStaff(["reset-totp", "--email", "phone-lost@company.test"], env);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain("--reason is required.");
    expect(await hasConfirmedTotp(account.id)).toBe(true);

    const reset = await runStaff(["reset-totp", "--email", "Phone-Lost@company.test", "--reason", "lost phone, ticket 12"], env);
    expect(reset.stderr).toBe("");
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("Reset the two-step sign-in of phone-lost@company.test");
    expect(await hasConfirmedTotp(account.id)).toBe(false);
    const { listStaffEvents } = await import("../../../app/staff/events.server");
    expect((await listStaffEvents(50)).find((event) => event.action === "totp-reset" && event.targetEmail === "phone-lost@company.test")).toMatchObject({ actorEmail: null, detail: "because: lost phone, ticket 12" });

    const again = await runStaff(["reset-totp", "--email", "phone-lost@company.test", "--reason", "again"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("has no two-step sign-in to reset");
  });

  it("fails with a clear message and exit code 1", async () => {
    const duplicate = await runStaff(["create", "--email", "first@company.test", "--role", "admin"], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("A staff account for first@company.test already exists.");
    const lastAdmin = await runStaff(["disable", "--email", "first@company.test"], env);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain("At least one active admin must remain");
    const badRole = await runStaff(["create", "--email", "x@company.test", "--role", "root"], env);
    expect(badRole.stderr).toContain("must be viewer, editor or admin");
    const unknown = await runStaff(["frobnicate"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Usage:");
  });
});
