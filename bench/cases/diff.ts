import { canonicalJson, createPatch, diffJson, fingerprint, summarizeChanges } from "../../app/json/index";
import { median, timeIt } from "../timing";

/** A realistic 1 MiB session document: many nested records, arrays, unicode. */
function oneMebibyteDocument(): Record<string, unknown> {
  const doc: Record<string, unknown> = { plan: "enterprise", limits: { seats: 5, projects: 40 }, trial: true };
  const records: Record<string, unknown>[] = [];
  let i = 0;
  while (JSON.stringify(doc).length + JSON.stringify(records).length < 1024 * 1024) {
    records.push({ id: `rec-${i}`, title: `Rechnung №${i} — café ☕`, tags: ["a", "b", String(i % 7)], amount: i * 1.25, paid: i % 2 === 0, meta: { by: null, at: 1_700_000_000_000 + i } });
    i++;
  }
  doc.records = records;
  return doc;
}

export async function benchDiff(report: (r: Record<string, string | number>) => void) {
  const before = oneMebibyteDocument();
  const after = structuredClone(before) as Record<string, unknown> & { limits: { seats: number }; records: { amount: number }[] };
  after.limits.seats = 10;
  after.plan = "pro";
  delete after.trial;
  after.records[500]!.amount = -1;
  // What the write path does on the server for one reviewed edit: fingerprint both, diff, summarise, patch.
  const work = async () => {
    fingerprint(before);
    fingerprint(after);
    const summary = summarizeChanges(diffJson(before, after));
    createPatch(before, after);
    if (summary.count !== 4) throw new Error(`expected 4 changes, got ${summary.count}`);
  };
  await work();
  const ms = median(await timeIt(7, work));
  // Floor for scale: serialising both documents once, the least any JSON comparison must do.
  const floor = median(await timeIt(7, async () => void (canonicalJson(before).length + canonicalJson(after).length)));
  report({ case: "diff-1mib", bytes: JSON.stringify(before).length, ms, canonical_floor_ms: floor });
}
