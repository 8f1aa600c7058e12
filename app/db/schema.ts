/**
 * The tables of Session Desk's own database, as Kysely sees them. Both dialects (SQLite and PostgreSQL)
 * use the same portable column types: text ids, ISO-8601 UTC timestamps in text (they sort and compare
 * as strings), integers for flags, JSON as text. No dialect-specific types means one set of queries.
 */
export interface StaffUsersTable {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  display_name: string;
  role: "viewer" | "editor" | "admin";
  /** `scrypt$N$r$p$salt$hash` (see app/staff/password.server.ts). */
  password_hash: string;
  /** 1 = disabled: cannot sign in, existing sessions end at once. */
  disabled: number;
  /** 1 = a demo-mode account with a published password: refused unless the bundled core is in use. */
  demo: number;
  /** "password", or "oidc": signs in through the identity provider only (migration 0007). */
  sign_in_method: "password" | "oidc";
  /** The provider's issuer and the person's `sub` there: who an SSO account is (unique together). */
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
}

export interface StaffSessionsTable {
  /** sha256 of the cookie's token: a leaked database does not hand out live sessions. */
  id: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute end of this session, whatever the activity. */
  expires_at: string;
  /** The ID token of an SSO sign-in, sent back as id_token_hint when signing out at the provider. */
  oidc_id_token?: string | null;
  user_agent: string | null;
  client_address: string | null;
}

/** An SSO sign-in between "Sign in with …" and the provider's answer (app/staff/oidc.server.ts); used once. */
export interface OidcSignInRequestsTable {
  /** sha256 of the `state` sent to the provider (the browser holds the state itself, in a signed cookie). */
  id: string;
  /** PKCE: the secret whose hash went to the provider as code_challenge. */
  code_verifier: string;
  nonce: string;
  /** Where to go after signing in (a path on this site). */
  redirect_to: string;
  created_at: string;
  expires_at: string;
}

export interface SignInFailuresTable {
  id: string;
  /** `pair:<email> <address>` or `address:<address>`. */
  key: string;
  at: string;
}

/** An address an account has signed in from (migration 0008): exempt from the per-address slow-down. */
export interface SignInKnownAddressesTable {
  /** Lower-cased, as typed at sign-in. */
  email: string;
  address: string;
  last_success_at: string;
}

/** A staff member's TOTP secret, encrypted (app/staff/totp-secret-box.server.ts); confirmed_at null while enrolment waits for the first code. */
export interface StaffTotpTable {
  staff_id: string;
  secret: string;
  created_at: string;
  confirmed_at: string | null;
  /** The last 30-second step a code was accepted for: the same code is not accepted twice. */
  last_used_step: number | null;
}

/** One-time recovery codes: random (about 79 bits), so only their SHA-256 is kept, as for API tokens (app/staff/totp.server.ts). */
export interface StaffRecoveryCodesTable {
  id: string;
  staff_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** A sign-in whose password was right and whose second step (TOTP code or enrolment) is pending. */
export interface SignInChallengesTable {
  /** SHA-256 of the token in the short-lived challenge cookie. */
  id: string;
  staff_id: string;
  created_at: string;
  expires_at: string;
  failures: number;
  client_address: string | null;
  user_agent: string | null;
  redirect_to: string;
}

/** Settings an admin changes in the app (e.g. "require_totp" = "true"). */
export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by_email: string | null;
}

export interface AuditEntriesTable {
  /** Time-ordered id (see app/audit/ids.server.ts), so `ORDER BY id DESC` is newest first. */
  id: string;
  created_at: string;
  staff_id: string;
  /** Who it was at the time, kept even if the account is renamed or its role changes later. */
  staff_email: string;
  staff_name: string;
  staff_role: string;
  action: string;
  user_id: string;
  session_handle: string | null;
  tenant_id: string | null;
  reason: string | null;
  before_json: string | null;
  after_json: string | null;
  patch_json: string | null;
  run_id: string | null;
  revert_of: string | null;
  /** An admin's override of the session-data schema (JSON: reason, schema, the errors overridden); migration 0009. */
  schema_override_json?: string | null;
  /** The personal API token the change was made with (migration 0011); null for the pages. */
  api_token_id: string | null;
  api_token_name: string | null;
}

/**
 * One version of a session-data schema (app/schema/store.server.ts); append-only. The newest version of
 * a schema is its current state: editing, retiring and re-activating each add a version.
 */
