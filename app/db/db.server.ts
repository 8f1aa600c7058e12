/**
 * Session Desk's own database (staff accounts, staff sessions, the audit trail) through Kysely.
 * SQLite in the data folder by default; PostgreSQL when DATABASE_URL=postgres://…, so several dashboard
 * instances can share one store. Migrations run when a database is opened.
 *
 * The open database is kept on globalThis, not in this module: the server start-up (tsx), the Remix
 * build and the tests each load their own copy of this module, and they must all share one handle.
 */
import { Kysely, Migrator, PostgresDialect, type CompiledQuery } from "kysely";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { getConfig } from "~/config.server";
import { AdvisoryLocks } from "./advisory-locks.server";
import { buildMigrations, type DialectName } from "./migrations.server";
import { SqliteThreadDialect } from "./sqlite-worker.server";
import type { DashboardTables } from "./schema";

export type DashboardDb = Kysely<DashboardTables>;

export interface DashboardDatabase {
  db: DashboardDb;
  dialect: DialectName;
  /** Where it is, without credentials (for logs). */
  description: string;
  /** Runs compiled write statements as one transaction: all commit or none does. */
  runAtomically(statements: readonly CompiledQuery[]): Promise<void>;
  /**
   * PostgreSQL only: advisory locks that every instance sharing the database sees (the per-session write
   * lock). SQLite has none: one instance only, and its in-process lock is enough.
   */
  advisoryLocks?: AdvisoryLocks;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** Where the database is, from DATABASE_URL (postgres://, sqlite:, file:) or else `<dataDir>/session-desk.sqlite`. */
export function resolveDatabaseTarget(options: { databaseUrl?: string; dataDir: string }): DatabaseTarget {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  if (url) {
    const file = url.replace(/^(sqlite|file):(\/\/)?/, "");
    return { kind: "sqlite", file: path.resolve(options.dataDir, file) };
  }
  return { kind: "sqlite", file: path.join(options.dataDir, "session-desk.sqlite") };
}

/** Opens a database and brings its schema up to date. */
export async function openDatabase(target: DatabaseTarget): Promise<DashboardDatabase> {
  const opened = target.kind === "postgres" ? openPostgres(target.url) : openSqlite(target.file);
  try {
    await migrateToLatest(opened.db, opened.dialect);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

function openSqlite(file: string): DashboardDatabase {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  keepPrivate(file);
  // The connection lives on its own thread so that statements and commits never stop the server (see
  // sqlite-worker.server.ts); the file is opened there, and a failure to open surfaces at migration.
  const dialect = new SqliteThreadDialect(file);
  const db = new Kysely<DashboardTables>({ dialect });
  return { db, dialect: "sqlite", description: `SQLite at ${file}`, runAtomically: (statements) => dialect.runAtomically(statements), close: () => db.destroy() };
}

/**
 * Staff accounts, password hashes and the audit trail (with session data before and after): readable by
 * the owner only (0600). SQLite gives its -wal and -shm files the database file's mode; files an older
 * version left readable are tightened.
 */
function keepPrivate(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(companion)) chmodSync(companion, 0o600);
    } catch {
      // Not ours to change: opening it will say so if it cannot be used.
    }
  }
}

function openPostgres(url: string): DashboardDatabase {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<DashboardTables>({ dialect: new PostgresDialect({ pool }) });
  const shown = new URL(url);
  if (shown.password) shown.password = "***";
  const runAtomically = (statements: readonly CompiledQuery[]) =>
    db.transaction().execute(async (tx) => {
      for (const statement of statements) await tx.executeQuery(statement);
    });
  const advisoryLocks = new AdvisoryLocks(url);
  const close = async () => {
    await advisoryLocks.close();
    await db.destroy();
  };
  return { db, dialect: "postgres", description: `PostgreSQL at ${shown.toString()}`, runAtomically, advisoryLocks, close };
}

export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const migrations = buildMigrations(dialect);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Database migration ${failed ?? "(unknown)"} failed: ${message}`);
  }
}

interface DbHolder {
  current?: DashboardDatabase;
}

function holder(): DbHolder {
  const store = globalThis as unknown as { __sessionDeskDb?: DbHolder };
  store.__sessionDeskDb ??= {};
  return store.__sessionDeskDb;
}

/**
 * Makes `database` the one every module uses (start-up and tests). Returns the previous one, which the
 * caller closes if it wants to.
 */
export function installDatabase(database: DashboardDatabase | undefined): DashboardDatabase | undefined {
  const h = holder();
  const previous = h.current;
  h.current = database;
  return previous;
}

/**
 * The process's database, for queries. Opened and migrated at start-up by server/prepare.ts (and by
 * `openDatabase` + `installDatabase` in scripts and tests); synchronous so that call sites stay plain
 * `getDb().selectFrom(…)`.
 */
export function getDb(): DashboardDb {
  return getDashboardDatabase().db;
}

export function getDashboardDatabase(): DashboardDatabase {
  const current = holder().current;
  if (!current) {
    throw new Error(
      "Session Desk's database is not open. The server opens it at start-up (server/prepare.ts); scripts and tests call openDatabase() and installDatabase().",
    );
  }
  return current;
}

/** Opens the database the configuration names (DATABASE_URL, else SQLite in `dataDir`) and installs it. */
export async function openConfiguredDatabase(dataDir: string): Promise<DashboardDatabase> {
  const config = getConfig();
  const database = await openDatabase(resolveDatabaseTarget({ databaseUrl: config.DATABASE_URL, dataDir }));
  const previous = installDatabase(database);
  if (previous && previous !== database) await previous.close();
  return database;
}

/** Closes and forgets the process's database (tests, shutdown). */
export async function closeDb(): Promise<void> {
  const previous = installDatabase(undefined);
  await previous?.close();
}
