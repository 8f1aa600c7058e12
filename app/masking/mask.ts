/**
 * Masking and un-masking session data (pure: the server's masking policy and the unit tests use it).
 *
 * - maskJson: a copy of the data with every masked value replaced by MASKED_TEXT. Unmasked subtrees are
 *   shared, not copied, and key order is kept, so a masked view lays out like the stored data.
 * - restoreMaskedValues: the write side. Staff who see the mask edit a document holding MASKED_TEXT;
 *   before anything is written the real values go back where the placeholder still stands, and an edit
 *   that changed, moved away or deleted a hidden value is refused (the placeholder never becomes data).
 * - maskPatch / maskChangeSummary: the same rule for views made of changes (audit patches, bulk reports).
 */
import { formatKeyPath, isPlainObject, parseKeyPath, parsePointer, type ChangeSummaryItem, type Operation, type PathSegment } from "~/json";
import { copyObject, defineOwn, hasOwn } from "~/json/value";
import type { MaskMatcher, MatchState } from "./patterns";

/** What staff without the right to see a value get instead of it, everywhere. */
export const MASKED_TEXT = "•••• (masked)";

export interface MaskedJson {
  value: unknown;
  /** Where values were hidden, in document order. */
  maskedPaths: PathSegment[][];
}

/** `value` with every masked path replaced by MASKED_TEXT; `state` starts below a given path (a patch value). */
export function maskJson(value: unknown, matcher: MaskMatcher, state: MatchState = matcher.start): MaskedJson {
  const maskedPaths: PathSegment[][] = [];
  if (matcher.isEmpty) return { value, maskedPaths };
  const path: PathSegment[] = [];
  const walk = (node: unknown, at: MatchState): unknown => {
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const child = visit(node[i], at, i);
        if (child !== node[i]) (copy ??= node.slice())[i] = child;
      }
      return copy ?? node;
    }
    if (isPlainObject(node)) {
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(node)) {
        const child = visit(node[key], at, key);
        if (child !== node[key]) defineOwn((copy ??= copyObject(node)), key, child);
      }
      return copy ?? node;
    }
    return node;
  };
  const visit = (child: unknown, at: MatchState, segment: PathSegment): unknown => {
    const next = matcher.step(at, segment);
    path.push(segment);
    let out = child;
    if (matcher.matches(next)) {
      maskedPaths.push(path.slice());
      out = MASKED_TEXT;
    } else if (matcher.alive(next)) {
      out = walk(child, next);
    }
    path.pop();
    return out;
  };
  return { value: walk(value, state), maskedPaths };
}

export type RestoreResult = { ok: true; value: Record<string, unknown>; restored: number } | { ok: false; error: string; paths: string[] };

/**
 * The document to write, made from `edited` (what a masked editor sent) and `real` (what the core holds,
 * the data the editor's page was made from — the caller makes sure of that by fingerprint):
 * - every masked path of `real` must still hold MASKED_TEXT in `edited`; the real value goes back there;
 * - a masked value changed or deleted (or its array item moved out from under it) is refused;
 * - MASKED_TEXT anywhere else is refused: a placeholder is never written as data.
 * Placeholders are matched by position: an array item holding a masked value must stay at its index.
 */
export function restoreMaskedValues(edited: Record<string, unknown>, real: Record<string, unknown>, matcher: MaskMatcher): RestoreResult {
  const { maskedPaths } = maskJson(real, matcher);
  const problems: string[] = [];
  const restoredAt = new Set<string>();
  let result: Record<string, unknown> = edited;
  for (const path of maskedPaths) {
    const there = lookUp(edited, path);
    if (!there.found || there.value !== MASKED_TEXT) {
      problems.push(`${formatKeyPath(path)} (${there.found ? "changed" : "deleted"})`);
      continue;
    }
    result = replaceAt(result, path, lookUp(real, path).value) as Record<string, unknown>;
    restoredAt.add(JSON.stringify(path));
  }
  if (problems.length > 0) {
    return {
      ok: false,
      paths: problems,
      error: `Hidden values cannot be changed or deleted while they are masked for you: ${problems.join(", ")}. Leave “${MASKED_TEXT}” where it stands, or reveal this session (with a reason) to edit them.`,
    };
  }
  const stray = findPlaceholders(result, real, restoredAt);
  if (stray.length > 0) {
    return {
      ok: false,
      paths: stray,
      error: `“${MASKED_TEXT}” stands where no hidden value is (${stray.join(", ")}): the mask is not data and is never written. Remove it or type the value.`,
    };
  }
  return { ok: true, value: result, restored: maskedPaths.length };
}

