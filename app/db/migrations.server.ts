/**
 * Schema migrations, kept in code (not files on disk) so the Remix build, the staff CLI and the tests
 * all carry the same list. They run at start-up (server/prepare.ts) and whenever a database is opened
 * through `openDatabase`. Add a new entry at the end; never edit one that has shipped.
 *
 * Column types are the portable subset (text, integer) so one migration serves SQLite and PostgreSQL;
 * only the append-only triggers differ per dialect.
 */
import { sql, type Kysely, type Migration } from "kysely";

export type DialectName = "sqlite" | "postgres";

export function buildMigrations(dialect: DialectName): Record<string, Migration> {
  return {
    "0001_staff": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("staff_users")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("email", "text", (c) => c.notNull().unique())
          .addColumn("display_name", "text", (c) => c.notNull())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("demo", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("last_sign_in_at", "text")
          .execute();
        await db.schema
          .createTable("staff_sessions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("staff_id", "text", (c) => c.notNull().references("staff_users.id"))
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("last_seen_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .addColumn("user_agent", "text")
          .addColumn("client_address", "text")
          .execute();
        await db.schema.createIndex("staff_sessions_staff").on("staff_sessions").column("staff_id").execute();
        await db.schema
          .createTable("sign_in_failures")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("sign_in_failures_key_at").on("sign_in_failures").columns(["key", "at"]).execute();
      },
    },
    "0002_audit": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("audit_entries")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("staff_id", "text", (c) => c.notNull())
          .addColumn("staff_email", "text", (c) => c.notNull())
          .addColumn("staff_name", "text", (c) => c.notNull())
          .addColumn("staff_role", "text", (c) => c.notNull())
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("session_handle", "text")
          .addColumn("tenant_id", "text")
          .addColumn("reason", "text")
          .addColumn("before_json", "text")
          .addColumn("after_json", "text")
          .addColumn("patch_json", "text")
          .addColumn("run_id", "text")
          .addColumn("revert_of", "text")
          .execute();
        for (const column of ["created_at", "user_id", "session_handle", "staff_email", "action", "run_id"]) {
          await db.schema.createIndex(`audit_entries_${column}`).on("audit_entries").column(column).execute();
        }
        // Outcomes live in their own insert-only table so that completing an entry never UPDATEs it;
        // the primary key allows exactly one outcome per entry.
        await db.schema
          .createTable("audit_outcomes")
          .addColumn("entry_id", "text", (c) => c.primaryKey().references("audit_entries.id"))
          .addColumn("finished_at", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("error", "text")
          .addColumn("after_json", "text")
          .execute();
        await createAppendOnlyTriggers(db, dialect, ["audit_entries", "audit_outcomes"]);
      },
    },
    // Bulk apply (app/bulk): a run and one row per session in its scope. Not append-only: a run's state
    // and each item's outcome are updated as it goes; the per-session writes are in the audit trail.
    "0003_bulk_runs": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("bulk_runs")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("staff_id", "text", (c) => c.notNull())
          .addColumn("staff_email", "text", (c) => c.notNull())
          .addColumn("staff_name", "text", (c) => c.notNull())
          .addColumn("key_path", "text", (c) => c.notNull())
          .addColumn("operation", "text", (c) => c.notNull())
          .addColumn("value_json", "text")
          .addColumn("scope", "text", (c) => c.notNull())
          .addColumn("tenant_id", "text")
          .addColumn("reason", "text")
          .addColumn("parent_run_id", "text")
          .addColumn("retry_of", "text")
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("planned_at", "text")
          .addColumn("started_at", "text")
          .addColumn("finished_at", "text")
          .addColumn("applied_by_email", "text")
          .addColumn("applied_by_name", "text")
          .addColumn("cancel_requested_by", "text")
          .addColumn("lease_owner", "text")
          .addColumn("lease_expires_at", "text")
          .addColumn("resumed_count", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex("bulk_runs_user_created").on("bulk_runs").columns(["user_id", "created_at"]).execute();
        await db.schema
          .createTable("bulk_run_items")
          .addColumn("run_id", "text", (c) => c.notNull().references("bulk_runs.id"))
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("session_handle", "text", (c) => c.notNull())
          .addColumn("tenant_id", "text")
          .addColumn("plan", "text", (c) => c.notNull())
          .addColumn("plan_error", "text")
          .addColumn("fingerprint", "text")
          .addColumn("doc_json", "text")
          .addColumn("summary_json", "text")
          .addColumn("outcome", "text")
          .addColumn("outcome_error", "text")
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("audit_entry_id", "text")
          .addColumn("finished_at", "text")
          .addPrimaryKeyConstraint("bulk_run_items_pk", ["run_id", "seq"])
          .execute();
        await db.schema.createIndex("bulk_run_items_run_outcome").on("bulk_run_items").columns(["run_id", "outcome", "seq"]).execute();
        await db.schema.createIndex("bulk_run_items_run_plan").on("bulk_run_items").columns(["run_id", "plan", "seq"]).execute();
      },
    },
    // Changes to staff accounts (who made whom an admin, who was disabled), append-only like the audit
    // trail: session data is not the only thing worth tracing.
    "0004_staff_events": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("staff_events")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("at", "text", (c) => c.notNull())
          .addColumn("actor_email", "text")
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("target_email", "text", (c) => c.notNull())
          .addColumn("detail", "text")
          .execute();
        await db.schema.createIndex("staff_events_at").on("staff_events").column("at").execute();
        await createAppendOnlyTriggers(db, dialect, ["staff_events"]);
      },
    },
    // A dry run keeps, per session, the fingerprint of the result it previewed instead of a copy of the
    // session's data: the run makes each write from its own fresh read (same fingerprint, so the same
    // result), and the result's fingerprint is all it needs to recognise its own earlier write.
    "0005_bulk_result_fingerprint": {
      async up(db: Kysely<any>) {
        await db.schema.alterTable("bulk_run_items").addColumn("result_fingerprint", "text").execute();
      },
    },
    // Rows ticked in the sessions table, posted once and kept here under an id, so the change form's
    // address carries the id and not up to 20,000 handles (app/bulk/selection.server.ts).
    "0006_bulk_selections": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("bulk_selections")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("staff_id", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("count", "integer", (c) => c.notNull())
          .addColumn("handles_json", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("bulk_selections_created").on("bulk_selections").column("created_at").execute();
      },
    },
    // Staff sign-in through the company's identity provider (app/staff/oidc.server.ts). An account says how
    // it signs in; an SSO account is known by its provider's issuer and subject (the email can change
    // there). password_hash stays NOT NULL (SQLite cannot drop the constraint without rebuilding the
    // table): an SSO account gets the hash of a random password nobody knows. The staff session keeps
    // the ID token for RP-initiated logout, and a sign-in in flight keeps its PKCE verifier and nonce
    // under the hash of its state, used once.
    "0007_staff_sso": {
      async up(db: Kysely<any>) {
        await db.schema.alterTable("staff_users").addColumn("sign_in_method", "text", (c) => c.notNull().defaultTo("password")).execute();
        await db.schema.alterTable("staff_users").addColumn("oidc_issuer", "text").execute();
        await db.schema.alterTable("staff_users").addColumn("oidc_subject", "text").execute();
        // NULLs are distinct in a unique index on both databases: password accounts never collide here.
        await db.schema.createIndex("staff_users_oidc_identity").on("staff_users").columns(["oidc_issuer", "oidc_subject"]).unique().execute();
        await db.schema.alterTable("staff_sessions").addColumn("oidc_id_token", "text").execute();
        await db.schema
          .createTable("oidc_sign_in_requests")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("code_verifier", "text", (c) => c.notNull())
          .addColumn("nonce", "text", (c) => c.notNull())
          .addColumn("redirect_to", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("oidc_sign_in_requests_expires").on("oidc_sign_in_requests").column("expires_at").execute();
      },
    },
    // Sign-in hardening (#16 §2): the addresses an account has signed in from (exempt from the per-address
    // slow-down, app/staff/throttle.server.ts), TOTP second factor with hashed recovery codes, the pending
    // second step of a sign-in, and settings an admin changes on the staff page (require TOTP).
    "0008_sign_in_hardening": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("sign_in_known_addresses")
          .addColumn("email", "text", (c) => c.notNull())
          .addColumn("address", "text", (c) => c.notNull())
          .addColumn("last_success_at", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("sign_in_known_addresses_pk", ["email", "address"])
          .execute();
        await db.schema
          .createTable("staff_totp")
          .addColumn("staff_id", "text", (c) => c.primaryKey().references("staff_users.id"))
          .addColumn("secret", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("confirmed_at", "text")
          .addColumn("last_used_step", "integer")
          .execute();
        await db.schema
          .createTable("staff_recovery_codes")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("staff_id", "text", (c) => c.notNull().references("staff_users.id"))
          .addColumn("code_hash", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("used_at", "text")
          .execute();
        await db.schema.createIndex("staff_recovery_codes_staff").on("staff_recovery_codes").column("staff_id").execute();
        await db.schema
          .createTable("sign_in_challenges")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("staff_id", "text", (c) => c.notNull().references("staff_users.id"))
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("client_address", "text")
          .addColumn("user_agent", "text")
          .addColumn("redirect_to", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("app_settings")
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("value", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("updated_by_email", "text")
          .execute();
      },
    },
    // Masking of sensitive values (app/masking): the patterns admins set, which roles see masked values,
    // the short-lived reveal grants (per staff member and session), and an append-only log of changes to
    // the first two (reveals themselves are audit entries).
    "0010_masking": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("mask_patterns")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("pattern", "text", (c) => c.notNull())
          // null: every tenant.
          .addColumn("tenant_id", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by_email", "text")
          .execute();
        await db.schema
          .createTable("mask_role_settings")
          .addColumn("role", "text", (c) => c.primaryKey())
          .addColumn("masked", "integer", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("updated_by_email", "text")
          .execute();
        await db.schema
          .createTable("mask_reveals")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("staff_id", "text", (c) => c.notNull())
          .addColumn("session_handle", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("reason", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .addColumn("audit_entry_id", "text")
          .execute();
        await db.schema.createIndex("mask_reveals_staff_expires").on("mask_reveals").columns(["staff_id", "expires_at"]).execute();
        await db.schema
          .createTable("masking_events")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("at", "text", (c) => c.notNull())
          .addColumn("actor_email", "text")
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("detail", "text", (c) => c.notNull())
          .addColumn("reason", "text")
          .execute();
        await db.schema.createIndex("masking_events_at").on("masking_events").column("at").execute();
        await createAppendOnlyTriggers(db, dialect, ["masking_events"]);
      },
    },
    // Personal API tokens (app/api-tokens): only the SHA-256 of a token is kept, looked up by its public id.
    // Audit entries made through the API name the token ("via API token <name>").
    "0011_api_tokens": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("api_tokens")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("staff_id", "text", (c) => c.notNull().references("staff_users.id"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("scope", "text", (c) => c.notNull())
          .addColumn("token_hash", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .addColumn("last_used_at", "text")
          .addColumn("revoked_at", "text")
          .addColumn("revoked_by_email", "text")
          .execute();
        await db.schema.createIndex("api_tokens_staff").on("api_tokens").column("staff_id").execute();
        await db.schema.alterTable("audit_entries").addColumn("api_token_id", "text").execute();
        await db.schema.alterTable("audit_entries").addColumn("api_token_name", "text").execute();
      },
    },
    // Bulk apply across users (issue #18 §1): a run may name many users. Each item records whose session it
    // is; the entries staff gave (pasted emails, phone numbers, ids, a search, an earlier run) are kept with
    // how each resolved; a large run waits for a second admin's approval (app/bulk/cross-user/).
    "0012_bulk_cross_user": {
      async up(db: Kysely<any>) {
        await db.schema.alterTable("bulk_runs").addColumn("kind", "text", (c) => c.notNull().defaultTo("user")).execute();
        await db.schema.alterTable("bulk_runs").addColumn("selection_json", "text").execute();
        await db.schema.alterTable("bulk_runs").addColumn("approval_status", "text").execute();
        await db.schema.alterTable("bulk_runs").addColumn("approved_by_id", "text").execute();
        await db.schema.alterTable("bulk_runs").addColumn("approved_by", "text").execute();
        await db.schema.alterTable("bulk_runs").addColumn("approved_at", "text").execute();
        await db.schema.createIndex("bulk_runs_kind_created").on("bulk_runs").columns(["kind", "created_at"]).execute();
        await db.schema.alterTable("bulk_run_items").addColumn("user_id", "text").execute();
        await db.schema.createIndex("bulk_run_items_run_user").on("bulk_run_items").columns(["run_id", "user_id", "seq"]).execute();
        await db.schema
          .createTable("bulk_run_entries")
          .addColumn("run_id", "text", (c) => c.notNull().references("bulk_runs.id"))
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("input", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("user_id", "text")
          .addColumn("label", "text")
          .addColumn("candidates_json", "text")
          .addColumn("sessions", "integer", (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("bulk_run_entries_pk", ["run_id", "seq"])
          .execute();
        await db.schema.createIndex("bulk_run_entries_run_status").on("bulk_run_entries").columns(["run_id", "status", "seq"]).execute();
        await db.schema.createIndex("bulk_run_entries_run_user").on("bulk_run_entries").columns(["run_id", "user_id"]).execute();
        // Pages of a run's pending items claimed by one instance (FOR UPDATE SKIP LOCKED on PostgreSQL), and
        // the instances taking part, so the run's concurrency is shared out and its pace stays global.
        await db.schema.alterTable("bulk_run_items").addColumn("claimed_by", "text").execute();
        await db.schema.alterTable("bulk_run_items").addColumn("claimed_until", "text").execute();
        await db.schema.alterTable("bulk_runs").addColumn("pace_limit", "integer").execute();
        await db.schema
          .createTable("bulk_run_workers")
          .addColumn("run_id", "text", (c) => c.notNull().references("bulk_runs.id"))
          .addColumn("instance", "text", (c) => c.notNull())
          .addColumn("seen_until", "text", (c) => c.notNull())
          .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("bulk_run_workers_pk", ["run_id", "instance"])
          .execute();
      },
    },
    // Session-data schemas (app/schema): every save is a new row, never an update, so the versions are
    // their own audit trail (who, when, why, what) and the database refuses UPDATE and DELETE on them.
    // A schema's state is its newest version. Audit entries gain the schema errors an admin overrode.
    "0009_session_data_schemas": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("data_schema_versions")
          .addColumn("schema_id", "text", (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("staff_id", "text")
          .addColumn("staff_email", "text", (c) => c.notNull())
          .addColumn("staff_name", "text", (c) => c.notNull())
          .addColumn("reason", "text")
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("description", "text")
          .addColumn("tenants_json", "text")
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("schema_json", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("data_schema_versions_pk", ["schema_id", "version"])
          .execute();
        await db.schema.createIndex("data_schema_versions_created").on("data_schema_versions").column("created_at").execute();
        await createAppendOnlyTriggers(db, dialect, ["data_schema_versions"]);
        await db.schema.alterTable("audit_entries").addColumn("schema_override_json", "text").execute();
      },
    },
  };
}

/**
 * The audit module has no update or delete, but a future code path (or a hand-written query) could.
 * The database itself refuses: defence in depth for "no code path changes or deletes an entry".
 */
async function createAppendOnlyTriggers(db: Kysely<any>, dialect: DialectName, tables: string[]) {
  if (dialect === "sqlite") {
    for (const table of tables) {
      for (const operation of ["UPDATE", "DELETE"]) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_no_${operation.toLowerCase()} BEFORE ${operation} ON ${table} ` +
              `BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: ${table} rows cannot be changed or deleted'); END`,
          )
          .execute(db);
      }
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION session_desk_audit_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'the audit trail is append-only: % rows cannot be changed or deleted', TG_TABLE_NAME;
       END;
       $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  for (const table of tables) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
          `FOR EACH ROW EXECUTE FUNCTION session_desk_audit_append_only()`,
      )
      .execute(db);
    // TRUNCATE bypasses row triggers in PostgreSQL; refuse it as well.
    await sql
      .raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION session_desk_audit_append_only()`)
      .execute(db);
  }
}
