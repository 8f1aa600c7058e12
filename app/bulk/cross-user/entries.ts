/**
 * A pasted list or an uploaded CSV of users, read into entries: each is an email, a phone number or a
 * user id, told apart the way the search page tells them apart. Pure, so the page and tests share it.
 */
import { forEachCsvCell } from "./csv";
import type { EntryKind } from "./types";

/** The most entries one run takes, and the most text (a pasted list or an uploaded file). */
export const MAX_ENTRIES = 20_000;
export const MAX_LIST_BYTES = 1024 * 1024;
/** An email address is at most 320 characters; a user id at most 256. */
export const MAX_ENTRY_LENGTH = 320;

export interface ListEntry {
  input: string;
  kind: Exclude<EntryKind, "search" | "run"> | "invalid";
  /** Where it came from, for messages: "line 4". */
  row: number;
}

/** Column names a CSV's first row may carry; such a row is a header, not an entry. */
const HEADER_CELLS = new Set(["email", "emails", "e-mail", "phone", "phone number", "phonenumber", "phone_number", "user", "user id", "userid", "user_id", "id"]);

const PHONE = /^\+?[\d\s().-]{6,}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const USER_ID = /^[A-Za-z0-9_.:|-]{1,256}$/;

export function classifyEntry(text: string): ListEntry["kind"] {
  if (text.length > MAX_ENTRY_LENGTH) return "invalid";
  if (text.includes("@")) return EMAIL.test(text) ? "email" : "invalid";
  if (PHONE.test(text) && /\d{6,}/.test(text.replace(/\D/g, ""))) return "phone";
  return USER_ID.test(text) ? "id" : "invalid";
}

export type ParsedList = { ok: true; entries: ListEntry[] } | { ok: false; error: string };

/**
 * One entry per cell: a list pasted one per line, or separated by commas, semicolons or tabs, or a CSV
 * export with a header row. The same text twice is one entry (its first place is kept).
 */
export function parseUserList(text: string): ParsedList {
  if (Buffer.byteLength(text, "utf8") > MAX_LIST_BYTES) {
    return { ok: false, error: `The list is larger than ${MAX_LIST_BYTES / 1024 / 1024} MiB. Split it into several runs.` };
  }
  const entries: ListEntry[] = [];
  const seen = new Set<string>();
  let tooMany = false;
  forEachCsvCell(text, (cell, row) => {
    if (tooMany) return;
    if (row === 1 && HEADER_CELLS.has(cell.toLowerCase())) return;
    const key = cell.includes("@") ? cell.toLowerCase() : cell;
    if (seen.has(key)) return;
    seen.add(key);
    if (entries.length >= MAX_ENTRIES) {
      tooMany = true;
      return;
    }
    entries.push({ input: cell.length > MAX_ENTRY_LENGTH ? `${cell.slice(0, MAX_ENTRY_LENGTH)}…` : cell, kind: classifyEntry(cell), row });
  });
  if (tooMany) return { ok: false, error: `The list has more than ${MAX_ENTRIES.toLocaleString("en")} entries. Split it into several runs, or choose the users by a search.` };
  if (entries.length === 0) return { ok: false, error: "The list is empty: paste emails, phone numbers or user ids, one per line, or upload a CSV of them." };
  return { ok: true, entries };
}
