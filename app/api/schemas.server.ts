/**
 * The API's zod schemas: they validate every request (params, query, body) and, through
 * @asteasolutions/zod-to-openapi, are the OpenAPI 3.1 document (openapi.server.ts). One source, so the
 * document cannot drift from what the server accepts.
 */
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from "~/audit/types";
import { ITEM_OUTCOMES, OPERATION_KINDS, PLAN_VERDICTS } from "~/bulk/types";
import { isPlainObject, type JsonObject } from "~/json";
import { API_SCOPES } from "./scopes";

extendZodWithOpenApi(z);

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;
export const fingerprintSchema = z.string().regex(FINGERPRINT, "must be a fingerprint: sha256: and 64 hex digits").openapi({ example: `sha256:${"0".repeat(64)}` });
const reasonSchema = z.string().max(2000, "must be at most 2000 characters").openapi({ description: "Why (a ticket number is enough). Required unless AUDIT_REASON_REQUIRED=false.", example: "TICKET-4821" });

/** Session data: any JSON object. Passed through as parsed (exact numbers, every key as sent, `__proto__` too). */
export const sessionDataSchema = z
  .custom<JsonObject>((value) => isPlainObject(value), { message: "must be a JSON object" })
  .openapi("SessionData", { type: "object", additionalProperties: true, description: "sessionDataInDatabase. Numbers keep their exact text (e.g. 9223372036854775807) both ways." });

// ── parameters ──────────────────────────────────────────────────────────────────────────────────────
export const userParamsSchema = z.object({
  userId: z.string().min(1).max(256).openapi({ param: { name: "userId", in: "path" }, description: "The user's id (primary or a linked login method's)." }),
});
export const sessionParamsSchema = userParamsSchema.extend({
  sessionHandle: z.string().min(1).max(256).openapi({ param: { name: "sessionHandle", in: "path" } }),
});
export const runParamsSchema = z.object({
  runId: z.string().regex(/^[0-9a-f]{16,40}$/, "not a bulk run id").openapi({ param: { name: "runId", in: "path" } }),
});

// ── queries ─────────────────────────────────────────────────────────────────────────────────────────
export const userSearchQuerySchema = z.object({
  q: z.string().max(320, "must be at most 320 characters").default("").openapi({ description: "An email or its start, a phone number, a user id or its first characters, or provider:google. Empty: the newest users.", example: "@globex.com" }),
  tenant: z.string().max(128).regex(/^[a-z0-9-]*$/, "not a tenant id").default("").openapi({ description: "Only this tenant." }),
  cursor: z.string().max(512).optional().openapi({ description: "nextCursor of the previous page (browsing only)." }),
});

