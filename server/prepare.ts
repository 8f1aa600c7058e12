/**
 * The dashboard's own database before the first request: open it (SQLite in the data folder, or
 * PostgreSQL by DATABASE_URL), run migrations, load the cookie secret, settle the audit entries a stopped
 * instance left unfinished, and in demo mode make sure the
 * demo staff accounts exist and print their credentials. With a real core there are no default accounts;
 * if no admin exists yet, say how to create the first one.
 */
import { getConfig, isDemoMode } from "../app/config.server";
import { openConfiguredDatabase } from "../app/db/db.server";
import { settleAtStartup } from "../app/sessions/settle-abandoned.server";
import { hasActiveAdmin } from "../app/staff/accounts.server";
import { DEMO_ACCOUNTS, disableDemoStaff, ensureDemoStaff } from "../app/staff/demo.server";
import { loadSessionSecret } from "../app/staff/secret.server";
import { ensureDemoSchema } from "../app/schema/demo.server";
import { loadSchemaFile } from "../app/schema/store.server";
import { seedMaskPatterns } from "../app/masking/settings.server";

export async function prepareDashboard(options: { dataDir: string; log: (line: string) => void; demoSchema?: boolean }): Promise<void> {
  const config = getConfig();
  const database = await openConfiguredDatabase(options.dataDir);
  options.log(`Staff and audit database: ${database.description}`);
  loadSessionSecret(options.dataDir);
  // Writes an instance that stopped had begun and never finished: each audit entry is settled from what
  // the core holds (the core is up by now). Only entries whose writer is surely gone; see the module.
  await settleAtStartup(options.log);
  // The session-data schema from SESSION_DATA_SCHEMA_FILE: read now, so a bad file stops start-up with why.
  const schemaFile = loadSchemaFile();
  if (schemaFile) options.log(`Session data schema from file: ${schemaFile.description ?? schemaFile.name}`);
  // Masking settings never saved yet: MASK_PATTERNS, or the demo patterns in demo mode (app/masking).
  const seededPatterns = await seedMaskPatterns();
  if (seededPatterns.length > 0) options.log(`Masked paths set up: ${seededPatterns.join(", ")} (change them on /masking).`);

  if (isDemoMode(config)) {
    await ensureDemoStaff();
    // The demo data's schema (a few demo sessions break it): with the demo data only, not in test stacks.
    if (options.demoSchema) await ensureDemoSchema();
    options.log("Demo mode: sign in with one of these staff accounts (also shown on the sign-in page):");
    const width = Math.max(...DEMO_ACCOUNTS.map((account) => account.email.length));
    for (const account of DEMO_ACCOUNTS) {
      options.log(`  ${account.role.padEnd(6)}  ${account.email.padEnd(width)}  password: ${account.password}`);
    }
    return;
  }

  const disabled = await disableDemoStaff();
  if (disabled > 0) options.log(`Disabled ${disabled} demo staff account(s): demo accounts only work with the bundled core.`);
  if (!(await hasActiveAdmin())) {
    options.log("No staff admin exists yet. Create the first one:");
    options.log("  npm run staff -- create --email you@company.com --role admin");
  }
}
