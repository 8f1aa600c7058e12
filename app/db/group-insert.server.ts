/**
 * Group commit for append-only rows. Inserts asked for at about the same moment reach the database in
 * one transaction — one multi-row INSERT per table, one commit, one fsync — instead of one commit
 * each. That matters when a bulk run's many workers each record an audit entry before their core call
 * and its outcome after it: the rows still land before each call goes on (every caller's promise
 * settles only once its own row is committed), they just stop paying a commit apiece.
 *
 * A group is sent at the next turn of the event loop, and while one group is being committed the next
 * one gathers: the busier the database, the bigger the groups, with no fixed wait for a lone edit.
 *
 * If the database refuses a group (a duplicate key, a missing parent row), its rows are inserted one by
 * one, so only the caller of the faulty row sees the error.
 */
import type { Insertable } from "kysely";
import { getDashboardDatabase, getDb } from "./db.server";
import { compileReusing } from "./reuse-compiled.server";
import type { DashboardTables } from "./schema";

type TableName = keyof DashboardTables;

/** Bounded by the databases' limit on bound parameters per statement (SQLite 32,766; PostgreSQL 65,535). */
const MAX_ROWS_PER_STATEMENT = 100;

interface Waiting {
  table: TableName;
  row: unknown;
  resolve: () => void;
  reject: (error: unknown) => void;
}

let waiting: Waiting[] = [];
let scheduled = false;
let flushing = false;

/**
 * One multi-row INSERT. Rows of one table come from one function and have the same columns, so the SQL
 * depends only on the table, the columns and the row count, and is compiled once for each.
 */
function insertRows(table: TableName, rows: unknown[]) {
  // Typed loosely on purpose: Kysely cannot check `values()` against a table chosen at run time.
  const compile = () => getDb().insertInto(table).values(rows as never).compile();
  const columns = Object.keys(rows[0] as object);
  const columnList = columns.join(",");
  if (!rows.every((row) => Object.keys(row as object).join(",") === columnList)) return compile();
  const values = rows.flatMap((row) => columns.map((column) => (row as Record<string, unknown>)[column]));
  return compileReusing(`insert ${table} (${columnList}) × ${rows.length}`, values, compile);
}

async function flush(): Promise<void> {
  scheduled = false;
  flushing = true;
  try {
    await flushGroup();
  } finally {
    flushing = false;
    if (waiting.length > 0) schedule();
  }
}

function schedule(): void {
  if (scheduled || flushing) return;
  scheduled = true;
  setImmediate(() => void flush());
}

async function flushGroup(): Promise<void> {
  const group = waiting;
  waiting = [];
  // Every caller's promise must settle, whatever goes wrong here.
  let database: ReturnType<typeof getDashboardDatabase> | undefined;
  try {
    database = getDashboardDatabase();
    const statements = [];
    for (const table of new Set(group.map((item) => item.table))) {
      const rows = group.filter((item) => item.table === table).map((item) => item.row);
      for (let start = 0; start < rows.length; start += MAX_ROWS_PER_STATEMENT) {
        statements.push(insertRows(table, rows.slice(start, start + MAX_ROWS_PER_STATEMENT)));
      }
    }
    await database.runAtomically(statements);
  } catch (error) {
    if (group.length === 1 || database === undefined) {
      for (const item of group) item.reject(error);
      return;
    }
    for (const item of group) {
      try {
        await database.runAtomically([insertRows(item.table, [item.row])]);
        item.resolve();
      } catch (rowError) {
        item.reject(rowError);
      }
    }
    return;
  }
  for (const item of group) item.resolve();
}

/** Inserts `row` into `table` in the next group commit; resolves once it is committed. */
export function groupInsert<Table extends TableName>(table: Table, row: Insertable<DashboardTables[Table]>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    waiting.push({ table, row, resolve, reject });
    schedule();
  });
}
