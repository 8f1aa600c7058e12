/**
 * The review's diff for a large document: only the regions that changed, with a few lines around each,
 * and one marker line for every run of unchanged lines between them. Monaco lays out and tokenises every
 * line of the texts it is given; two 77,000-line texts (a 1 MiB session, pretty-printed) cost the page's
 * thread ~0.3 s at a stretch just to open the diff, and showed line 1 rather than the change. The excerpt
 * keeps each shown line's number in the whole document, for the diff's line numbers.
 *
 * Lines are compared with Myers' O((N+M)·D) algorithm after trimming the common start and end, so the work
 * follows the size of the change. A change of more than `maxEditLines` lines gets no excerpt (null): the
 * diff then shows the whole texts.
 */

export interface ReviewExcerpt {
  original: string;
  modified: string;
  /** For each line of the excerpt, its number in the whole text; 0 for a marker line. */
  originalLineNumbers: number[];
  modifiedLineNumbers: number[];
}

type Op = "equal" | "delete" | "insert";

/** Line-level edit script from `a` to `b` (arrays of line ids), Myers' greedy algorithm. */
function diffLines(a: Int32Array, b: Int32Array, maxEdits: number): Op[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= Math.min(max, maxEdits); d++) {
    // Only diagonals -d-1 … d+1 are read when walking back from step d: memory O(D²), not O(D·(N+M)).
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    if (found) break;
  }
  if (!found) return null;
  // Walk back through the saved frontiers.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const frontier = trace[d]!;
    const at = (diagonal: number) => frontier[diagonal + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push("equal");
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push("insert");
        y--;
      } else {
        ops.push("delete");
        x--;
      }
    }
  }
  while (x > 0 && y > 0) {
    ops.push("equal");
    x--;
    y--;
  }
  return ops.reverse();
}

const marker = (count: number) => `⋯ ${count.toLocaleString("en-US")} unchanged ${count === 1 ? "line" : "lines"} ⋯`;

export function reviewExcerpt(originalText: string, modifiedText: string, options: { context?: number; maxEditLines?: number } = {}): ReviewExcerpt | null {
  const { context = 3, maxEditLines = 4000 } = options;
  const a = originalText.split("\n");
  const b = modifiedText.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ids = new Map<string, number>();
  const id = (line: string) => {
    let value = ids.get(line);
    if (value === undefined) ids.set(line, (value = ids.size));
    return value;
  };
  const middleA = Int32Array.from(a.slice(start, endA), id);
  const middleB = Int32Array.from(b.slice(start, endB), id);
  const middle = diffLines(middleA, middleB, maxEditLines);
  if (!middle) return null;
  const ops: Op[] = [...new Array<Op>(start).fill("equal"), ...middle, ...new Array<Op>(a.length - endA).fill("equal")];

  // Which ops to show: every change, and `context` equal lines on each side of it.
  const show = new Uint8Array(ops.length);
  ops.forEach((op, index) => {
    if (op === "equal") return;
    for (let j = Math.max(0, index - context); j <= Math.min(ops.length - 1, index + context); j++) show[j] = 1;
  });
  const out = { original: [] as string[], modified: [] as string[], originalLineNumbers: [] as number[], modifiedLineNumbers: [] as number[] };
  let ia = 0;
  let ib = 0;
  let hidden = 0;
  const flushHidden = () => {
    if (hidden === 0) return;
    out.original.push(marker(hidden));
    out.modified.push(marker(hidden));
    out.originalLineNumbers.push(0);
    out.modifiedLineNumbers.push(0);
    hidden = 0;
  };
  ops.forEach((op, index) => {
    if (!show[index]) {
      // Only equal lines are ever hidden, so both sides skip the same run.
      hidden++;
      ia++;
      ib++;
      return;
    }
    flushHidden();
    if (op !== "insert") {
      out.original.push(a[ia]!);
      out.originalLineNumbers.push(ia + 1);
      ia++;
    }
    if (op !== "delete") {
      out.modified.push(b[ib]!);
      out.modifiedLineNumbers.push(ib + 1);
      ib++;
    }
  });
  flushHidden();
  return { original: out.original.join("\n"), modified: out.modified.join("\n"), originalLineNumbers: out.originalLineNumbers, modifiedLineNumbers: out.modifiedLineNumbers };
}
