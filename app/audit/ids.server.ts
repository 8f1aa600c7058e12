/**
 * Time-ordered ids for audit entries: 12 hex digits of milliseconds, a per-process counter, then random.
 * Sorting by id is sorting by creation time, so "newest first" needs no extra sequence column (which
 * SQLite and PostgreSQL would declare differently) and pagination has a stable tie-break.
 */
import { randomUUID } from "node:crypto";

let lastMs = 0;
let counter = 0;

export function newAuditId(at: Date): string {
  const ms = at.getTime();
  if (ms === lastMs) counter += 1;
  else {
    lastMs = ms;
    counter = 0;
  }
  return `${ms.toString(16).padStart(12, "0")}${counter.toString(16).padStart(4, "0")}${randomHex12()}`;
}

/**
 * 48 random bits as 12 hex digits. Taken from randomUUID, whose first 12 hex digits are all random:
 * Node draws its entropy for UUIDs in batches, where randomBytes(6) is a call into OpenSSL per id (a
 * bulk run makes thousands of ids a second).
 */
function randomHex12(): string {
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13);
}
