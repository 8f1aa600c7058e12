/**
 * Mask patterns: which paths of session data are hidden from staff whose role is masked.
 * Pure (no I/O): the admin page checks what is typed with it, the server masks with it, and the unit
 * tests cover it. Hand-written rather than a glob library: see docs/decisions/masking-patterns.md.
 *
 * Syntax — the app's own key-path spelling (featureFlags.beta, items[2].name, ["a.b"].c) plus wildcards:
 *   device.ip          the key "ip" inside "device"
 *   *                  exactly one key or array index:  cart.address.*   sessions.*.token   items[*].token
 *   **                 any depth, zero or more keys/indexes:  **.token  (a "token" key anywhere)
 *   "a.b".c  ["a.b"].c a key with a dot, a slash, a star, a quote or a space, as a JSON string
 *   ["*"]  "**"        a key that is literally "*" or "**"
 *   a/b.c              "/" needs no quoting (patterns are never JSON Pointers; a leading "/" is refused)
 *   [0]  .0            index 0; a literal digit segment matches both the index and the key "0"
 * A matched value is hidden whole (an object or an array included); nothing below it is shown.
 */
import type { PathSegment } from "~/json";

export type MaskToken = { kind: "key"; key: string } | { kind: "one" } | { kind: "any-depth" };

export interface MaskPattern {
  /** As the admin typed it, trimmed. */
  source: string;
  tokens: MaskToken[];
}

export type MaskPatternParse = { ok: true; pattern: MaskPattern } | { ok: false; error: string };

export const MASK_PATTERN_MAX_LENGTH = 500;

// A bare segment: anything but the characters that separate or quote, and not containing "*" (only a
// whole "*" or "**" is a wildcard; "a*b" must be quoted so nobody mistakes it for a partial glob).
const BARE_SEGMENT = /^[^.[\]"'\\\s*]+$/u;

export function parseMaskPattern(input: string): MaskPatternParse {
  const text = input.trim();
  const fail = (why: string): MaskPatternParse => ({ ok: false, error: `“${text}” is not a mask pattern: ${why}` });
  if (text === "") return { ok: false, error: "Enter a pattern, for example device.ip, **.token or cart.address.*" };
  if (text.length > MASK_PATTERN_MAX_LENGTH) return fail(`it is longer than ${MASK_PATTERN_MAX_LENGTH} characters`);
  if (text.startsWith("/")) return fail('patterns use dots, not JSON Pointers: write a.b rather than /a/b (a key with a slash is written "a/b" or just a/b.c)');
  const tokens: MaskToken[] = [];
  let i = 0;
  // Set after a segment: the next character must be ".", "[" or the end.
  let needSeparator = false;
  while (i < text.length) {
    const char = text[i]!;
    if (char === "[") {
      const close = findBracketEnd(text, i);
      if (close < 0) return fail(`the "[" at character ${i + 1} is not closed with a matching "]"`);
      const inside = text.slice(i + 1, close);
      if (inside === "*") tokens.push({ kind: "one" });
      else if (/^(0|[1-9][0-9]*)$/.test(inside)) tokens.push({ kind: "key", key: inside });
      else {
        const key = quotedKey(inside);
        if (key === undefined) return fail(`inside [ ] write an index like [0], [*] for any index, or a quoted key like ["a.b"]`);
        tokens.push({ kind: "key", key });
      }
      i = close + 1;
      needSeparator = true;
      continue;
    }
    if (needSeparator) {
      if (char !== ".") return fail(`expected "." or "[" at character ${i + 1}, found "${char}"`);
      i++;
      if (i >= text.length) return fail("it ends with a dot");
    }
    const start = i;
    if (text[i] === '"') {
      const end = findQuoteEnd(text, i);
      if (end < 0) return fail(`the quote at character ${i + 1} is not closed`);
      const key = quotedKey(text.slice(i, end + 1));
      if (key === undefined) return fail(`the quoted key at character ${i + 1} is not a valid JSON string`);
      tokens.push({ kind: "key", key });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && text[end] !== "." && text[end] !== "[") end++;
      const segment = text.slice(i, end);
      if (segment === "") return fail(`a key is missing at character ${start + 1} (two dots in a row, or a dot at the start)`);
      if (segment === "*") tokens.push({ kind: "one" });
      else if (segment === "**") {
        // "**.**" means the same as "**"; keeping one keeps matching linear.
        if (tokens.at(-1)?.kind !== "any-depth") tokens.push({ kind: "any-depth" });
      } else if (BARE_SEGMENT.test(segment)) tokens.push({ kind: "key", key: segment });
      else return fail(`the key “${segment}” contains a star, quote, bracket, backslash or space; write it quoted: ${JSON.stringify(segment)}`);
      i = end;
    }
    needSeparator = true;
  }
  if (tokens.length === 1 && tokens[0]!.kind === "any-depth") return fail('"**" alone would hide the whole document; name a key, e.g. **.token');
  return { ok: true, pattern: { source: text, tokens } };
}

function findQuoteEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function findBracketEnd(text: string, open: number): number {
  if (text[open + 1] !== '"') return text.indexOf("]", open);
  const end = findQuoteEnd(text, open + 1);
  return end >= 0 && text[end + 1] === "]" ? end + 1 : -1;
}

function quotedKey(inside: string): string | undefined {
  if (inside.length < 2 || !inside.startsWith('"') || !inside.endsWith('"')) return undefined;
  try {
    const key: unknown = JSON.parse(inside);
    return typeof key === "string" ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The canonical spelling of a pattern (what the admin page lists): bare where possible, quoted otherwise. */
export function formatMaskPattern(tokens: readonly MaskToken[]): string {
  return tokens
    .map((token) => (token.kind === "one" ? "*" : token.kind === "any-depth" ? "**" : BARE_SEGMENT.test(token.key) ? token.key : JSON.stringify(token.key)))
    .join(".");
}

/**
 * Several patterns compiled into one matcher that walks a document once: a state is the set of
 * (pattern, position) pairs still alive after the path so far, so a subtree no pattern can reach is
 * skipped without looking inside, and no pattern is re-run from the root at every node.
 */
export class MaskMatcher {
  private readonly patterns: MaskToken[][];
  /** The state before any segment: every pattern at its start (past a leading "**" too). */
  readonly start: MatchState;

  constructor(patterns: readonly MaskPattern[]) {
    this.patterns = patterns.map((pattern) => pattern.tokens);
    const initial: number[][] = this.patterns.map(() => []);
    this.patterns.forEach((_, p) => this.addWithClosure(initial, p, 0));
    this.start = initial;
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  /** The state after one more segment (an object key or an array index). */
  step(state: MatchState, segment: PathSegment): MatchState {
    const key = String(segment);
    const next: number[][] = this.patterns.map(() => []);
    state.forEach((positions, p) => {
      const tokens = this.patterns[p]!;
      for (const position of positions) {
        const token = tokens[position];
        if (!token) continue;
        if (token.kind === "any-depth") this.addWithClosure(next, p, position);
        else if (token.kind === "one" || token.key === key) this.addWithClosure(next, p, position + 1);
      }
    });
    return next;
  }

  /** True when the path that led to this state is masked (some pattern matched it whole). */
  matches(state: MatchState): boolean {
    return state.some((positions, p) => positions.includes(this.patterns[p]!.length));
  }

  /** True when some longer path could still match: worth looking inside the value. */
  alive(state: MatchState): boolean {
    return state.some((positions, p) => positions.some((position) => position < this.patterns[p]!.length));
  }

  /** True when `path` itself, or one of its ancestors, is masked. */
  matchesPath(path: readonly PathSegment[]): boolean {
    let state = this.start;
    if (this.matches(state)) return true;
    for (const segment of path) {
      state = this.step(state, segment);
      if (this.matches(state)) return true;
      if (!this.alive(state)) return false;
    }
    return false;
  }

  /** The state after `path`, or "masked" when the path or an ancestor is masked. */
  walk(path: readonly PathSegment[]): MatchState | "masked" {
    let state = this.start;
    for (const segment of path) {
      state = this.step(state, segment);
      if (this.matches(state)) return "masked";
    }
    return state;
  }

  private addWithClosure(into: number[][], p: number, position: number): void {
    const positions = into[p]!;
    if (positions.includes(position)) return;
    positions.push(position);
    // "**" may match nothing: the position after it is reachable too.
    if (this.patterns[p]![position]?.kind === "any-depth") this.addWithClosure(into, p, position + 1);
  }
}

/** Positions still alive, per pattern (index = pattern). */
export type MatchState = readonly (readonly number[])[];

/** Parses every pattern, keeping the valid ones and the messages for the others. */
export function compileMaskPatterns(sources: readonly string[]): { matcher: MaskMatcher; errors: string[] } {
  const patterns: MaskPattern[] = [];
  const errors: string[] = [];
  for (const source of sources) {
    const parsed = parseMaskPattern(source);
    if (parsed.ok) patterns.push(parsed.pattern);
    else errors.push(parsed.error);
  }
  return { matcher: new MaskMatcher(patterns), errors };
}

/**
 * Splits a configured list (MASK_PATTERNS) on commas and new lines that are outside quotes, so a quoted
 * key may itself hold a comma: `device.ip, **.token, "a,b".c`.
 */
export function splitPatternList(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === "\\") {
      current += char + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (!quoted && (char === "," || char === "\n")) {
      if (current.trim()) out.push(current.trim());
      current = "";
      continue;
    }
    current += char;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
