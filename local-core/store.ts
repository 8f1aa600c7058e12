// SQLite storage, shaped after the core's own tables (session_info, all_auth_recipe_users,
// app_id_to_user_id, …) so that the queries — and therefore orderings and expiry filters — read
// like the core's built-in SQLite implementation. Only the default app ("public") exists.

import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";

export type DB = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS key_value (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- Access-token signing keys. kind 'd' = dynamic (rotating), 's' = static.
CREATE TABLE IF NOT EXISTS signing_keys (
  kid TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  private_pem TEXT NOT NULL,
  n TEXT NOT NULL,
  e TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS tenants (
  tenant_id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- One row per recipe user (login method), app-wide.
CREATE TABLE IF NOT EXISTS app_id_to_user_id (
  user_id TEXT PRIMARY KEY,
  recipe_id TEXT NOT NULL,
  primary_or_recipe_user_id TEXT NOT NULL,
  is_linked_or_is_a_primary_user INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS app_id_to_user_id_primary ON app_id_to_user_id (primary_or_recipe_user_id);

-- One row per (tenant, recipe user): what GET /users pages over.
CREATE TABLE IF NOT EXISTS all_auth_recipe_users (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  primary_or_recipe_user_id TEXT NOT NULL,
  is_linked_or_is_a_primary_user INTEGER NOT NULL DEFAULT 0,
  recipe_id TEXT NOT NULL,
  time_joined INTEGER NOT NULL,
  primary_or_recipe_user_time_joined INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX IF NOT EXISTS all_auth_users_pagination ON all_auth_recipe_users
  (tenant_id, primary_or_recipe_user_time_joined, primary_or_recipe_user_id);
CREATE INDEX IF NOT EXISTS all_auth_users_user ON all_auth_recipe_users (user_id);
CREATE INDEX IF NOT EXISTS all_auth_users_primary ON all_auth_recipe_users (primary_or_recipe_user_id);

-- Recipe-specific data of a login method (the core keeps one table per recipe).
CREATE TABLE IF NOT EXISTS login_methods (
  user_id TEXT PRIMARY KEY,
  recipe_id TEXT NOT NULL,
  email TEXT,
  phone_number TEXT,
  third_party_id TEXT,
  third_party_user_id TEXT,
  password_hash TEXT,
  time_joined INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_methods_email ON login_methods (email);
CREATE INDEX IF NOT EXISTS login_methods_phone ON login_methods (phone_number);
CREATE INDEX IF NOT EXISTS login_methods_tp ON login_methods (third_party_id, third_party_user_id);

CREATE TABLE IF NOT EXISTS emailverification_verified_emails (
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  PRIMARY KEY (user_id, email)
);

CREATE TABLE IF NOT EXISTS session_info (
  session_handle TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  refresh_token_hash_2 TEXT NOT NULL,
  session_data TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at_time INTEGER NOT NULL,
  jwt_user_payload TEXT NOT NULL,
  use_static_key INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS session_info_user ON session_info (user_id, tenant_id);
CREATE INDEX IF NOT EXISTS session_info_expiry ON session_info (expires_at);

CREATE TABLE IF NOT EXISTS user_metadata (
  user_id TEXT PRIMARY KEY,
  user_metadata TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS passwordless_devices (
  device_id_hash TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  email TEXT,
  phone_number TEXT,
  link_code_salt TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, device_id_hash)
);

CREATE TABLE IF NOT EXISTS passwordless_codes (
  code_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  device_id_hash TEXT NOT NULL,
  link_code_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, code_id)
);
CREATE INDEX IF NOT EXISTS passwordless_codes_device ON passwordless_codes (tenant_id, device_id_hash);
CREATE UNIQUE INDEX IF NOT EXISTS passwordless_codes_link ON passwordless_codes (tenant_id, link_code_hash);
`;

export function openStore(dbPath: string): DB {
  if (dbPath !== ":memory:" && dbPath !== "") keepPrivate(dbPath);
  const db = new Database(dbPath);
  if (dbPath !== ":memory:" && dbPath !== "") {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Another process (the seed CLI, a second core) may write the same file.
    db.pragma("busy_timeout = 5000");
  }
  cachePreparedStatements(db);
  db.pragma("foreign_keys = OFF");
  db.exec(SCHEMA);
  const hasPublic = db.prepare("SELECT 1 FROM tenants WHERE tenant_id = 'public'").get();
  if (!hasPublic) {
    db.prepare("INSERT INTO tenants (tenant_id, config, created_at) VALUES ('public', ?, ?)").run(
      JSON.stringify({ thirdParty: { providers: [] }, coreConfig: {} }),
      Date.now(),
    );
  }
  return db;
}

/**
 * Handlers prepare their SQL inline for readability; re-preparing costs more than running most of
 * these queries, so prepared statements are cached per SQL text (bounded: some SQL is built with
 * a variable number of placeholders). Statements are only used with run/get/all, never iterate(),
 * so sharing one is safe.
 */
function cachePreparedStatements(db: DB): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  (db as { prepare: (sql: string) => Database.Statement }).prepare = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      if (cache.size >= 500) cache.clear();
      stmt = prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

/** Delete everything (used by the seed CLI to re-seed a file store). Keeps signing keys. */
export function wipeStore(db: DB): void {
  db.exec(`
    DELETE FROM tenants WHERE tenant_id <> 'public';
    DELETE FROM app_id_to_user_id; DELETE FROM all_auth_recipe_users; DELETE FROM login_methods;
    DELETE FROM emailverification_verified_emails; DELETE FROM session_info; DELETE FROM user_metadata;
    DELETE FROM passwordless_devices; DELETE FROM passwordless_codes;
  `);
}

export function kvGet(db: DB, name: string): string | undefined {
  const row = db.prepare("SELECT value FROM key_value WHERE name = ?").get(name) as { value: string } | undefined;
  return row?.value;
}

export function kvSet(db: DB, name: string, value: string, now: number): void {
  db.prepare("INSERT OR REPLACE INTO key_value (name, value, created_at) VALUES (?, ?, ?)").run(name, value, now);
}

/**
 * The store holds every user's sessions and tokens: readable by its owner only (0600). SQLite gives the
 * -wal and -shm files it makes the database file's mode; files an older version left readable are tightened.
 */
function keepPrivate(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(path)) chmodSync(path, 0o600);
    } catch {
      // Not ours to change (another user's file): SQLite will say so if it cannot use it.
    }
  }
}
