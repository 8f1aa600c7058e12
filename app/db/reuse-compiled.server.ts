/**
 * Compiling a Kysely query costs more than SQLite needs to run a small one, and a bulk run builds the
 * same few statements thousands of times with only their values differing (an audit entry per
 * session, an outcome per session). `compileReusing` compiles a statement of a given shape once per
 * database and from then on pairs that SQL with the new values.
 *
 * The caller lists the values in the order it believes Kysely binds them. The first compile checks that
 * belief against Kysely's own parameters; if they differ, that shape is simply never reused — a mistake
 * here costs speed, never correctness.
 */
import { CompiledQuery } from "kysely";
import { getDashboardDatabase, type DashboardDatabase } from "./db.server";

/** Per open database (SQLite and PostgreSQL write different SQL): shape → its SQL, or null when not reusable. */
const compiledSql = new WeakMap<DashboardDatabase, Map<string, string | null>>();

export function compileReusing(shape: string, parameters: readonly unknown[], compile: () => CompiledQuery): CompiledQuery {
  const database = getDashboardDatabase();
  let shapes = compiledSql.get(database);
  if (!shapes) compiledSql.set(database, (shapes = new Map()));
  const known = shapes.get(shape);
  if (known) return CompiledQuery.raw(known, [...parameters]);
  const compiled = compile();
  if (known === undefined) {
    const same = compiled.parameters.length === parameters.length && compiled.parameters.every((value, i) => value === parameters[i]);
    shapes.set(shape, same ? compiled.sql : null);
  }
  return compiled;
}
