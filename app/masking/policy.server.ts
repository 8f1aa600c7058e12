/**
 * THE masking decision. Every reader that sends session data towards a browser or an API client asks
 * here first; nothing masked is ever sent and then hidden by the page.
 *
 *   const masker = await getSessionDataMasker(staff);            // one per request: settings + reveal grants
 *   masker.mask({ sessionHandle, tenantId }, data)                // data as this staff member may see it
 *   masker.maskAuditEntry(entry), masker.maskSummary(ref, summary), masker.sealFingerprint(fp) …
 *
 * or, for one value: `await maskSessionDataFor(staff, { tenantId, sessionHandle }, data)`.
 *
 * A staff member sees masked values as MASKED_TEXT when their role is masked (configurable per role on
 * /masking) and they hold no unexpired reveal grant for that session. Patterns apply in every tenant or
 * in one; a view not tied to one tenant (a bulk run, an API list) uses every pattern.
 */
import { createHmac } from "node:crypto";
import type { AuditEntry } from "~/audit/types";
import { fingerprint, parseJson, parsePointer, type ChangeSummaryItem } from "~/json";
import { getSessionSecret } from "~/staff/secret.server";
import type { StaffUser } from "~/staff/roles";
import { MASKED_TEXT, maskChangeSummary, maskJson, maskPatch } from "./mask";
import { MaskMatcher, parseMaskPattern, type MaskPattern } from "./patterns";
import { activeRevealsFor, type RevealGrant } from "./reveal.server";
import { loadMaskingSettings, type MaskingSettings } from "./settings.server";

export { MASKED_TEXT } from "./mask";

export interface SessionRef {
  sessionHandle?: string | null;
  /** null/undefined: not known, so every tenant's patterns apply. */
  tenantId?: string | null;
}

/** What a page says about masking for one session. */
export interface MaskingNotice {
  /** Values are hidden from this staff member in this session (some pattern applies and no reveal is held). */
  masked: boolean;
  /** Until when a reveal grant lets them see everything (ISO), or null. */
  revealedUntil: string | null;
  /** Whether masking applies to this staff member at all (their role is masked and patterns exist). */
  applies: boolean;
  /** Values hidden in the data shown (0 when none matched, or a reveal is held). */
  hidden: number;
}

export class SessionDataMasker {
  private readonly byTenant = new Map<string, MaskMatcher>();
  private readonly patterns: { pattern: MaskPattern; tenantId: string | null }[];

  constructor(
    readonly staff: StaffUser,
    /** The staff member's role sees masked values. */
    readonly roleMasked: boolean,
    settings: MaskingSettings,
    private readonly reveals: Map<string, RevealGrant>,
  ) {
    this.patterns = [];
    for (const stored of settings.patterns) {
      const parsed = parseMaskPattern(stored.pattern);
      if (parsed.ok) this.patterns.push({ pattern: parsed.pattern, tenantId: stored.tenantId });
    }
  }

  /** Some pattern applies in one tenant only (so which patterns apply depends on the session's tenant). */
  get hasTenantPatterns(): boolean {
    return this.patterns.some((entry) => entry.tenantId !== null);
  }

  /** Masking applies to this staff member at all (not: to a given session; a reveal may lift it there). */
  get applies(): boolean {
    return this.roleMasked && this.patterns.length > 0;
  }

  /** The matcher for a session as this staff member sees it, or null when they see it unmasked. */
  matcherFor(ref: SessionRef): MaskMatcher | null {
    if (!this.applies) return null;
    if (ref.sessionHandle && this.reveals.has(ref.sessionHandle)) return null;
    const key = ref.tenantId ?? "\u0000any";
    let matcher = this.byTenant.get(key);
    if (!matcher) {
      const applicable = this.patterns.filter((entry) => entry.tenantId === null || ref.tenantId == null || entry.tenantId === ref.tenantId);
      matcher = new MaskMatcher(applicable.map((entry) => entry.pattern));
      this.byTenant.set(key, matcher);
    }
    return matcher.isEmpty ? null : matcher;
  }

  revealedUntil(sessionHandle: string | null | undefined): string | null {
    return (sessionHandle && this.reveals.get(sessionHandle)?.expiresAt) || null;
  }

  notice(ref: SessionRef, hidden = 0): MaskingNotice {
    return { masked: this.matcherFor(ref) !== null, revealedUntil: this.revealedUntil(ref.sessionHandle), applies: this.applies, hidden };
  }

  /** `data` as this staff member may see it, and how many values were hidden in it. */
  maskCounted<T>(ref: SessionRef, data: T): { value: T; hidden: number } {
    const matcher = this.matcherFor(ref);
    if (!matcher) return { value: data, hidden: 0 };
    const masked = maskJson(data, matcher);
    return { value: masked.value as T, hidden: masked.maskedPaths.length };
  }

  /** `data` as this staff member may see it (the same object when nothing is hidden). */
  mask<T>(ref: SessionRef, data: T): T {
    const matcher = this.matcherFor(ref);
    return matcher ? (maskJson(data, matcher).value as T) : data;
  }

