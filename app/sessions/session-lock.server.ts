/**
 * One Session Desk write to a session at a time. The core's write is a blind overwrite with no version
 * check, so writeSessionData's "re-read, compare fingerprint, write" is only safe if no other Session
 * Desk writer runs between the compare and the write. Every writer (edit, revert, overwrite, each bulk
 * item, revoke) holds this lock from its re-read to its confirming re-read.
 *
 * Two layers, taken in this order:
 * 1. In this process, a keyed mutex (async-lock): writers of one session queue here, so an instance
 *    never has more than one of its writers asking the database for the same key.
 * 2. With PostgreSQL (DATABASE_URL), a session-level advisory lock (app/db/advisory-locks.server.ts),
 *    which every instance sharing that database sees. PostgreSQL drops it when the holding connection
 *    ends, so a crashed instance cannot hold it for ever. On SQLite there is no second layer: SQLite
 *    means one instance (README: several instances require PostgreSQL).
 *
 * Waiting is bounded (SESSION_LOCK_WAIT_MS, both layers together): past it the write gives up with
 * SessionLockTimeoutError, a transient failure the caller reports as "try again", never a hang.
 *
 * Not covered, and cannot be: writes by the customer's own app go straight to the core. Those are what
 * the fingerprint check and the confirming re-read are for (write.server.ts).
 */
import AsyncLock from "async-lock";
import { createHash } from "node:crypto";
import { getConfig } from "~/config.server";
import type { HeldAdvisoryLock } from "~/db/advisory-locks.server";
import { getDashboardDatabase } from "~/db/db.server";
import { singleton } from "~/utils/singleton.server";

export class SessionLockTimeoutError extends Error {
  readonly transient = true;
  constructor(waitedMs: number) {
    super(
      `Another change to this session was still being written after ${formatSeconds(waitedMs)}, so this one was not started. Nothing was written; try again in a moment.`,
    );
    this.name = "SessionLockTimeoutError";
  }
}

/** The database could not be asked for the lock (e.g. PostgreSQL is unreachable): transient too. */
export class SessionLockUnavailableError extends Error {
  readonly transient = true;
  constructor(cause: unknown) {
    super(`The session's write lock could not be taken in the database (${cause instanceof Error ? cause.message : String(cause)}). Nothing was written; try again.`);
    this.name = "SessionLockUnavailableError";
  }
}

export const isSessionLockError = (error: unknown): error is SessionLockTimeoutError | SessionLockUnavailableError =>
  error instanceof SessionLockTimeoutError || error instanceof SessionLockUnavailableError;

// No queue limit: a bulk run may put many writers behind one edit, each bounded by its own timeout.
const localLocks = singleton("session-write-locks", () => new AsyncLock({ maxPending: Number.POSITIVE_INFINITY }));

/** Runs `work` while holding the write lock of `sessionHandle`. */
export function withSessionLock<T>(sessionHandle: string, work: () => Promise<T>): Promise<T> {
  return withSessionLocks([sessionHandle], work);
}

/**
 * Runs `work` while holding the write locks of all `sessionHandles` (e.g. revoking all of a user's
 * sessions). Taken in sorted order, so two holders of several locks cannot wait on each other.
 */
export async function withSessionLocks<T>(sessionHandles: readonly string[], work: () => Promise<T>): Promise<T> {
  const handles = [...new Set(sessionHandles)].sort();
  if (handles.length === 0) return work();
  const waitMs = getConfig().SESSION_LOCK_WAIT_MS;
  const deadline = Date.now() + waitMs;
  const keys = handles.map((handle) => `session:${handle}`);
  try {
    return await localLocks.acquire(
      keys,
      async () => {
        const release = await takeDatabaseLocks(handles, deadline, waitMs);
        try {
          return await work();
        } finally {
          await release();
        }
      },
      { timeout: waitMs },
    );
  } catch (error) {
    // async-lock's own timeout: another writer of this process held the session for the whole wait.
    if (error instanceof Error && /timed out in queue/.test(error.message)) throw new SessionLockTimeoutError(waitMs);
    throw error;
  }
}

/** A stable 64-bit advisory lock key per session handle (a collision only makes two sessions share a lock). */
export function advisoryKeyOf(sessionHandle: string): bigint {
  const digest = createHash("sha256").update(`session-desk:session-write:${sessionHandle}`).digest();
  return digest.readBigInt64BE(0);
}

/** Takes the database's lock of every handle, in order; returns the function that gives them back. */
async function takeDatabaseLocks(handles: string[], deadline: number, waitMs: number): Promise<() => Promise<void>> {
  const locks = getDashboardDatabase().advisoryLocks;
  if (!locks) return async () => {};
  const held: HeldAdvisoryLock[] = [];
  const release = async () => {
    for (const lock of held.splice(0).reverse()) await locks.unlock(lock);
  };
  try {
    for (const handle of handles) {
      const key = advisoryKeyOf(handle);
      for (let attempt = 0; ; attempt++) {
        let lock: HeldAdvisoryLock | undefined;
        try {
          lock = await locks.tryLock(key);
        } catch (error) {
          throw new SessionLockUnavailableError(error);
        }
        if (lock) {
          held.push(lock);
          break;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new SessionLockTimeoutError(waitMs);
        // Another instance is writing this session; its write takes a few core round trips.
        await sleep(Math.min(left, Math.min(100, 2 + 3 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random())));
      }
    }
    return release;
  } catch (error) {
    await release();
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