const page = z.coerce.number().int().min(1).max(100_000).default(1);
export const runQuerySchema = z.object({ page: page.openapi({ description: "Page of the dry run's change groups (50 a page)." }) });
export const runReportQuerySchema = z.object({
  show: z.enum(["all", "pending", ...PLAN_VERDICTS, ...ITEM_OUTCOMES]).default("all").openapi({ description: "Only sessions with this dry-run verdict or outcome." }),
  page: page.openapi({ description: "50 sessions a page." }),
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use a date such as 2026-01-31");
export const auditQuerySchema = z.object({
  user: z.string().max(300).optional(),
  staff: z.string().max(254).optional().openapi({ description: "Staff email." }),
  session: z.string().max(300).optional(),
  run: z.string().max(64).optional().openapi({ description: "A bulk run's per-session entries." }),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: day.optional().openapi({ description: "First day (UTC), included." }),
  to: day.optional().openapi({ description: "Last day (UTC), included." }),
  page,
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

// ── bodies ──────────────────────────────────────────────────────────────────────────────────────────
export const writeSessionBodySchema = z
  .object({
    data: sessionDataSchema,
    expectedFingerprint: fingerprintSchema.openapi({ description: "The `fingerprint` of the data your change was made against (from GET). A mismatch is a 409 with the current data." }),
    reason: reasonSchema.optional(),
  })
  .strict()
  .openapi("WriteSessionRequest");

export const planBulkRunBodySchema = z
  .object({
    keyPath: z.string().min(1).max(2000).openapi({ description: "The key to change, e.g. featureFlags.beta or [\"a.b\"].c.", example: "featureFlags.newCheckout" }),
    operation: z.enum(OPERATION_KINDS),
    value: z.unknown().optional().openapi({ description: "Any JSON value (not for delete; an object with at least one key for merge). Exact numbers kept." }),
    scope: z.enum(["all", "selected", "tenant"]).default("all"),
    tenantId: z.string().max(200).optional().openapi({ description: "With scope tenant." }),
    handles: z.array(z.string().min(1).max(256)).max(20_000).optional().openapi({ description: "With scope selected: the session handles." }),
    reason: reasonSchema.optional(),
  })
  .strict()
  .openapi("PlanBulkRunRequest");

/** Which users a cross-user run covers: the three ways of the "Bulk across users" page. */
export const crossUserSelectionSchema = z
  .discriminatedUnion("by", [
    z.object({
      by: z.literal("search"),
      q: z.string().max(320, "must be at most 320 characters").default("").openapi({ description: "The search page's query: an email domain (@globex.com), a phone number, provider:google.", example: "@globex.com" }),
      tenant: z.string().max(128).regex(/^[a-z0-9-]*$/, "not a tenant id").default("").openapi({ description: "Only this tenant's users (alone: every user of the tenant)." }),
    }).strict(),
    z.object({
      by: z.literal("list"),
      entries: z
        .array(z.string().max(320, "an entry is at most 320 characters"))
        .min(1, "give at least one email, phone number or user id")
        .max(20_000, "at most 20,000 entries: split the list into several runs")
        .openapi({ description: "Emails, phone numbers (international form) or user ids, one per element.", example: ["ada@example.com", "+14155550100"] }),
    }).strict(),
    z.object({ by: z.literal("run"), runId: z.string().regex(/^[0-9a-f]{16,40}$/, "not a bulk run id").openapi({ description: "The users of this earlier run (one-user or cross-user)." }) }).strict(),
  ])
  .openapi("CrossUserSelection");

export const planCrossUserRunBodySchema = z
  .object({
    users: crossUserSelectionSchema,
    keyPath: planBulkRunBodySchema.shape.keyPath,
    operation: z.enum(OPERATION_KINDS),
    value: planBulkRunBodySchema.shape.value,
    reason: reasonSchema.optional(),
  })
  .strict()
  .openapi("PlanCrossUserRunRequest");

export const crossUserUsersQuerySchema = z.object({
  show: z.enum(["users", "unresolved"]).default("users").openapi({ description: "users: each matched user with their sessions counted by outcome; unresolved: the entries that matched no user, more than one, or were not understood." }),
  page: page.openapi({ description: "50 a page." }),
});

// ── answers ─────────────────────────────────────────────────────────────────────────────────────────
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: "/api/docs#problem-conflict" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().openapi({ description: "invalid-request: each input problem." }),
    current: sessionDataSchema.optional().openapi({ description: "conflict: the data the session holds now." }),
    currentFingerprint: fingerprintSchema.optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details (application/problem+json)." });

const loginMethodSchema = z.object({ recipeId: z.string(), recipeUserId: z.string(), tenantIds: z.array(z.string()), email: z.string().optional(), phoneNumber: z.string().optional(), thirdParty: z.object({ id: z.string(), userId: z.string() }).optional() }).passthrough();
export const userSchema = z
  .object({ id: z.string(), emails: z.array(z.string()), phoneNumbers: z.array(z.string()), tenantIds: z.array(z.string()), timeJoined: z.number(), isPrimaryUser: z.boolean(), loginMethods: z.array(loginMethodSchema) })
  .passthrough()
  .openapi("User");

export const sessionSchema = z
  .object({
    sessionHandle: z.string(),
    userId: z.string(),
    recipeUserId: z.string(),
    tenantId: z.string(),
    timeCreated: z.number().openapi({ description: "ms since the epoch" }),
    expiry: z.number().openapi({ description: "When the session (its refresh token) expires, ms since the epoch." }),
    data: sessionDataSchema,
    fingerprint: fingerprintSchema.openapi({ description: "Send it back as expectedFingerprint to write." }),
    accessTokenPayload: z.record(z.unknown()),
  })
  .openapi("Session");

export const userSearchAnswerSchema = z.object({ users: z.array(userSchema), nextCursor: z.string().optional(), problem: z.string().optional() }).openapi("UserSearchResult");
export const userWithSessionsSchema = z.object({ user: userSchema, sessions: z.array(sessionSchema), endedWhileLoading: z.number().int() }).openapi("UserWithSessions");
export const writeAnswerSchema = z
  .object({
    status: z.enum(["written", "unchanged", "overtaken"]).openapi({ description: "overtaken: written, but another change landed right after it; `data` is what the session holds now." }),
    changes: z.number().int(),
    auditEntryId: z.string().nullable(),
    data: sessionDataSchema,
    fingerprint: fingerprintSchema,
  })
  .openapi("WriteSessionResult");

const counts = (keys: readonly string[]) => z.object(Object.fromEntries(keys.map((key) => [key, z.number().int()])));
export const runSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    createdAt: z.string(),
    staff: z.object({ email: z.string(), displayName: z.string() }),
    operation: z.enum(OPERATION_KINDS),
    pointer: z.string(),
    keyPath: z.string(),
    valueJson: z.string().nullable(),
    scope: z.string(),
    tenantId: z.string().nullable(),
    reason: z.string().nullable(),
    plannedAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    progress: z.object({
      status: z.enum(["planning", "planned", "running", "cancelling", "interrupted", "completed", "cancelled"]),
      total: z.number().int(),
      done: z.number().int(),
      plan: counts(PLAN_VERDICTS),
      outcomes: counts([...ITEM_OUTCOMES, "pending"]),
      retries: z.number().int(),
    }),
  })
  .passthrough()
  .openapi("BulkRun");
const entrySchema = z
  .object({
    seq: z.number().int(),
    input: z.string(),
    kind: z.enum(["email", "phone", "id", "search", "run"]),
    status: z.enum(["matched", "unknown", "ambiguous", "duplicate", "invalid"]),
    userId: z.string().nullable(),
    label: z.string().nullable(),
    candidates: z.array(z.string()).openapi({ description: "ambiguous: the user ids it matched (at most a few)." }),
    sessions: z.number().int(),
  })
  .openapi("CrossUserEntry");
export const crossUserSchema = z
  .object({
    source: z.record(z.unknown()).nullable().openapi({ description: "How the users were chosen." }),
    approval: z.object({
      status: z.enum(["pending", "approved"]).nullable().openapi({ description: "pending: more sessions than the threshold; a second admin must approve it in the app before anyone can apply it." }),
      approvedBy: z.string().nullable(),
      approvedAt: z.string().nullable(),
      threshold: z.number().int(),
    }),
    entries: counts(["matched", "unknown", "ambiguous", "duplicate", "invalid"]),
    unresolved: z.array(entrySchema).openapi({ description: "The first 50 entries that matched no user, more than one, or were not understood (all of them: GET …/users?show=unresolved)." }),
  })
  .openapi("CrossUserRunDetails");
const summarySchema = z.object({ count: z.number().int(), text: z.string(), items: z.array(z.record(z.unknown())) }).nullable();
export const dryRunAnswerSchema = z
  .object({
    run: runSchema,
    crossUser: crossUserSchema.optional().openapi({ description: "Runs across users only." }),
    groups: z.array(z.object({ firstSeq: z.number().int(), plan: z.enum(PLAN_VERDICTS), count: z.number().int(), summary: summarySchema, note: z.string().nullable() })),
    page: z.number().int(),
    pageCount: z.number().int(),
  })
  .openapi("BulkRunWithDryRun");
export const planAnswerSchema = z.object({ run: runSchema, crossUser: crossUserSchema.optional() }).openapi("PlannedBulkRun");
export const crossUserUsersAnswerSchema = z
  .object({
    run: runSchema,
    users: z.array(entrySchema.extend({ outcomes: counts([...ITEM_OUTCOMES, "pending"]), willChange: z.number().int(), verdict: z.string() })).optional(),
    entries: z.array(entrySchema).optional(),
    page: z.number().int(),
    pageCount: z.number().int(),
  })
  .openapi("CrossUserRunUsers");
export const runActionAnswerSchema = z.object({ result: z.string(), run: runSchema }).openapi("BulkRunActionResult");
export const reportAnswerSchema = z
  .object({
    run: runSchema,
    items: z.array(
      z.object({
        seq: z.number().int(),
        sessionHandle: z.string(),
        tenantId: z.string().nullable(),
        plan: z.enum(PLAN_VERDICTS),
        planError: z.string().nullable(),
        summary: summarySchema,
        outcome: z.enum(ITEM_OUTCOMES).nullable(),
        outcomeError: z.string().nullable(),
        attempts: z.number().int(),
        auditEntryId: z.string().nullable(),
        userId: z.string().nullable().optional().openapi({ description: "Runs across users: whose session it is." }),
      }),
    ),
    total: z.number().int(),
    page: z.number().int(),
    pageCount: z.number().int(),
  })
  .openapi("BulkRunReport");
export const auditPageSchema = z
  .object({
    entries: z.array(
      z.object({
        id: z.string(),
        createdAt: z.string(),
        staff: z.object({ id: z.string(), email: z.string(), displayName: z.string(), role: z.string() }),
        viaApiToken: z.object({ id: z.string(), name: z.string() }).nullable(),
        action: z.enum(AUDIT_ACTIONS),
        target: z.object({ userId: z.string(), sessionHandle: z.string().nullable(), tenantId: z.string().nullable() }),
        reason: z.string().nullable(),
        before: z.unknown(),
        after: z.unknown(),
        patch: z.array(z.unknown()).nullable(),
        runId: z.string().nullable(),
        revertOf: z.string().nullable(),
        outcome: z.object({ status: z.enum(AUDIT_OUTCOMES), error: z.string().nullable(), after: z.unknown(), finishedAt: z.string() }).nullable(),
      }),
    ),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    pageCount: z.number().int(),
  })
  .openapi("AuditPage");

export const scopeSchema = z.enum(API_SCOPES);
