/**
 * SQLite on a worker thread, as a Kysely dialect.
 *
 * Why: better-sqlite3 is synchronous, so on the main thread every statement — and every commit's
 * fsync, which is how the audit trail survives a power cut — stops the whole server: page loads, core
 * calls in flight, a bulk run's other workers. A bulk run commits its audit entries tens of times a
 * second; measured on the bench, the main thread spent a fifth of a run inside SQLite, most of it waiting
 * for the disk. Here the one connection lives on its own thread and the main thread only sends SQL and
 * receives rows, so that waiting overlaps everything else.
 *
 * Semantics are Kysely's own SqliteDriver's: one connection, one user at a time (a transaction holds it
 * from BEGIN to COMMIT), statements run in the order they are sent. Errors come back with SQLite's
 * message and code (e.g. SQLITE_CONSTRAINT_FOREIGNKEY). The thread keeps the process alive only while a
 * statement is in flight, as the synchronous driver did (a script that forgets to close still exits).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import {
  CompiledQuery, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver, type Kysely, type QueryCompiler, type QueryResult,
} from "kysely";

/** Prepared statements kept per SQL text: preparing costs about as much as running a small insert. */
const STATEMENT_CACHE_SIZE = 256;

// Plain CommonJS, evaluated as the worker's script: a separate file would have to be found next to
// whichever copy of this module is running (sources under tsx and vitest, the Remix server bundle).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driverPath);
const cache = new Map();
let db;
let runBatch;
function prepare(sql) {
  const cached = cache.get(sql);
  if (cached) return cached;
  const statement = db.prepare(sql);
  if (cache.size >= workerData.cacheSize) cache.delete(cache.keys().next().value);
  cache.set(sql, statement);
  return statement;
}
const failure = (error) => ({ message: error && error.message ? error.message : String(error), code: error && error.code, name: error && error.name });
try {
  db = new Database(workerData.file);
  // WAL lets page reads go on while a write commits; busy_timeout waits out a concurrent CLI write
  // instead of failing; foreign keys are off by default in SQLite.
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  // A batch is one transaction: all of its statements commit together or none does.
  runBatch = db.transaction((statements) => {
    for (const statement of statements) prepare(statement.sql).run(statement.parameters);
  });
  parentPort.postMessage({ id: 0 });
} catch (error) {
  parentPort.postMessage({ id: 0, error: failure(error) });
}
parentPort.on("message", (message) => {
  if (message.close) {
    try { db && db.close(); } catch {}
    parentPort.postMessage({ id: message.id });
    return;
  }
  try {
    if (message.batch) {
      runBatch(message.batch);
      parentPort.postMessage({ id: message.id });
      return;
    }
    const statement = prepare(message.sql);
    if (statement.reader) parentPort.postMessage({ id: message.id, rows: statement.all(message.parameters) });
    else {
      const result = statement.run(message.parameters);
      parentPort.postMessage({ id: message.id, changes: result.changes, lastInsertRowid: result.lastInsertRowid });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: failure(error) });
  }
});
`;

interface Reply {
  id: number;
  rows?: unknown[];
  changes?: number;
  lastInsertRowid?: number | bigint;
  error?: { message: string; code?: string; name?: string };
}

/** An error from the SQLite thread, shaped like better-sqlite3's SqliteError (message and code). */
export class SqliteWorkerError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = "SqliteError";
  }
}

class SqliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private stopped: Error | undefined;
  readonly ready: Promise<void>;

  constructor(file: string) {
    const driverPath = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driverPath, cacheSize: STATEMENT_CACHE_SIZE } });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => this.pending.set(0, { resolve: (reply) => (reply.error ? reject(toError(reply.error)) : resolve()), reject }));
    this.worker.ref(); // until it has answered whether the file opened
    this.worker.on("message", (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      waiter.resolve(reply);
    });
    const stop = (error: Error) => {
      this.stopped ??= error;
      for (const waiter of this.pending.values()) waiter.reject(this.stopped);
      this.pending.clear();
    };
    this.worker.on("error", (error) => stop(new Error(`Session Desk's SQLite thread failed: ${error.message}`)));
    this.worker.on("exit", () => stop(new Error("Session Desk's SQLite database is closed.")));
  }

  private send(message: Record<string, unknown>): Promise<Reply> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ id, ...message });
      } catch (error) {
        // A value that cannot cross threads (a function, say): refused here, and nothing left waiting.
        this.pending.delete(id);
        if (this.pending.size === 0) this.worker.unref();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  async execute(sql: string, parameters: readonly unknown[]): Promise<QueryResult<unknown>> {
    const reply = await this.send({ sql, parameters });
    if (reply.error) throw toError(reply.error);
    if (reply.rows) return { rows: reply.rows };
    return {
      rows: [],
      numAffectedRows: reply.changes === undefined ? undefined : BigInt(reply.changes),
      insertId: reply.lastInsertRowid === undefined ? undefined : BigInt(reply.lastInsertRowid),
    };
  }

  /** Runs write statements as one transaction, in one round trip. */
  async executeBatch(statements: readonly CompiledQuery[]): Promise<void> {
    const reply = await this.send({ batch: statements.map(({ sql, parameters }) => ({ sql, parameters })) });
    if (reply.error) throw toError(reply.error);
  }

  async close(): Promise<void> {
    if (!this.stopped) await this.send({ close: true }).catch(() => {});
    await this.worker.terminate();
  }
}