/** Paths of MASKED_TEXT strings in `doc` that are not a restored placeholder and not literally held by `real`. */
function findPlaceholders(doc: unknown, real: unknown, restoredAt: Set<string>): string[] {
  const found: string[] = [];
  const path: PathSegment[] = [];
  const walk = (node: unknown): void => {
    if (node === MASKED_TEXT) {
      const held = lookUp(real, path);
      if (!(held.found && held.value === MASKED_TEXT) && !restoredAt.has(JSON.stringify(path))) found.push(formatKeyPath(path) || "(whole document)");
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        path.push(i);
        walk(child);
        path.pop();
      });
    } else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) {
        path.push(key);
        walk(node[key]);
        path.pop();
      }
    }
  };
  walk(doc);
  return found;
}

function lookUp(doc: unknown, path: readonly PathSegment[]): { found: boolean; value?: unknown } {
  let node = doc;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === "number" && segment < node.length) node = node[segment];
    else if (isPlainObject(node) && typeof segment === "string" && hasOwn(node, segment)) node = node[segment];
    else return { found: false };
  }
  return { found: true, value: node };
}

/** A copy of `doc` with the value at an existing `path` replaced; keys keep their places. */
function replaceAt(doc: unknown, path: readonly PathSegment[], value: unknown, depth = 0): unknown {
  if (depth === path.length) return value;
  const segment = path[depth]!;
  if (Array.isArray(doc)) {
    const copy = doc.slice();
    copy[segment as number] = replaceAt(doc[segment as number], path, value, depth + 1);
    return copy;
  }
  const object = doc as Record<string, unknown>;
  const copy = copyObject(object);
  defineOwn(copy, segment as string, replaceAt(object[segment as string], path, value, depth + 1));
  return copy;
}

/** An RFC 6902 patch with every value that lands on (or contains) a masked path masked. */
export function maskPatch(ops: readonly unknown[], matcher: MaskMatcher): unknown[] {
  if (matcher.isEmpty) return ops.slice();
  return ops.map((op) => {
    if (!op || typeof op !== "object" || !("value" in op) || typeof (op as Operation).path !== "string") return op;
    const parsed = parsePointer((op as Operation).path);
    if (!parsed.ok) return { ...op, value: MASKED_TEXT };
    const state = parsed.tokens.length === 0 ? matcher.start : matcher.walk(parsed.tokens);
    if (state === "masked") return { ...op, value: MASKED_TEXT };
    return { ...op, value: maskJson((op as { value: unknown }).value, matcher, state).value };
  });
}

/**
 * A change summary (a bulk dry run's, kept as text) with the values a masked reader may not see hidden.
 * Items name paths for people (items[2].name, ["a.b"].c), which parse back to the path; a detail whose
 * path is masked, or that previews an object or array something masked may sit inside, becomes MASKED_TEXT.
 */
export function maskChangeSummary<T extends { count: number; text: string; items: ChangeSummaryItem[] }>(summary: T, matcher: MaskMatcher): T {
  if (matcher.isEmpty) return summary;
  let changed = false;
  const items = summary.items.map((item) => {
    const parsed = item.path === "(whole document)" ? { ok: true as const, path: [] } : parseKeyPath(item.path);
    const hide = !parsed.ok || mayRevealMasked(matcher, parsed.path, item.detail);
    if (!hide) return item;
    changed = true;
    return { ...item, detail: item.symbol === "~" ? `${MASKED_TEXT} → ${MASKED_TEXT}` : MASKED_TEXT };
  });
  if (!changed) return summary;
  const listed = items.map((item) => (item.symbol === "~" ? `~ ${item.path} ${item.detail}` : `${item.symbol} ${item.path}`));
  if (summary.count > items.length) listed.push(`… and ${summary.count - items.length} more`);
  return { ...summary, items, text: `${summary.count} change${summary.count === 1 ? "" : "s"}: ${listed.join(", ")}` };
}

/** True when a value shown at `path` (previewed as `preview`) could show something masked. */
export function mayRevealMasked(matcher: MaskMatcher, path: readonly PathSegment[], preview: string): boolean {
  const state = matcher.walk(path);
  if (state === "masked") return true;
  // A primitive has nothing inside; an object or array preview might hold a masked key.
  return matcher.alive(state) && /[[{]/.test(preview);
}

