/**
 * Staff accounts from the server's shell — how the first admin is made with a real core.
 *
 *   npm run staff -- create --email you@company.com --role admin [--name "Your Name"]
 *       prints a generated password, or uses the one piped in: `echo "$PW" | npm run staff -- create …`
 *   npm run staff -- list
 *   npm run staff -- set-role --email someone@company.com --role editor
 *   npm run staff -- disable --email someone@company.com
 *   npm run staff -- enable --email someone@company.com
 *   npm run staff -- reset-totp --email someone@company.com --reason "lost phone"
 *       (break-glass: the last admin without their authenticator or recovery codes)
 *
 * Uses the same database as the server: DATABASE_URL, else SQLite in DATA_DIR (default ./data), read from
 * the environment or .env.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { configSchema } from "../app/config.server";
import { installDatabase, openDatabase, resolveDatabaseTarget } from "../app/db/db.server";
import {
  createStaffAccount,
  disableStaffAccount,
  enableStaffAccount,
  findStaffByEmail,
  listStaffAccounts,
  setStaffRole,
  StaffAccountError,
} from "../app/staff/accounts.server";
import { staffRoleSchema } from "../app/staff/schemas.server";
import { recordStaffEvent, roleChangeDetail } from "../app/staff/events.server";
import { removeTotp } from "../app/staff/totp.server";

// The folder with package.json: this file runs from scripts/ (tsx) or compiled from build/server/.
const projectRoot = ((from: string): string => {
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) if (existsSync(path.join(dir, "package.json"))) return dir;
  return path.resolve(from, "..");
})(path.dirname(fileURLToPath(import.meta.url)));
const USAGE = `Usage:
  npm run staff -- create --email <email> --role <viewer|editor|admin> [--name <display name>]
      (prints a generated password, or reads one from stdin when piped)
  npm run staff -- list
  npm run staff -- set-role --email <email> --role <viewer|editor|admin>
  npm run staff -- disable --email <email>
  npm run staff -- enable --email <email>
  npm run staff -- reset-totp --email <email> --reason <why>
      (removes their two-step sign-in: authenticator and recovery codes)`;

async function readPipedPassword(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One line: a trailing newline from `echo` is not part of the password.
  const text = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  return text === "" ? undefined : text;
}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required.`);
  return value;
}

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" }, reason: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (!["create", "list", "set-role", "disable", "enable", "reset-totp"].includes(command)) throw new UsageError(`Unknown command "${command}".`);

  if (existsSync(path.join(projectRoot, ".env"))) process.loadEnvFile(path.join(projectRoot, ".env"));
  // Only the database settings: the CLI must work where the server's other settings are not present.
  const env = configSchema.pick({ DATA_DIR: true, DATABASE_URL: true }).parse(process.env);
  const dataDir = path.resolve(projectRoot, env.DATA_DIR);
  const database = await openDatabase(resolveDatabaseTarget({ databaseUrl: env.DATABASE_URL, dataDir }));
  installDatabase(database);
  try {
    switch (command) {
      case "create": {
        const role = staffRoleSchema.parse(need(values.role, "--role"));
        const password = await readPipedPassword();
        const { account, generatedPassword } = await createStaffAccount({ email: need(values.email, "--email"), role, displayName: values.name, password });
        await recordStaffEvent({ actorEmail: null, action: "create", targetEmail: account.email, detail: `as ${account.role}` });
        console.log(`Created ${account.role} ${account.email} (${account.displayName}).`);
        if (generatedPassword) console.log(`Password: ${generatedPassword}\nGive it to them securely; it is stored only as a hash and will not be shown again.`);
        else console.log("Password: the one read from stdin.");
        break;
      }
      case "list": {
        const accounts = await listStaffAccounts();
        if (accounts.length === 0) console.log("No staff accounts yet. Create the first admin:\n  npm run staff -- create --email you@company.com --role admin");
        for (const account of accounts) {
          const state = [account.disabled ? "disabled" : "active", account.demo ? "demo" : ""].filter(Boolean).join(", ");
          console.log(`${account.role.padEnd(6)}  ${account.email}  ${account.displayName}  (${state}; last sign-in ${account.lastSignInAt ?? "never"})`);
        }
        break;
      }
      case "set-role": {
        const account = await setStaffRole(need(values.email, "--email"), staffRoleSchema.parse(need(values.role, "--role")));
        await recordStaffEvent({ actorEmail: null, action: "set-role", targetEmail: account.email, detail: roleChangeDetail(account) });
        console.log(`${account.email} is now ${account.role} (it was ${account.previousRole}).`);
        break;
      }
      case "disable": {
        const account = await disableStaffAccount(need(values.email, "--email"));
        await recordStaffEvent({ actorEmail: null, action: "disable", targetEmail: account.email });
        console.log(`Disabled ${account.email}; their sessions have ended.`);
        break;
      }
      case "enable": {
        const account = await enableStaffAccount(need(values.email, "--email"));
        await recordStaffEvent({ actorEmail: null, action: "enable", targetEmail: account.email });
        console.log(`Enabled ${account.email}.`);
        break;
      }
      case "reset-totp": {
        const email = need(values.email, "--email").trim().toLowerCase();
        const reason = need(values.reason?.trim(), "--reason");
        const account = await findStaffByEmail(email);
        if (!account) throw new StaffAccountError(`There is no staff account for ${email}.`);
        if (!(await removeTotp(account.id))) throw new StaffAccountError(`${account.email} has no two-step sign-in to reset.`);
        await recordStaffEvent({ actorEmail: null, action: "totp-reset", targetEmail: account.email, detail: `because: ${reason}` });
        console.log(`Reset the two-step sign-in of ${account.email}: their password alone signs in until they set it up again.`);
        break;
      }
    }
  } finally {
    installDatabase(undefined);
    await database.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else if (error instanceof StaffAccountError) console.error(error.message);
  else if (error instanceof ZodError) console.error(error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("\n"));
  else console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