export interface DataSchemaVersionsTable {
  schema_id: string;
  /** 1, 2, 3… per schema. */
  version: number;
  created_at: string;
  staff_id: string | null;
  staff_email: string;
  staff_name: string;
  reason: string | null;
  name: string;
  description: string | null;
  /** JSON array of tenant ids; null = every tenant. */
  tenants_json: string | null;
  status: "active" | "retired";
  /** The JSON Schema's text, as the admin wrote it. */
  schema_json: string;
}

export interface AuditOutcomesTable {
  /** One outcome per entry at most (primary key): finishing twice is refused by the database too. */
  entry_id: string;
  finished_at: string;
  status: string;
  error: string | null;
  after_json: string | null;
}

export interface DashboardTables {
  staff_users: StaffUsersTable;
  staff_sessions: StaffSessionsTable;
  oidc_sign_in_requests: OidcSignInRequestsTable;
  sign_in_failures: SignInFailuresTable;
  sign_in_known_addresses: SignInKnownAddressesTable;
  staff_totp: StaffTotpTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  sign_in_challenges: SignInChallengesTable;
  app_settings: AppSettingsTable;
  audit_entries: AuditEntriesTable;
  audit_outcomes: AuditOutcomesTable;
  data_schema_versions: DataSchemaVersionsTable;
  bulk_runs: BulkRunsTable;
  bulk_run_items: BulkRunItemsTable;
  bulk_run_entries: BulkRunEntriesTable;
  bulk_run_workers: BulkRunWorkersTable;
  staff_events: StaffEventsTable;
  bulk_selections: BulkSelectionsTable;
  api_tokens: ApiTokensTable;
  mask_patterns: MaskPatternsTable;
  mask_role_settings: MaskRoleSettingsTable;
  mask_reveals: MaskRevealsTable;
  masking_events: MaskingEventsTable;
}

/** A masked path pattern (app/masking/patterns.ts), set by an admin on the masking page (migration 0010). */
export interface MaskPatternsTable {
  id: string;
  /** As typed, e.g. device.ip, **.token, "a.b".c */
  pattern: string;
  /** null: applies in every tenant. */
  tenant_id: string | null;
  created_at: string;
  created_by_email: string | null;
}

/** Whether a role sees masked values; a role with no row takes the default (MASKED_ROLES). */
export interface MaskRoleSettingsTable {
  role: string;
  /** 1 = sees MASKED_TEXT instead of masked values. */
  masked: number;
  updated_at: string;
  updated_by_email: string | null;
}

/** One staff member may see one session's masked values until expires_at (a reason is required; audited). */
export interface MaskRevealsTable {
  id: string;
  staff_id: string;
  session_handle: string;
  user_id: string;
  reason: string;
  created_at: string;
  expires_at: string;
  audit_entry_id: string | null;
}

/** A change to the masking settings; append-only (database triggers refuse UPDATE and DELETE). */
export interface MaskingEventsTable {
  id: string;
  at: string;
  /** null when made at start-up from MASK_PATTERNS or the demo defaults. */
  actor_email: string | null;
  /** pattern-added | pattern-removed | role-changed | seeded */
  action: string;
  detail: string;
  reason: string | null;
}

