/**
 * `npm run bench [-- --json] [-- --quick] [-- --only case,case] [-- --core-url URL [--api-key KEY]]`
 * (tuning the bulk case: `--sizes 1000 --bulk-modes loaded --repeats 3`):
 * speed measured, not guessed. With --core-url the list and bulk cases run against that core as it is
 * (your staging core; no added latency or load modes there), the rest are skipped. Each case reports its time
 * next to a floor measured in the same run on the same core, so the ratios mean something on a noisy
 * machine. Timings are medians of several runs after a warm-up. Each case group runs in a fresh process
 * of its own, with its own core (see CASE_GROUPS).
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
    /** Internal: this process runs one case group for the parent (see below). */
    "case-process": { type: "boolean", default: false },
  },
});

// Each case group runs in a process of its own, with a core of its own. In one process, every case
// ran on the heap and the JIT state that the cases before it left (the bench's 300 MB of sessions and
// reports by the time bulk-many-users ran, against 190 MB alone), and on a core already holding their
// users: the later cases measured the harness's leftovers as much as the dashboard (bulk-many-users:
// 1.54-1.67x the floor in the full run, 1.24x alone). A dashboard serves one workload in a process
// that holds no benchmark's data, which is what each case now sees. The floors are measured in the
// same child, right beside what they are compared with, as before.
const CASE_GROUPS = [["list-sessions"], ["diff-1mib"], ["bulk-apply"], ["bulk-many-users"], ["user-page"], ["editor-198kib", "editor-1mib"]];
if (!values["case-process"]) {
  const { spawn } = await import("node:child_process");
  const asked = values.only?.split(",");
  const forwarded = process.argv.slice(2).filter((_, i, all) => all[i] !== "--only" && all[i - 1] !== "--only" && !all[i]!.startsWith("--only="));
  for (const group of CASE_GROUPS) {
    const cases = asked ? group.filter((name) => asked.includes(name)) : group;
    if (cases.length === 0) continue;
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...forwarded, "--only", cases.join(","), "--case-process"], { stdio: "inherit" });
      child.on("error", reject);
      child.on("exit", resolve);
    });
    if (code !== 0) {
      console.error(`bench: the ${cases.join(", ")} case${cases.length > 1 ? "s" : ""} failed (exit ${code})`);
      process.exit(code ?? 1);
    }
  }
  if (!values.json) {
    const os = await import("node:os");
    console.log(`\nnode ${process.version} · ${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length} · each case group in a fresh process`);
  }
  process.exit(0);
}

export type BenchResult = Record<string, string | number | boolean>;
export function report(result: BenchResult) {
  if (values.json) console.log(JSON.stringify(result));
  else console.log(Object.entries(result).map(([k, v]) => `${k}=${typeof v === "number" ? Math.round(v * 100) / 100 : v}`).join("  "));
}

const external = values["core-url"];
const wants = (name: string) => (!values.only || values.only.split(",").includes(name)) && (!external || name === "list-sessions" || name === "bulk-apply");

// The cases that share this process's core (the page and editor cases start their own).
const onSharedCore = ["list-sessions", "diff-1mib", "bulk-apply", "bulk-many-users"].some(wants);
const core = !onSharedCore ? undefined : external ? externalCore(external, values["api-key"]) : await startCoreProcess();
if (core) setFloorApiKey(core.apiKey);
if (core) try {
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
    await benchBulkManyUsers(core, report, { users: values.users ? values.users.split(",").map(Number) : values.quick ? [500] : [10_000], rounds: values.quick ? 1 : 3 });
  }
} finally {
  await core.stop();
}
// Runs its own dashboard and core (the page needs a signed-in staff member and a real server).
if (wants("user-page")) await benchUserPage(report, { sessions: values.quick ? 2_000 : 10_000, repeats: values.quick ? 1 : 3 });
// The session editor with the 198 KiB and the 1 MiB session, in Chromium (own dashboard and core too).
const editorCases = ["editor-198kib", "editor-1mib"].filter(wants);
if (editorCases.length > 0) await benchEditor(report, { repeats: values.quick ? 1 : 3, cases: editorCases });
process.exit(0);
