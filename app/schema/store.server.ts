/**
 * Where session-data schemas live: versions in Session Desk's database (append-only: every save is a new
 * version, and the newest is the schema's state), plus at most one schema read from a file at start-up
 * (SESSION_DATA_SCHEMA_FILE), which the pages show read-only.
 *
 * Every write to session data asks `activeSchemas()` for what applies. A bulk run asks once per session,
 * so the compiled list is kept for a second (and dropped at once when this instance saves a version):
 * another instance's save is seen within that second.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { getConfig } from "~/config.server";
import { getDb } from "~/db/db.server";
import type { DataSchemaVersionsTable } from "~/db/schema";
import { now } from "~/staff/clock.server";
import type { StaffUser } from "~/staff/roles";
import { singleton } from "~/utils/singleton.server";
import { matchSchema, overlapsWith, parseTenantList } from "./rules";
import { compileSessionSchema, type SessionDataValidator } from "./validator.server";

export const FILE_SCHEMA_ID = "file";
export const SCHEMA_TEXT_MAX_CHARS = 512 * 1024;

export interface SchemaVersion {
  schemaId: string;
  version: number;
  createdAt: string;
  staffEmail: string;
  staffName: string;
  reason: string | null;
  name: string;
  description: string | null;
  tenants: string[] | null;
  status: "active" | "retired";
  schemaText: string;
  source: "database" | "file";
}

export interface ActiveSchema extends SchemaVersion {
  id: string;
  validator: SessionDataValidator;
}

/** The schema read from SESSION_DATA_SCHEMA_FILE, if any (loadSchemaFile). */
const fileState = singleton("session-data-schema-file", () => ({ loaded: false, schema: null as SchemaVersion | null }));

export class SchemaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaFileError";
  }
}

/**
 * Reads SESSION_DATA_SCHEMA_FILE once (start-up calls it; so does the first use). A file that cannot be
 * read or is not a valid draft 2020-12 schema is an error with the path and the reason, so a team never
 * runs without the guard it believes it has.
 */
export function loadSchemaFile(): SchemaVersion | null {
  if (fileState.loaded) return fileState.schema;
  const config = getConfig();
  const file = config.SESSION_DATA_SCHEMA_FILE;
  let schema: SchemaVersion | null = null;
  if (file) {
    const fullPath = path.resolve(file);
    let text: string;
    try {
      text = readFileSync(fullPath, "utf8");
    } catch (error) {
      throw new SchemaFileError(`SESSION_DATA_SCHEMA_FILE: cannot read ${fullPath}: ${(error as Error).message}`);
    }
    const compiled = compileSessionSchema(text);
    if (!compiled.ok) throw new SchemaFileError(`SESSION_DATA_SCHEMA_FILE: ${fullPath} is not a valid JSON Schema (draft 2020-12): ${compiled.problems.join("; ")}`);
    schema = {
      schemaId: FILE_SCHEMA_ID,
      version: 1,
      createdAt: now().toISOString(),
      staffEmail: "configuration",
      staffName: "SESSION_DATA_SCHEMA_FILE",
      reason: null,
      name: path.basename(fullPath),
      description: `Read from ${fullPath} at start-up.`,
      tenants: parseTenantList(config.SESSION_DATA_SCHEMA_FILE_TENANTS ?? ""),
      status: "active",
      schemaText: text,
      source: "file",
    };
  }
  fileState.schema = schema;
  fileState.loaded = true;
  cache.list = undefined;
  return schema;
}

/** Forgets the file (tests that change SESSION_DATA_SCHEMA_FILE). */
export function forgetSchemaFile(): void {
  fileState.loaded = false;
  fileState.schema = null;
  cache.list = undefined;
}

function toVersion(row: DataSchemaVersionsTable): SchemaVersion {
  return {
    schemaId: row.schema_id,
    version: Number(row.version),
    createdAt: row.created_at,
    staffEmail: row.staff_email,
    staffName: row.staff_name,
    reason: row.reason,
    name: row.name,
    description: row.description,
    tenants: row.tenants_json === null ? null : (JSON.parse(row.tenants_json) as string[]),
    status: row.status,
    schemaText: row.schema_json,
    source: "database",
  };
}

/** Every schema as it is now (its newest version), the file's first, then by name. */
export async function listSchemas(): Promise<SchemaVersion[]> {
  const db = getDb();
  const rows = await db
    .selectFrom("data_schema_versions as v")
    .selectAll("v")
    .where("v.version", "=", (eb) => eb.selectFrom("data_schema_versions as w").select((w) => w.fn.max("w.version").as("max")).whereRef("w.schema_id", "=", "v.schema_id"))
    .execute();
  const schemas = rows.map(toVersion).sort((a, b) => a.name.localeCompare(b.name));
  const file = loadSchemaFile();
  return file ? [file, ...schemas] : schemas;
}

/** A schema's versions, newest first ([] when there is no such schema). */
export async function listSchemaVersions(schemaId: string): Promise<SchemaVersion[]> {
  if (schemaId === FILE_SCHEMA_ID) {
    const file = loadSchemaFile();
    return file ? [file] : [];
  }
  const rows = await getDb().selectFrom("data_schema_versions").selectAll().where("schema_id", "=", schemaId).orderBy("version", "desc").execute();
  return rows.map(toVersion);
}

