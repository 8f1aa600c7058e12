/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas that validate the requests
 * (schemas.server.ts) with @asteasolutions/zod-to-openapi. Served at /api/v1/openapi.json and rendered
 * as the reference page /api/docs.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { z } from "zod";
import { PROBLEMS, PROBLEM_CONTENT_TYPE, type ProblemSlug } from "./problem.server";
import {
  auditPageSchema,
  auditQuerySchema,
  crossUserUsersAnswerSchema,
  crossUserUsersQuerySchema,
  dryRunAnswerSchema,
  planCrossUserRunBodySchema,
  planAnswerSchema,
  planBulkRunBodySchema,
  problemSchema,
  reportAnswerSchema,
  runActionAnswerSchema,
  runParamsSchema,
  runQuerySchema,
  runReportQuerySchema,
  sessionParamsSchema,
  sessionSchema,
  userParamsSchema,
  userSearchAnswerSchema,
  userSearchQuerySchema,
  userWithSessionsSchema,
  writeAnswerSchema,
  writeSessionBodySchema,
} from "./schemas.server";
import { ROLE_FOR_SCOPE, type ApiScope } from "./scopes";

export interface ApiRoute {
  method: "get" | "put" | "post";
  /** OpenAPI form: /users/{userId}. */
  path: string;
  scope: ApiScope;
  summary: string;
  description: string;
  tag: string;
  params?: z.AnyZodObject;
  query?: z.AnyZodObject;
  body?: z.ZodTypeAny;
  ok: { status: number; description: string; schema: z.ZodTypeAny };
  problems: ProblemSlug[];
}

const COMMON: ProblemSlug[] = ["unauthenticated", "invalid-token", "insufficient-scope", "rate-limited"];

export const API_ROUTES: ApiRoute[] = [
  {
    method: "get",
    path: "/users",
    scope: "read",
    tag: "Users",
    summary: "Search users",
    description: "The search page's search: an email or its start (@globex.com), a phone number, a user id or its first characters, or provider:google. Without q, the newest users, a page at a time (nextCursor).",
    query: userSearchQuerySchema,
    ok: { status: 200, description: "Matching users, newest first", schema: userSearchAnswerSchema },
    problems: ["invalid-request", "core-error", "core-unavailable"],
  },
  {
    method: "get",
    path: "/users/{userId}",
    scope: "read",
    tag: "Users",
    summary: "Get a user and their sessions with data",
    description: "Every live session across tenants and linked login methods, newest first, each with its data and fingerprint.",
    params: userParamsSchema,
    ok: { status: 200, description: "The user and their sessions", schema: userWithSessionsSchema },
    problems: ["not-found", "core-error", "core-unavailable"],
  },
  {
    method: "get",
    path: "/users/{userId}/sessions/{sessionHandle}",
    scope: "read",
    tag: "Sessions",
    summary: "Get one session",
    description: "A session of this user (a handle of anyone else's is a 404), with its data and the fingerprint to write against.",
    params: sessionParamsSchema,
    ok: { status: 200, description: "The session", schema: sessionSchema },
    problems: ["not-found", "core-error", "core-unavailable"],
  },
  {
    method: "put",
    path: "/users/{userId}/sessions/{sessionHandle}",
    scope: "write",
    tag: "Sessions",
    summary: "Write one session's data",
    description:
      "Replaces the session's data, if it still has `expectedFingerprint`; otherwise 409 with the data it holds now and nothing written. The editor's rules and write: exact numbers, keys you did not change keep their stored place, a reason, one audit entry (\"via API token <name>\").",
    params: sessionParamsSchema,
    body: writeSessionBodySchema,
    ok: { status: 200, description: "Written (or unchanged, or written and then overtaken by another change)", schema: writeAnswerSchema },
    problems: ["invalid-request", "unsupported-media-type", "payload-too-large", "not-found", "conflict", "session-gone", "write-refused", "core-unavailable"],
  },
  {
    method: "post",
    path: "/users/{userId}/bulk-runs",
    scope: "bulk",
    tag: "Bulk runs",
    summary: "Plan a bulk run (dry run) over one user's sessions",
    description: "Set, set where missing, merge into, or delete one key in every session in scope. Writes nothing to the core: read the dry run, then apply it.",
    params: userParamsSchema,
    body: planBulkRunBodySchema,
    ok: { status: 201, description: "The dry run (Location: its address)", schema: planAnswerSchema },
    problems: ["invalid-request", "unsupported-media-type", "not-found", "core-error", "core-unavailable"],
  },
  {
    method: "post",
    path: "/bulk-runs",
    scope: "bulk",
    tag: "Bulk runs",
    summary: "Plan a bulk run (dry run) across users",
    description:
      "One change to all the sessions of many users: found by a search, given as a list of emails, phone numbers or user ids, or the users of an earlier run. Every entry is resolved first; those that matched no user, more than one, or were not understood are listed in `crossUser.unresolved` and left out. Admins only. A run of more sessions than the approval threshold (BULK_APPROVAL_THRESHOLD, default 1,000) cannot be applied until a second admin approves it in the app.",
    body: planCrossUserRunBodySchema,
    ok: { status: 201, description: "The dry run (Location: its address)", schema: planAnswerSchema },
    problems: ["invalid-request", "unsupported-media-type", "core-error", "core-unavailable"],
  },
  {
    method: "get",
    path: "/bulk-runs/{runId}",
    scope: "read",
    tag: "Bulk runs",
    summary: "Read a run and its dry run",
    description: "The run's state and counts, and its dry run as groups of identical change (50 a page).",
    params: runParamsSchema,
    query: runQuerySchema,
    ok: { status: 200, description: "The run", schema: dryRunAnswerSchema },
    problems: ["not-found", "invalid-request"],
  },
  ...(["apply", "cancel", "resume"] as const).map(
    (action): ApiRoute => ({
      method: "post",
      path: `/bulk-runs/{runId}/${action}`,
      scope: "bulk",
      tag: "Bulk runs",
      summary: { apply: "Apply a dry run", cancel: "Cancel a running run", resume: "Resume an interrupted run" }[action],
      description: {
        apply: "Starts applying on the server; poll the run for progress. Each session is written only if it still has the data the dry run saw. A run across users waiting for a second admin's approval is refused (409) until it is approved in the app.",
        cancel: "Writes in flight finish; the rest are reported as not attempted.",
        resume: "A run whose server went away: applies the sessions without an outcome.",
      }[action],
      params: runParamsSchema,
      ok: { status: 202, description: "Accepted; the run as it is now", schema: runActionAnswerSchema },
      problems: ["not-found", "not-applicable"],
    }),
  ),
  {
    method: "get",
    path: "/bulk-runs/{runId}/report",
    scope: "read",
    tag: "Bulk runs",
    summary: "Read a run's per-session report",
    description: "Every session's dry-run verdict, outcome, attempts and audit entry, 50 a page.",
    params: runParamsSchema,
    query: runReportQuerySchema,
    ok: { status: 200, description: "The report", schema: reportAnswerSchema },
    problems: ["not-found", "invalid-request"],
  },
  {
    method: "get",
    path: "/bulk-runs/{runId}/users",
    scope: "read",
    tag: "Bulk runs",
    summary: "Read a run across users per user",
    description: "Each matched user with their sessions counted by dry-run verdict and outcome (written, already so, failed…), or with show=unresolved the entries that matched no user or more than one. 50 a page.",
    params: runParamsSchema,
    query: crossUserUsersQuerySchema,
    ok: { status: 200, description: "Users or entries", schema: crossUserUsersAnswerSchema },
    problems: ["not-found", "invalid-request"],
  },
  {
    method: "get",
    path: "/audit",
    scope: "read",
    tag: "Audit",
    summary: "Read the audit trail",
    description: "Entries newest first, filtered like the audit page; each names its staff member and, when made through the API, the token.",
    query: auditQuerySchema,
    ok: { status: 200, description: "One page of entries", schema: auditPageSchema },
    problems: ["invalid-request"],
  },
];

function buildDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "apiToken", {
    type: "http",
    scheme: "bearer",
    description: "A personal API token (sd_…) made on your profile page. Cookies are not accepted.",
  });
  registry.register("Problem", problemSchema);
  for (const route of API_ROUTES) {
    const problems = [...new Set([...COMMON, ...route.problems])];
    const responses: RouteConfig["responses"] = {
      [route.ok.status]: { description: route.ok.description, content: { "application/json": { schema: route.ok.schema } } },
    };
    for (const slug of problems) {
      const status = PROBLEMS[slug].status;
      const existing = responses[status] as { description: string } | undefined;
      responses[status] = {
        description: existing ? `${existing.description}; ${PROBLEMS[slug].title}` : PROBLEMS[slug].title,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      };
    }
    registry.registerPath({
      method: route.method,
      path: route.path,
      tags: [route.tag],
      summary: route.summary,
      description: `${route.description}\n\nNeeds a token with the **${route.scope}** scope (role ${ROLE_FOR_SCOPE[route.scope]} or above).`,
      security: [{ [bearer.name]: [] }],
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: { required: true, content: { "application/json": { schema: route.body } } } } : {}),
      },
      responses,
      "x-scope": route.scope,
    } as RouteConfig);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Session Desk API",
      version: "1",
      description:
        "Scripted access to what Session Desk's pages do, with the same rules: search users, read and write session data (conflict-checked by fingerprint), bulk runs with a dry run, and the audit trail. Every change is audited as the token's staff member, \"via API token <name>\". Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/api/v1" }],
  });
}

let cached: ReturnType<typeof buildDocument> | undefined;

/** The document (built once per process: it depends only on the code). */
export function openApiDocument() {
  cached ??= buildDocument();
  return cached;
}
