// `GET /<tenant>/recipe/dashboard/tenant/core-config`: the tenant page of SuperTokens' own dashboard
// (supertokens-node's Dashboard recipe, getTenantInfo) lists the core's config properties with it.
//
// Shape of core 11.4 (GetTenantCoreConfigForDashboardAPI + CoreConfig.getConfigFieldsInfoForDashboard):
// {"status":"OK","config":[ConfigFieldInfo…]}, each entry serialised by Gson with nulls kept, in field
// order key, valueType, value, description, isDifferentAcrossTenants, possibleValues, isNullable,
// defaultValue, isPluginProperty, isPluginPropertyEditable. The real core walks every CoreConfig field
// (skipping YAML-only, hidden and deprecated ones) in the iteration order of a java.util.HashSet of all
// field names; an in-memory or SQLite storage adds no plugin properties.
//
// The local core lists only the properties it honours, with its own values, in the order the real core
// would list them.

import type { CoreConfig, Route, RequestContext } from "../context.js";
import { ok } from "../http.js";
import { javaHashSetOrder } from "../java-order.js";
import { RawJson } from "../json.js";
import { DYNAMIC_KEY_INTERVAL_MS } from "../keys.js";

/**
 * Every name in CoreConfig.getValidFields() of core 11.4 (Gson's view of the class, declaration
 * order, plus the alias the core adds last). Only used to place the served properties where the
 * HashSet's iteration puts them.
 */
const CORE_11_4_VALID_FIELDS = [
  "core_config_version", "access_token_validity", "access_token_blacklisting", "refresh_token_validity",
  "password_reset_token_lifetime", "email_verification_token_lifetime", "passwordless_max_code_input_attempts",
  "passwordless_code_lifetime", "totp_max_attempts", "totp_rate_limit_cooldown_sec", "logDefault", "info_log_path",
  "error_log_path", "access_token_signing_key_dynamic", "access_token_dynamic_signing_key_update_interval", "port",
  "host", "max_server_pool_size", "api_keys", "disable_telemetry", "password_hashing_alg", "argon2_iterations",
  "argon2_memory_kb", "argon2_parallelism", "argon2_hashing_pool_size", "firebase_password_hashing_pool_size",
  "bcrypt_log_rounds", "webserver_https_enabled", "base_path", "log_level", "firebase_password_hashing_signer_key",
  "ip_allow_regex", "ip_deny_regex", "oauth_provider_public_service_url", "oauth_provider_admin_service_url",
  "oauth_provider_consent_login_base_url", "oauth_provider_url_configured_in_oauth_provider",
  "oauth_client_secret_encryption_key", "supertokens_saas_secret", "supertokens_max_cdi_version",
  "supertokens_saas_load_only_cud", "saml_legacy_acs_url", "saml_sp_entity_id", "saml_claims_validity",
  "saml_relay_state_validity", "allowedLogLevels", "isNormalizedAndValid", "bulk_migration_parallelism",
  "bulk_migration_batch_size", "webauthn_recover_account_token_lifetime", "otel_collector_connection_uri",
  "deadlock_logger_enable", "access_token_signing_key_update_interval",
];

type JavaType = "int" | "long" | "double";

interface HonouredProperty {
  key: string;
  javaType: JavaType;
  /** @ConfigDescription of core 11.4. */
  description: string;
  /** Not annotated @NotConflictingInApp. */
  isDifferentAcrossTenants: boolean;
  /** The core's default (`new CoreConfig()`). */
  coreDefault: number;
  /** What this core applies, in the property's own unit. */
  current: (config: CoreConfig) => number;
}

const HONOURED: HonouredProperty[] = [
  {
    key: "access_token_validity",
    javaType: "long",
    description: "Time in seconds for how long an access token is valid for. [Default: 3600 (1 hour)]",
    isDifferentAcrossTenants: false,
    coreDefault: 3600,
    current: (c) => c.accessTokenValiditySeconds,
  },
  {
    key: "refresh_token_validity",
    javaType: "double",
    description: "Time in mins for how long a refresh token is valid for. [Default: 60 * 2400 (100 days)]",
    isDifferentAcrossTenants: false,
    coreDefault: 60 * 2400,
    current: (c) => c.refreshTokenValidityMs / 60_000,
  },
  {
    key: "passwordless_max_code_input_attempts",
    javaType: "int",
    description: "The maximum number of code input attempts per login before the user needs to restart. (Default: 5)",
    isDifferentAcrossTenants: true,
    coreDefault: 5,
    current: (c) => c.passwordlessMaxCodeInputAttempts,
  },
  {
    key: "passwordless_code_lifetime",
    javaType: "long",
    description: "Time in milliseconds for how long a passwordless code is valid for. [Default: 900000 (15 mins)]",
    isDifferentAcrossTenants: true,
    coreDefault: 900000,
    current: (c) => c.passwordlessCodeLifetimeMs,
  },
  {
    key: "access_token_dynamic_signing_key_update_interval",
    javaType: "double",
    description: "Time in hours for how frequently the dynamic signing key will change. [Default: 168 (1 week)]",
    isDifferentAcrossTenants: false,
    coreDefault: 168,
    current: () => DYNAMIC_KEY_INTERVAL_MS / 3_600_000,
  },
];

/** Gson writes a Java number with its toString(): a double always has a fraction or an exponent. */
export function javaNumberText(value: number, type: JavaType): RawJson {
  if (type !== "double") return new RawJson(String(Math.trunc(value)));
  return new RawJson(javaDoubleToString(value));
}

/** Double.toString for finite values: plain decimal in [1e-3, 1e7), else "d.dddE±n". */
export function javaDoubleToString(d: number): string {
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(d);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = d.toExponential().split("e");
  const m = mantissa!.includes(".") ? mantissa! : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

/** The served entries in the real core's order, for this core's config. */
export function coreConfigForDashboard(config: CoreConfig): Array<Record<string, unknown>> {
  const order = javaHashSetOrder(CORE_11_4_VALID_FIELDS);
  const byKey = new Map(HONOURED.map((p) => [p.key, p]));
  return order
    .filter((key) => byKey.has(key))
    .map((key) => {
      const p = byKey.get(key)!;
      return {
        key: p.key,
        valueType: "number",
        value: javaNumberText(p.current(config), p.javaType),
        description: p.description,
        isDifferentAcrossTenants: p.isDifferentAcrossTenants,
        possibleValues: null,
        isNullable: false,
        defaultValue: javaNumberText(p.coreDefault, p.javaType),
        isPluginProperty: false,
        isPluginPropertyEditable: false,
      };
    });
}

function tenantCoreConfig(ctx: RequestContext) {
  ctx.requireTenant();
  return ok({ status: "OK", config: coreConfigForDashboard(ctx.state.config) });
}

export const dashboardRoutes: Route[] = [
  { path: "/recipe/dashboard/tenant/core-config", handlers: { GET: tenantCoreConfig } },
];