const cache = singleton("session-data-schema-cache", () => ({
  list: undefined as Promise<ActiveSchema[]> | undefined,
  at: 0,
  compiled: new Map<string, SessionDataValidator>(),
}));
const CACHE_MS = 1000;

/** The active schemas, compiled (kept for a second; see the module comment). */
export function activeSchemas(): Promise<ActiveSchema[]> {
  const at = Date.now();
  if (!cache.list || at - cache.at > CACHE_MS) {
    cache.at = at;
    cache.list = loadActive();
    cache.list.catch(() => {
      cache.list = undefined;
    });
  }
  return cache.list;
}

async function loadActive(): Promise<ActiveSchema[]> {
  const active: ActiveSchema[] = [];
  for (const schema of await listSchemas()) {
    if (schema.status !== "active") continue;
    const key = `${schema.schemaId}@${schema.version}`;
    let validator = cache.compiled.get(key);
    if (!validator) {
      const compiled = compileSessionSchema(schema.schemaText);
      // Saved versions were compiled when saved; one that no longer compiles (an ajv upgrade) guards nothing
      // rather than refusing every write. It shows on the Schemas page.
      if (!compiled.ok) continue;
      validator = compiled.validator;
      cache.compiled.set(key, validator);
    }
    active.push({ ...schema, id: schema.schemaId, validator });
  }
  return active;
}

/** The active schema for a session of `tenantId`, or null (rules.ts matchSchema). */
export async function schemaForTenant(tenantId: string | null | undefined): Promise<ActiveSchema | null> {
  return matchSchema(await activeSchemas(), tenantId);
}

export interface SaveSchemaInput {
  staff: StaffUser;
  /** Absent: a new schema. */
  schemaId?: string;
  name: string;
  description?: string;
  tenants: string[] | null;
  status: "active" | "retired";
  schemaText: string;
  reason?: string;
}

export type SaveSchemaResult =
  | { ok: true; schemaId: string; version: number; unchanged?: boolean }
  | { ok: false; problems: string[]; field?: "schema" | "tenants" | "schemaId" };

/** Saves a new version (of a new or an existing schema); refuses an invalid schema or one that overlaps another active one. */
export async function saveSchemaVersion(input: SaveSchemaInput): Promise<SaveSchemaResult> {
  if (input.schemaId === FILE_SCHEMA_ID) return { ok: false, problems: ["The schema from SESSION_DATA_SCHEMA_FILE is read-only here: change the file."], field: "schemaId" };
  const compiled = compileSessionSchema(input.schemaText);
  if (!compiled.ok) return { ok: false, problems: compiled.problems, field: "schema" };
  const existing = input.schemaId ? await listSchemaVersions(input.schemaId) : [];
  if (input.schemaId && existing.length === 0) return { ok: false, problems: ["There is no such schema."], field: "schemaId" };
  const latest = existing[0];
  if (
    latest &&
    latest.name === input.name &&
    (latest.description ?? "") === (input.description ?? "") &&
    JSON.stringify(latest.tenants) === JSON.stringify(input.tenants) &&
    latest.status === input.status &&
    latest.schemaText === input.schemaText
  ) {
    return { ok: true, schemaId: latest.schemaId, version: latest.version, unchanged: true };
  }
  const schemaId = input.schemaId ?? newSchemaId();
  if (input.status === "active") {
    const others = (await listSchemas()).filter((schema) => schema.status === "active" && schema.source === "database");
    const clashes = overlapsWith(others.map((schema) => ({ ...schema, id: schema.schemaId })), { id: schemaId, tenants: input.tenants, source: "database" });
    if (clashes.length > 0) {
      const names = clashes.map((schema) => `"${schema.name}" (${schema.tenants === null ? "every tenant" : schema.tenants.join(", ")})`).join(", ");
      return {
        ok: false,
        problems: [`Another active schema already applies to ${input.tenants === null ? "every tenant" : "one of these tenants"}: ${names}. Retire it first, or name other tenants.`],
        field: "tenants",
      };
    }
  }
  const version = (latest?.version ?? 0) + 1;
  try {
    await getDb()
      .insertInto("data_schema_versions")
      .values({
        schema_id: schemaId,
        version,
        created_at: now().toISOString(),
        staff_id: input.staff.id,
        staff_email: input.staff.email,
        staff_name: input.staff.displayName,
        reason: input.reason?.trim() || null,
        name: input.name,
        description: input.description?.trim() || null,
        tenants_json: input.tenants === null ? null : JSON.stringify(input.tenants),
        status: input.status,
        schema_json: input.schemaText,
      })
      .execute();
  } catch (error) {
    // Two saves of the same schema at once: the primary key lets one through.
    if (/unique|duplicate|primary key/i.test(String(error))) return { ok: false, problems: ["Someone saved this schema at the same moment. Reload to see their version; nothing was saved."] };
    throw error;
  }
  cache.list = undefined;
  return { ok: true, schemaId, version };
}

function newSchemaId(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return `sch_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Drops the compiled list (tests, and a save on this instance). */
export function forgetActiveSchemas(): void {
  cache.list = undefined;
}
