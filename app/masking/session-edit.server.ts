/**
 * The session editor as a masked staff member uses it. The page holds the masked text and a sealed
 * fingerprint (policy.server.ts); this module turns what it posts back into a write of real data:
 *
 * - the conflict check still runs on the real data: the page's sealed fingerprint is compared with the
 *   seal of what the core holds, and the write then expects that real fingerprint (so a change landing
 *   in between is still a conflict, under the session's write lock);
 * - the real value goes back at every masked path where the placeholder still stands, byte for byte
 *   (restoreMaskedValues), and an edit that changed or deleted a hidden value is refused with a message
 *   (reveal the session first) — so the mask never becomes data and nothing hidden is edited blind;
 * - everything sent back (conflict views, overtaken views, toasts) is masked the same way.
 *
 * For a staff member who sees the session unmasked (role not masked, or a reveal held) every function
 * here is the identity, so the editor's ordinary path is unchanged.
 */
import { canonicalJson, fingerprint, type JsonObject } from "~/json";
import type { StaffUser } from "~/staff/roles";
import { restoreMaskedValues } from "./mask";
import { getSessionDataMasker, type SessionDataMasker, type SessionRef } from "./policy.server";

export type PreparedWrite = { ok: true; next: JsonObject; expectedFingerprint: string } | { ok: false; error: string };

export class SessionEditLens {
  constructor(
    private readonly masker: SessionDataMasker,
    private readonly ref: SessionRef,
  ) {}

  /** Values are hidden from this staff member in this session. */
  get masked(): boolean {
    return this.masker.matcherFor(this.ref) !== null;
  }

  /** Data as the page may see it. */
  show<T>(data: T): T {
    return this.masker.mask(this.ref, data);
  }

  /** The fingerprint of `real` as the page may hold it (sealed when something in it is hidden). */
  token(real: unknown): string {
    return this.masker.sealFingerprint(this.ref, real);
  }

  /**
   * The form's base text agrees with its fingerprint. A masked base cannot be checked against a sealed
   * fingerprint directly, so it is checked against the masked view of what the core holds, when that is
   * still the data the fingerprint stands for (if not, the write finds the conflict; the base is only shown).
   */
  async baseMatches(original: JsonObject, pageFingerprint: string, readCurrent: () => Promise<JsonObject | undefined>): Promise<boolean> {
    if (fingerprint(original) === pageFingerprint) return true;
    if (!this.masked) return false;
    const current = await readCurrent();
    if (!current || !this.stands(pageFingerprint, current)) return true;
    return canonicalJson(this.show(current)) === canonicalJson(original);
  }

  /** True when the page's fingerprint (sealed or not) stands for `real`. */
  stands(pageFingerprint: string, real: JsonObject): boolean {
    return this.token(real) === pageFingerprint;
  }

  /**
   * The write for an edit made on the masked view: `mine` (with placeholders) made against the data whose
   * fingerprint (sealed when values were hidden) the page holds; `current` is what the core holds now.
   * When they are the same data the hidden values go back into `mine`; when they are not, the write is
   * left to find the conflict.
   */
  prepareWrite(mine: JsonObject, pageFingerprint: string, current: JsonObject): PreparedWrite {
    const matcher = this.masker.matcherFor(this.ref);
    if (!matcher) return { ok: true, next: mine, expectedFingerprint: pageFingerprint };
    const real = fingerprint(current);
    const hidesNow = this.masker.hides(this.ref, current);
    if (pageFingerprint !== this.token(current)) {
      // The page was loaded while a reveal was held (it has the real data); the reveal has ended since.
      if (hidesNow && pageFingerprint === real) {
        return { ok: false, error: "Your reveal of this session has ended, so its hidden values are masked again. Reload the page (or reveal it again) before saving; nothing was written." };
      }
      // Not the data the page was made from: the write sees the mismatch and answers with the conflict
      // view (masked). A sealed token never equals a real fingerprint, so nothing can be written.
      return { ok: true, next: mine, expectedFingerprint: pageFingerprint };
    }
    const restored = restoreMaskedValues(mine, current, matcher);
    if (!restored.ok) return { ok: false, error: `${restored.error} Nothing was written.` };
    return { ok: true, next: restored.value, expectedFingerprint: real };
  }
}

export async function sessionEditLens(staff: StaffUser, sessionHandle: string, readTenant: () => Promise<string | undefined>): Promise<SessionEditLens> {
  const masker = await getSessionDataMasker(staff);
  const ref: SessionRef = { sessionHandle, tenantId: masker.applies && masker.hasTenantPatterns ? await readTenant() : undefined };
  return new SessionEditLens(masker, ref);
}