function toError(error: NonNullable<Reply["error"]>): Error {
  return new SqliteWorkerError(error.message, error.code);
}

class SqliteThreadConnection implements DatabaseConnection {
  constructor(private readonly thread: SqliteThread) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.thread.execute(compiledQuery.sql, compiledQuery.parameters) as Promise<QueryResult<R>>;
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // Rows cross threads as one message; streaming them one by one from there would gain nothing.
    const result = await this.executeQuery<R>(compiledQuery);
    for (const row of result.rows) yield { rows: [row] };
  }
}

/** One connection, one user at a time: what Kysely's own SQLite driver does. */
class ConnectionMutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise<void>((resolve) => (this.release = resolve));
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

class SqliteThreadDriver implements Driver {
  private thread: SqliteThread | undefined;
  private connection: SqliteThreadConnection | undefined;
  private readonly mutex = new ConnectionMutex();

  constructor(private readonly file: string) {}

  async init(): Promise<void> {
    this.thread = new SqliteThread(this.file);
    try {
      await this.thread.ready;
    } catch (error) {
      await this.thread.close();
      throw error;
    }
    this.connection = new SqliteThreadConnection(this.thread);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection!;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  /** See `SqliteThreadDialect.runAtomically`. Takes the connection like any query, so it never lands inside another transaction. */
  async runAtomically(statements: readonly CompiledQuery[]): Promise<void> {
    if (!this.thread) throw new Error("Session Desk's SQLite database is not open yet.");
    await this.mutex.lock();
    try {
      await this.thread.executeBatch(statements);
    } finally {
      this.mutex.unlock();
    }
  }

  async destroy(): Promise<void> {
    await this.thread?.close();
  }
}

/** Kysely's SQLite dialect, with the connection on a worker thread. */
export class SqliteThreadDialect implements Dialect {
  private driver: SqliteThreadDriver | undefined;

  constructor(private readonly file: string) {}

  createDriver(): Driver {
    this.driver = new SqliteThreadDriver(this.file);
    return this.driver;
  }

  /**
   * Write statements as one transaction in a single round trip to the thread. A Kysely transaction
   * costs a round trip per statement, and holds the one connection all the while; a bulk run's group
   * commits and outcome batches would spend most of their time waiting on those trips.
   */
  runAtomically(statements: readonly CompiledQuery[]): Promise<void> {
    if (!this.driver) throw new Error("The dialect has no driver: it was not given to Kysely.");
    return this.driver.runAtomically(statements);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
