/**
 * PostgreSQL session-level advisory locks, for locks that several dashboard instances must share
 * (app/sessions/session-lock.server.ts). Held on connections of their own, not Kysely's pool:
 *
 * - A session-level advisory lock belongs to the connection that took it, and PostgreSQL drops it when
 *   that connection ends. So an instance that crashes, or loses its connection, cannot hold a lock for
 *   ever — no expiry to tune, no lock rows to clean up.
 * - Taking is `pg_try_advisory_lock`, which answers at once: a few long-lived connections carry every
 *   lock of this instance (each lock is only a key held by a connection), and the caller polls until
 *   its own deadline. A blocking `pg_advisory_lock` would need one connection per waiting writer; with
 *   a bulk run's 128 writers that is 128 connections per instance.
 * - Kysely's pool stays free for the audit entries the lock holder writes: were the locks taken from
 *   that pool, holders waiting for a pooled connection could starve each other.
 *
 * Session-level advisory locks are re-entrant per connection, so one key must never be taken twice by
 * this instance at once; the caller's in-process lock on the same key sees to that.
 */
import pg from "pg";

/** Connections carrying this instance's locks; a key always uses the same one. */
const CONNECTIONS = 4;
/** A lock query that takes longer than this means the database is in trouble: fail, do not hang. */
const QUERY_TIMEOUT_MS = 5_000;

export interface HeldAdvisoryLock {
  readonly key: bigint;
  readonly client: pg.Client;
}

export class AdvisoryLocks {
  private readonly slots: (Promise<pg.Client> | undefined)[] = new Array(CONNECTIONS).fill(undefined);
  private closed = false;

  constructor(private readonly url: string) {}

  /** One attempt: the lock when this instance now holds `key`, undefined when another connection holds it. */
  async tryLock(key: bigint): Promise<HeldAdvisoryLock | undefined> {
    const client = await this.connection(Number(BigInt.asUintN(32, key) % BigInt(CONNECTIONS)));
    const result = await this.query<{ locked: boolean }>(client, "select pg_try_advisory_lock($1::bigint) as locked", [key.toString()]);
    return result.rows[0]?.locked ? { key, client } : undefined;
  }

  /**
   * Gives the lock back. When that fails, the connection is closed: PostgreSQL then drops every lock it
   * held, which is safer than leaving one held by a connection we can no longer trust.
   */
  async unlock(held: HeldAdvisoryLock): Promise<void> {
    try {
      await this.query(held.client, "select pg_advisory_unlock($1::bigint)", [held.key.toString()]);
    } catch (error) {
      console.error(`Could not release a session lock in PostgreSQL (${error instanceof Error ? error.message : String(error)}); closing its connection, which releases it.`);
      this.forget(held.client);
      await held.client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = this.slots.splice(0, this.slots.length);
    await Promise.all(open.map((slot) => slot?.then((client) => client.end()).catch(() => {})));
  }

  private connection(index: number): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error("the database is closed"));
    const existing = this.slots[index];
    if (existing) return existing;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: QUERY_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS });
    // A connection that breaks has lost its locks already (the server drops them); the next lock opens a new one.
    client.on("error", () => this.forget(client));
    client.on("end", () => this.forget(client));
    const connecting = client.connect().then(
      () => client,
      (error: unknown) => {
        if (this.slots[index] === connecting) this.slots[index] = undefined;
        throw error;
      },
    );
    this.slots[index] = connecting;
    return connecting;
  }

  /** One query at a time per connection, in the order asked (pg deprecates queueing them on the client). */
  private readonly tails = new WeakMap<pg.Client, Promise<unknown>>();
  private query<R extends pg.QueryResultRow>(client: pg.Client, sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    const previous = this.tails.get(client) ?? Promise.resolve();
    const result = previous.catch(() => {}).then(() => client.query<R>(sql, params));
    this.tails.set(client, result.catch(() => {}));
    return result;
  }

  private forget(client: pg.Client): void {
    this.slots.forEach((slot, index) => {
      void slot?.then((held) => {
        if (held === client && this.slots[index] === slot) this.slots[index] = undefined;
      }, () => {});
    });
  }
}
