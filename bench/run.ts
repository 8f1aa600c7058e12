/**
 * `npm run bench [-- --json] [-- --quick] [-- --only case,case] [-- --core-url URL [--api-key KEY]]`
 * (tuning the bulk case: `--sizes 1000 --bulk-modes loaded --repeats 3`):
 * speed measured, not guessed. With --core-url the list and bulk cases run against that core as it is
 * (your staging core; no added latency or load modes there), the rest are skipped. Each case reports its time
 * next to a floor measured in the same run on the same core, so the ratios mean something on a noisy
 * machine. Timings are medians of several runs after a warm-up.
 */
import "./quiet-logs";
import { parseArgs } from "node:util";
import { benchBulkApply, bulkModes } from "./cases/bulk-apply";
import { benchBulkManyUsers } from "./cases/bulk-many-users";
import { benchDiff } from "./cases/diff";
import { benchEditor } from "./cases/editor";
import { benchListSessions } from "./cases/list-sessions";
import { benchUserPage } from "./cases/user-page";
import { externalCore, startCoreProcess } from "./core-process";
import { setFloorApiKey } from "./floor";
import { initBenchSdk } from "./sdk";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    "core-url": { type: "string" },
    "api-key": { type: "string" },
    /** bulk-many-users only: users to run it with (3 sessions each), e.g. --users 2000,10000. */
    users: { type: "string" },
    /** Bulk case only, for tuning: sizes and core modes to run, e.g. --sizes 1000 --bulk-modes loaded. */
    sizes: { type: "string" },
    "bulk-modes": { type: "string" },
    repeats: { type: "string" },
  },
});

export type BenchResult = Record<string, string | number | boolean>;
const results: BenchResult[] = [];
export function report(result: BenchResult) {
  results.push(result);
  if (values.json) console.log(JSON.stringify(result));
  else console.log(Object.entries(result).map(([k, v]) => `${k}=${typeof v === "number" ? Math.round(v * 100) / 100 : v}`).join("  "));
}

const external = values["core-url"];
const wants = (name: string) => (!values.only || values.only.split(",").includes(name)) && (!external || name === "list-sessions" || name === "bulk-apply");

const core = external ? externalCore(external, values["api-key"]) : await startCoreProcess();
setFloorApiKey(core.apiKey);
try {
  await initBenchSdk(core.url, core.apiKey);
  if (wants("list-sessions")) await benchListSessions(core, report, { sizes: values.quick ? [100] : [100, 1000], repeats: values.quick ? 2 : 9 });
  if (wants("diff-1mib")) await benchDiff(report);
  if (wants("bulk-apply")) {
    const sizes = values.sizes ? values.sizes.split(",").map(Number) : values.quick ? [100] : [1000, 10_000];
    const onlyModes = values["bulk-modes"]?.split(",");
    await benchBulkApply(core, report, {
      sizes,
      repeats: values.repeats ? Number(values.repeats) : values.quick ? 1 : 5,
      modes: onlyModes ? (size) => bulkModes(core, size).filter((mode) => onlyModes.includes(mode.name)) : undefined,
    });
  }
  if (wants("bulk-many-users") && core.kind === "bundled") {
    await benchBulkManyUsers(core, report, { users: values.users ? values.users.split(",").map(Number) : values.quick ? [500] : [10_000] });
  }
} finally {
  await core.stop();
}
// Runs its own dashboard and core (the page needs a signed-in staff member and a real server).
if (wants("user-page")) await benchUserPage(report, { sessions: values.quick ? 2_000 : 10_000, repeats: values.quick ? 1 : 3 });
// The session editor with the 198 KiB and the 1 MiB session, in Chromium (own dashboard and core too).
const editorCases = ["editor-198kib", "editor-1mib"].filter(wants);
if (editorCases.length > 0) await benchEditor(report, { repeats: values.quick ? 1 : 3, cases: editorCases });
if (!values.json) {
  console.log(`\n${results.length} results · node ${process.version} · ${(await import("node:os")).cpus()[0]?.model ?? "unknown CPU"} × ${(await import("node:os")).cpus().length}`);
}
process.exit(0);