  /** A change summary (bulk dry run and report) with hidden values masked. */
  maskSummary<T extends { count: number; text: string; items: ChangeSummaryItem[] }>(ref: SessionRef, summary: T): T {
    const matcher = this.matcherFor(ref);
    return matcher ? maskChangeSummary(summary, matcher) : summary;
  }

  /** A value about to be written at a JSON Pointer (a bulk run's value), masked as it would be in place. */
  maskValueAt(ref: SessionRef, pointer: string, value: unknown): unknown {
    const matcher = this.matcherFor(ref);
    if (!matcher) return value;
    const parsed = parsePointer(pointer);
    if (!parsed.ok) return MASKED_TEXT;
    const state = matcher.walk(parsed.tokens);
    return state === "masked" ? MASKED_TEXT : maskJson(value, matcher, state).value;
  }

  /**
   * An audit entry as this staff member may see it: before, after, the written result and the patch of a
   * session entry; every session's data in a revoke-all; a bulk run's value at its key path.
   */
  maskAuditEntry(entry: AuditEntry): AuditEntry {
    if (!this.applies) return entry;
    if (entry.action === "revoke-all") {
      const before = entry.before as { sessions?: unknown } | null;
      if (!before || !Array.isArray(before.sessions)) return entry;
      const sessions = before.sessions.map((session: { sessionHandle?: string; tenantId?: string; sessionDataInDatabase?: unknown }) =>
        session && typeof session === "object" && "sessionDataInDatabase" in session
          ? { ...session, sessionDataInDatabase: this.mask({ sessionHandle: session.sessionHandle, tenantId: session.tenantId }, session.sessionDataInDatabase) }
          : session,
      );
      return { ...entry, before: { ...before, sessions } };
    }
    const ref = { sessionHandle: entry.target.sessionHandle, tenantId: entry.target.tenantId };
    if (!entry.target.sessionHandle) return this.maskRunEntry(entry, ref);
    const matcher = this.matcherFor(ref);
    if (!matcher) return entry;
    const hide = (value: unknown) => (value === null || value === undefined ? value : maskJson(value, matcher).value);
    return {
      ...entry,
      before: hide(entry.before),
      after: hide(entry.after),
      patch: entry.patch ? maskPatch(entry.patch, matcher) : entry.patch,
      outcome: entry.outcome ? { ...entry.outcome, after: hide(entry.outcome.after) } : entry.outcome,
    };
  }

  /** A bulk run's own entry: { change, keyPath (pointer), value, … } — the value is data at keyPath. */
  private maskRunEntry(entry: AuditEntry, ref: SessionRef): AuditEntry {
    const after = entry.after as { keyPath?: unknown; value?: unknown; change?: unknown } | null;
    if (!after || typeof after !== "object" || typeof after.keyPath !== "string" || !("value" in after)) return entry;
    const value = this.maskValueAt(ref, after.keyPath, after.value);
    if (value === after.value) return entry;
    return { ...entry, after: { ...after, value, change: typeof after.change === "string" ? `${after.change.split(" ")[0]} ${MASKED_TEXT} at ${after.keyPath}` : after.change } };
  }

  /** A bulk run's value (JSON text) for a page: masked where it lands on masked paths. */
  maskValueJson(ref: SessionRef, pointer: string, valueJson: string | null): string | null {
    if (valueJson === null || !this.matcherFor(ref)) return valueJson;
    const value = parseJson(valueJson);
    const masked = this.maskValueAt(ref, pointer, value);
    return masked === value ? valueJson : JSON.stringify(masked);
  }

  /**
   * The fingerprint of `realData` as the page may hold it: when values are hidden from it, a keyed hash.
   * The plain SHA-256 of the whole document would let anyone who sees the rest of it test guesses of a
   * hidden value offline (an IPv4 address is 2^32 guesses). The conflict check compares these the same way.
   */
  sealFingerprint(ref: SessionRef, realData: unknown): string {
    const real = fingerprint(realData);
    return this.hides(ref, realData) ? sealFingerprint(this.staff.id, real) : real;
  }

  /** True when some value of `data` is hidden from this staff member. */
  hides(ref: SessionRef, data: unknown): boolean {
    const matcher = this.matcherFor(ref);
    return matcher !== null && maskJson(data, matcher).maskedPaths.length > 0;
  }
}

export function sealFingerprint(staffId: string, realFingerprint: string): string {
  const mac = createHmac("sha256", getSessionSecret()).update(`masked-fingerprint\u0000${staffId}\u0000${realFingerprint}`).digest("hex");
  return `sha256:${mac}`;
}

/** The masking decision for one staff member, for one request (settings and grants read once). */
export async function getSessionDataMasker(staff: StaffUser): Promise<SessionDataMasker> {
  const settings = await loadMaskingSettings();
  const roleMasked = settings.maskedRoles[staff.role] === true;
  // No need to read grants for a role that is never masked.
  const reveals = roleMasked && settings.patterns.length > 0 ? await activeRevealsFor(staff.id) : new Map<string, RevealGrant>();
  return new SessionDataMasker(staff, roleMasked, settings, reveals);
}

/** One session's data as `staff` may see it: the entry point for callers outside the pages (the HTTP API). */
export async function maskSessionDataFor<T>(staff: StaffUser, ref: SessionRef, data: T): Promise<T> {
  return (await getSessionDataMasker(staff)).mask(ref, data);
}