/** A staff member's personal API token (app/api-tokens/tokens.server.ts). The token itself is never stored. */
export interface ApiTokensTable {
  /** Public id, part of the token (`sd_<id>_<secret>`), used to look it up. */
  id: string;
  staff_id: string;
  name: string;
  /** read | write | bulk; narrowed at use time to what the account's current role allows. */
  scope: string;
  /** Hex SHA-256 of the whole token. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by_email: string | null;
}

/** Sessions ticked in the sessions table for a bulk change, kept under an id (app/bulk/selection.server.ts). */
export interface BulkSelectionsTable {
  id: string;
  user_id: string;
  /** Only the staff member who made the selection can use it. */
  staff_id: string;
  created_at: string;
  count: number;
  /** The handles as a JSON array of strings, in the order they were ticked. */
  handles_json: string;
}

/** One change to a staff account; append-only (database triggers refuse UPDATE and DELETE). */
export interface StaffEventsTable {
  id: string;
  at: string;
  /** The admin who made the change; null when it was made on the server with `npm run staff`. */
  actor_email: string | null;
  action: string;
  target_email: string;
  detail: string | null;
}

/** A bulk apply: its dry run, then its run (app/bulk). State lives here so any instance can show or resume it. */
export interface BulkRunsTable {
  id: string;
  user_id: string;
  created_at: string;
  /** Who made the dry run. */
  staff_id: string;
  staff_email: string;
  staff_name: string;
  /** The key path as a JSON array of segments (keys as strings, array indexes as numbers). */
  key_path: string;
  operation: "set" | "set-if-missing" | "merge" | "delete";
  /** The value for every operation but "delete", as JSON text. */
  value_json: string | null;
  scope: "all" | "selected" | "tenant";
  tenant_id: string | null;
  reason: string | null;
  /** The run whose failed (or changed, or not attempted) sessions this dry run retries. */
  parent_run_id: string | null;
  retry_of: string | null;
  /** planning → planned → running → completed | cancelled. "Interrupted" is derived: running with an expired lease. */
  status: "planning" | "planned" | "running" | "completed" | "cancelled";
  total: number;
  planned_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  applied_by_email: string | null;
  applied_by_name: string | null;
  /** Set when someone asked to cancel; the owning runner sees it on its next heartbeat. */
  cancel_requested_by: string | null;
  /** The process running it, and until when that claim holds unless renewed (a heartbeat). */
  lease_owner: string | null;
  lease_expires_at: string | null;
  resumed_count: number;
  /** "user": one user's sessions; "users": a run across users (migration 0012, app/bulk/cross-user). */
  kind: "user" | "users";
  /** How a cross-user run chose its users (JSON: search, list or earlier run). */
  selection_json: string | null;
  /** null: no approval needed; "pending" until a second admin approves (four-eyes), then "approved". */
  approval_status: "pending" | "approved" | null;
  approved_by_id: string | null;
  approved_by: string | null;
  approved_at: string | null;
  /** Sessions in flight across every instance taking part (the run-wide share of the adaptive limit). */
  pace_limit: number | null;
}

export interface BulkRunItemsTable {
  run_id: string;
  /** Order within the run (the order the core listed the sessions). */
  seq: number;
  session_handle: string;
  tenant_id: string | null;
  /** Dry-run verdict: will-change | already-so | ended | error. */
  plan: string;
  /** Why it cannot apply ("error"), or why an "already-so" session is left alone (set only where missing). */
  plan_error: string | null;
  /** fingerprint() of the data the dry run saw; checked again by the write. */
  fingerprint: string | null;
  /**
   * The data the dry run saw (JSON), as dry runs before migration 0005 kept it until the item had an
   * outcome. New dry runs keep `result_fingerprint` instead and leave this null.
   */
  doc_json: string | null;
  /** fingerprint() of what the dry run would write (will-change items); null otherwise. */
  result_fingerprint: string | null;
  /** ChangeSummary of the dry run's diff (JSON), for the preview. */
  summary_json: string | null;
  /** written | already-so | ended | changed | failed | not-attempted; null while pending. */
  outcome: string | null;
  outcome_error: string | null;
  /** Calls to the write for this session (more than 1 = retried). */
  attempts: number;
  audit_entry_id: string | null;
  finished_at: string | null;
  /** Whose session this is (cross-user runs); null in a one-user run, whose user is the run's. */
  user_id: string | null;
  /** The instance that took this item in a page of pending items, and until when that claim holds. */
  claimed_by: string | null;
  claimed_until: string | null;
}

/** One entry staff gave a cross-user run (a pasted email, phone number or id, or a user a search found) and what it resolved to. */
export interface BulkRunEntriesTable {
  run_id: string;
  seq: number;
  /** As typed (trimmed), or the user's email or id for a search or an earlier run. */
  input: string;
  kind: "email" | "phone" | "id" | "search" | "run";
  /** matched | unknown (no user) | ambiguous (more than one) | duplicate (a user an earlier entry matched) | invalid. */
  status: "matched" | "unknown" | "ambiguous" | "duplicate" | "invalid";
  user_id: string | null;
  /** The matched user's email or phone, for the report. */
  label: string | null;
  /** Ambiguous: the ids it matched (JSON array, at most a few). */
  candidates_json: string | null;
  /** Sessions planned for the matched user. */
  sessions: number;
}

/** The instances taking part in a run (PostgreSQL, several instances), renewed as they work. */
export interface BulkRunWorkersTable {
  run_id: string;
  instance: string;
  seen_until: string;
  processed: number;
}
