/**
 * What the session page's action answers when it does not redirect. Shared by the server module that
 * builds these answers (app/sessions/edit-form.server.ts) and the components that show them.
 * Every answer carries `error`: one sentence a support person can act on.
 */
import type { ConflictingChange, SessionHistoryItem } from "~/sessions/history.server";

export type MergePreview =
  | { ok: true; text: string; summary: string; changes: number }
  /** `clashes`: JSON Pointers; `paths`: the same places as the summary writes them (limits.seats). */
  | { ok: false; clashes: string[]; paths: string[] };

export type SessionEditAnswer =
  /** 400: the text is not valid session data (or the form was not understood); nothing written. */
  | { kind: "invalid"; error: string; line?: number; column?: number }
  /** 400: the edit equals the data it started from. */
  | { kind: "nothing-to-write"; error: string }
  /** 409: the session's data changed since the editor loaded it; nothing written. */
  | {
      kind: "conflict";
      error: string;
      originalText: string;
      theirsText: string;
      yoursText: string;
      /** The form fields to send back with "apply mine" or "overwrite". */
      fingerprint: string;
      theirsFingerprint: string;
      merge: MergePreview;
      /** The Session Desk write that made their version (from the audit trail); null when it came from elsewhere. */
      theirChange?: ConflictingChange | null;
      /** The session's history now, the conflict included: the page shows it instead of the loaded one. */
      history?: SessionHistoryItem[];
    }
  /**
   * 200: the edit was written, but the confirming re-read found other data: another change (the
   * customer's app) landed right after it. Not "saved": both versions, and the ways on (re-apply mine
   * on top of what it holds now, overwrite, or load it) with the same form fields as a conflict.
   */
  | {
      kind: "overtaken";
      error: string;
      originalText: string;
      /** What was written, and what the session holds now. */
      writtenText: string;
      theirsText: string;
      yoursText: string;
      fingerprint: string;
      theirsFingerprint: string;
      merge: MergePreview;
      /** The audit entry of the write, whose outcome says "overtaken". */
      entryId: string;
    }
  /**
   * 422: the session-data schema refused the change (it would add errors); nothing written. An admin may
   * write it anyway with a reason (the page's override form), which the audit entry records.
   */
  | {
      kind: "schema-refused";
      error: string;
      schemaName: string;
      schemaVersion: number;
      wasValid: boolean;
      introduced: { pointer: string; path: string; message: string }[];
      remaining: { pointer: string; path: string; message: string }[];
    }
  /** 410: the session ended or expired; nothing written. */
  | { kind: "session-gone"; error: string }
  /** 502/503: the core failed; nothing (reliably) written. */
  | { kind: "failed"; error: string; transient: boolean };

export const WRITE_INTENTS = ["write", "apply-mine-to-theirs", "overwrite"] as const;
export type WriteIntent = (typeof WRITE_INTENTS)[number];

/**
 * Above this many characters the code editor turns its costly features off (and live schema checks).
 * Here, not in code-editor.client.tsx: a `.client` module is empty on the server, so a page that read it
 * there rendered as if every document were large, and hydration failed.
 */
export const LARGE_TEXT_CHARS = 300_000;
