#!/usr/bin/env node
/**
 * session-desk: the command line on Session Desk's HTTP API (/api/v1). Plain ESM, no build step.
 *
 * Exit codes (also in `session-desk --help` and the README):
 *   0 ok · 1 unexpected error · 2 usage or invalid input · 3 not found · 4 conflict (the data changed)
 *   5 refused (scope, state of a run, a rule of the editor, declined at the prompt) · 6 authentication
 *   (no login, or the token is invalid, expired or revoked) · 7 server or core unavailable, rate-limited
 */
import { Command, CommanderError, Option } from "commander";
import cliProgress from "cli-progress";
import { isLosslessNumber, parse as parseExact, stringify as stringifyExact } from "lossless-json";
import pc from "picocolors";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3, conflict: 4, refused: 5, auth: 6, unavailable: 7 };

class CliError extends Error {
  constructor(message, code, body) {
    super(message);
    this.code = code;
    this.body = body;
  }
}

// ── configuration ───────────────────────────────────────────────────────────────────────────────────
function configPath() {
  const base = process.env.XDG_CONFIG_HOME || path.join(homedir(), ".config");
  return path.join(base, "session-desk", "config.json");
}

function readConfig() {
  try {
    return JSON.parse(readFileSync(configPath(), "utf8"));
  } catch {
    return null;
  }
}

function writeConfig(config) {
  const file = configPath();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of an existing file: set it every time.
  chmodSync(file, 0o600);
  return file;
}

function connection() {
  const url = process.env.SESSION_DESK_URL;
  const token = process.env.SESSION_DESK_TOKEN;
  if (url && token) return { url, token };
  const config = readConfig();
  if (!config?.url || !config?.token) throw new CliError("Not logged in. Run `session-desk login --url https://desk.example.com` first (or set SESSION_DESK_URL and SESSION_DESK_TOKEN).", EXIT.auth);
  return config;
}

// ── HTTP ────────────────────────────────────────────────────────────────────────────────────────────
const PROBLEM_EXIT = {
  401: EXIT.auth,
  403: EXIT.refused,
  404: EXIT.notFound,
  405: EXIT.usage,
  400: EXIT.usage,
  413: EXIT.usage,
  415: EXIT.usage,
  409: EXIT.refused,
  410: EXIT.notFound,
  422: EXIT.refused,
  429: EXIT.unavailable,
};

/** Exact JSON both ways: numbers keep their text (lossless-json). */
const parseBody = (text) => parseExact(text);
export const exactJson = (value, indent = 2) => stringifyExact(value, null, indent);

async function request(method, apiPath, body, conn = connection()) {
  let response;
  try {
    response = await fetch(new URL(`/api/v1${apiPath}`, conn.url), {
      method,
      headers: { Authorization: `Bearer ${conn.token}`, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : exactJson(body, 0),
    });
  } catch (error) {
    throw new CliError(`Cannot reach Session Desk at ${conn.url}: ${error.cause?.message ?? error.message}`, EXIT.unavailable);
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? parseBody(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const detail = parsed?.detail ?? `HTTP ${response.status}`;
    const code = parsed?.type === "/api/docs#problem-conflict" ? EXIT.conflict : (PROBLEM_EXIT[response.status] ?? (response.status >= 500 ? EXIT.unavailable : EXIT.error));
    const extra = response.status === 429 ? ` (retry after ${response.headers.get("retry-after")} s)` : "";
    throw new CliError(`${parsed?.title ? `${parsed.title}: ` : ""}${detail}${extra}`, code, parsed ?? text);
  }
  return parsed;
}

// ── output ──────────────────────────────────────────────────────────────────────────────────────────
let jsonOutput = false;
const out = (line = "") => process.stdout.write(`${line}\n`);
const num = (value) => (isLosslessNumber(value) ? Number(value.value) : value);
const when = (ms) => new Date(num(ms)).toISOString().replace("T", " ").slice(0, 19) + " UTC";

function emit(value, human) {
  if (jsonOutput) out(exactJson(value));
  else human(value);
}

function table(rows, columns) {
  if (rows.length === 0) return;
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? "").length)));
  out(pc.bold(columns.map((column, i) => column.padEnd(widths[i])).join("  ")));
  for (const row of rows) out(columns.map((column, i) => String(row[column] ?? "").padEnd(widths[i])).join("  "));
}

/** The cross-user selection from `bulk plan`'s --users… options, or undefined when none was given. */
function crossUserSelection(options) {
  const given = [options.users, options.usersFile, options.usersSearch !== undefined || options.usersTenant ? true : undefined, options.usersOfRun].filter((option) => option !== undefined);
  if (given.length === 0) return undefined;
  if (given.length > 1) throw new CliError("Choose the users one way: --users, --users-file, --users-search or --users-of-run.", EXIT.usage);
  if (options.users) return { by: "list", entries: options.users };
  if (options.usersOfRun) return { by: "run", runId: options.usersOfRun };
  if (options.usersFile) {
    let text;
    try {
      text = readFileSync(options.usersFile, "utf8");
    } catch (error) {
      throw new CliError(`Cannot read ${options.usersFile}: ${error.message}`, EXIT.usage);
    }
    return { by: "list", entries: text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((line) => line.trim() !== "") };
  }
  return { by: "search", q: options.usersSearch ?? "", tenant: options.usersTenant ?? "" };
}

/** A run across users: its users, the entries that matched none or several (listed first), its approval. */
function printCrossUser(crossUser) {
  const e = crossUser.entries;
  out(`  users ${num(e.matched)} matched; ${num(e.unknown)} no user, ${num(e.ambiguous)} more than one, ${num(e.invalid)} not understood, ${num(e.duplicate)} repeated`);
  if (crossUser.unresolved.length > 0) {
    out(pc.yellow("  Left out:"));
    for (const entry of crossUser.unresolved) out(`    ${entry.input}  ${pc.yellow(entry.status)}${entry.candidates.length > 0 ? ` (${entry.candidates.join(", ")})` : ""}`);
  }
  if (crossUser.approval.status) out(`  approval: ${crossUser.approval.status}${crossUser.approval.approvedBy ? ` by ${crossUser.approval.approvedBy}` : ""}`);
}

function printRun(run) {
  const p = run.progress;
  out(`${pc.bold(`Run ${run.id}`)}  ${p.status}  user ${run.userId}`);
  out(`  ${run.operation} ${run.keyPath}${run.valueJson !== null ? ` = ${run.valueJson}` : ""}  (${run.scope}${run.tenantId ? ` ${run.tenantId}` : ""})  reason: ${run.reason ?? "—"}`);
  const plan = Object.entries(p.plan).filter(([, n]) => num(n) > 0).map(([k, n]) => `${k} ${num(n)}`).join(", ");
  out(`  sessions ${num(p.total)}; dry run: ${plan || "nothing"}`);
  if (p.status !== "planned" && p.status !== "planning") {
    const outcomes = Object.entries(p.outcomes).filter(([, n]) => num(n) > 0).map(([k, n]) => `${k} ${num(n)}`).join(", ");
    out(`  done ${num(p.done)} of ${num(p.total)}: ${outcomes || "—"}; retries ${num(p.retries)}`);
  }
}

// ── a small line diff for the review before `edit` writes ────────────────────────────────────────────
/** Longest-common-subsequence line diff: fine for the sizes people edit by hand; bounded for huge ones. */
export function lineDiff(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const lines = [];
  if (midA.length * midB.length > 4_000_000) {
    for (const line of midA) lines.push({ kind: "-", line });
    for (const line of midB) lines.push({ kind: "+", line });
  } else {
    const lcs = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
    for (let i = midA.length - 1; i >= 0; i--) for (let j = midB.length - 1; j >= 0; j--) lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < midA.length || j < midB.length) {
      if (i < midA.length && j < midB.length && midA[i] === midB[j]) lines.push({ kind: " ", line: midA[i++], at: j++ });
      else if (j < midB.length && (i === midA.length || lcs[i][j + 1] >= lcs[i + 1][j])) lines.push({ kind: "+", line: midB[j++] });
      else lines.push({ kind: "-", line: midA[i++] });
    }
  }
  const context = a.slice(Math.max(0, start - 2), start).map((line) => ({ kind: " ", line }));
  const trailing = a.slice(endA, endA + 2).map((line) => ({ kind: " ", line }));
  return [...context, ...lines, ...trailing];
}

function printDiff(before, after) {
  for (const { kind, line } of lineDiff(before, after)) {
    if (kind === "+") out(pc.green(`+ ${line}`));
    else if (kind === "-") out(pc.red(`- ${line}`));
    else out(pc.dim(`  ${line}`));
  }
}

// One reader for every prompt: with answers piped on stdin, a second readline would miss lines the first buffered.
let lineReader;
const pendingLines = [];
const waiting = [];
function ask(question) {
  process.stderr.write(question);
  if (!lineReader) {
    lineReader = createInterface({ input: process.stdin, terminal: false });
    lineReader.on("line", (line) => (waiting.length > 0 ? waiting.shift()(line) : pendingLines.push(line)));
    lineReader.on("close", () => {
      while (waiting.length > 0) waiting.shift()("");
    });
  }
  if (pendingLines.length > 0) return Promise.resolve(pendingLines.shift());
  if (lineReader.closed) return Promise.resolve("");
  return new Promise((resolve) => waiting.push(resolve));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const enc = encodeURIComponent;

// ── commands ────────────────────────────────────────────────────────────────────────────────────────
export function buildProgram() {
  const program = new Command("session-desk")
    .description("Session Desk from the command line, through its HTTP API (/api/v1).")
    .option("--json", "print the API's JSON (exact numbers) instead of text, for scripts")
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 unexpected error, 2 usage or invalid input, 3 not found, 4 conflict (the data changed),\n5 refused (scope, run state, a rule of the editor, or declined), 6 authentication, 7 unavailable or rate-limited.\nConfiguration: $XDG_CONFIG_HOME/session-desk/config.json (else ~/.config/…), mode 0600; or SESSION_DESK_URL + SESSION_DESK_TOKEN.",
    )
    .hook("preAction", (command) => {
      jsonOutput = Boolean(command.opts().json);
    });

  program
    .command("login")
    .description("store the dashboard's URL and a personal API token (made on your profile page)")
    .requiredOption("--url <url>", "the dashboard, e.g. https://desk.example.com")
    .option("--token <token>", "the token (else read from stdin)")
    .action(async (options) => {
      const token = (options.token ?? (await ask("API token: "))).trim();
      if (!/^sd_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(token)) throw new CliError("That is not a Session Desk API token (sd_…). Make one on your profile page → API tokens.", EXIT.usage);
      let url;
      try {
        url = new URL(options.url).origin;
      } catch {
        throw new CliError(`Not a URL: ${options.url}`, EXIT.usage);
      }
      await request("GET", "/audit?pageSize=1", undefined, { url, token });
      const file = writeConfig({ url, token });
      emit({ url, config: file }, () => out(`Logged in to ${url}. Saved in ${file} (readable only by you).`));
    });

  program
    .command("search")
    .description("find users: an email or its start, a phone number, a user id, or provider:google")
    .argument("[query]", "what to look for (empty: the newest users)", "")
    .option("--tenant <tenant>", "only this tenant")
    .action(async (query, options) => {
      const params = new URLSearchParams({ q: query });
      if (options.tenant) params.set("tenant", options.tenant);
      const result = await request("GET", `/users?${params}`);
      emit(result, () => {
        if (result.problem) out(pc.yellow(result.problem));
        if (result.users.length === 0) return out("No users found.");
        table(result.users.map((user) => ({ id: user.id, email: user.emails.join(", "), phone: user.phoneNumbers.join(", "), tenants: user.tenantIds.join(","), joined: when(user.timeJoined) })), ["id", "email", "phone", "tenants", "joined"]);
      });
    });

  program
    .command("get")
    .description("a user and their sessions, or one session with its data")
    .argument("<userId>")
    .argument("[sessionHandle]")
    .action(async (userId, sessionHandle) => {
      if (sessionHandle) {
        const session = await request("GET", `/users/${enc(userId)}/sessions/${enc(sessionHandle)}`);
        return emit(session, () => {
          out(`${pc.bold(session.sessionHandle)}  tenant ${session.tenantId}  created ${when(session.timeCreated)}  expires ${when(session.expiry)}`);
          out(pc.dim(`fingerprint ${session.fingerprint}`));
          out(exactJson(session.data));
        });
      }
      const result = await request("GET", `/users/${enc(userId)}`);
      emit(result, () => {
        out(`${pc.bold(result.user.id)}  ${result.user.emails.join(", ")}  tenants ${result.user.tenantIds.join(", ")}`);
        out(`${result.sessions.length} session(s)`);
        table(result.sessions.map((s) => ({ handle: s.sessionHandle, tenant: s.tenantId, created: when(s.timeCreated), keys: Object.keys(s.data).join(", ") })), ["handle", "tenant", "created", "keys"]);
      });
    });

  program
    .command("edit")
    .description("edit a session's data in $EDITOR, review the coloured diff, then write it (conflict-checked)")
    .argument("<userId>")
    .argument("<sessionHandle>")
    .option("--reason <reason>", "why (a ticket number is enough); asked for when missing")
    .option("-y, --yes", "write without asking")
    .action(async (userId, sessionHandle, options) => {
      const address = `/users/${enc(userId)}/sessions/${enc(sessionHandle)}`;
      const session = await request("GET", address);
      const before = exactJson(session.data);
      const dir = mkdtempSync(path.join(tmpdir(), "session-desk-edit-"));
      const file = path.join(dir, `${sessionHandle.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);
      // The edited file is removed only once nothing in it can be lost (written, or no change made).
      let keepFile = false;
      try {
        writeFileSync(file, `${before}\n`, { mode: 0o600 });
        const editor = process.env.VISUAL || process.env.EDITOR || "vi";
        const edited = spawnSync(`${editor} "${file}"`, { stdio: "inherit", shell: true });
        if (edited.status !== 0) throw new CliError(`The editor (${editor}) exited with code ${edited.status}; nothing was written.`, EXIT.refused);
        const text = readFileSync(file, "utf8");
        keepFile = true;
        let next;
        try {
          next = parseBody(text);
        } catch (error) {
          throw new CliError(`The edited file is not valid JSON (${error.message}); nothing was written.`, EXIT.usage);
        }
        if (next === null || typeof next !== "object" || Array.isArray(next)) throw new CliError("Session data must be a JSON object; nothing was written.", EXIT.usage);
        const after = exactJson(next);
        if (after === before) {
          keepFile = false;
          emit({ status: "nothing-to-write" }, () => out("No changes; nothing written."));
          return;
        }
        if (!jsonOutput) printDiff(before, after);
        const reason = options.reason ?? (options.yes ? undefined : (await ask("Reason (e.g. the ticket number): ")).trim());
        if (!options.yes) {
          const answer = (await ask("Write these changes? [y/N] ")).trim().toLowerCase();
          if (answer !== "y" && answer !== "yes") throw new CliError("Not written.", EXIT.refused);
        }
        const result = await request("PUT", address, { data: next, expectedFingerprint: session.fingerprint, ...(reason ? { reason } : {}) });
        keepFile = false;
        emit(result, () => {
          if (result.status === "overtaken") out(pc.yellow(`Written (${num(result.changes)} changes), but another change landed right after it; the session now holds different data.`));
          else out(pc.green(result.status === "unchanged" ? "The session already holds this data; nothing written." : `Written: ${num(result.changes)} change(s). Audit entry ${result.auditEntryId}.`));
        });
      } catch (error) {
        if (error instanceof CliError && error.code === EXIT.conflict && error.body?.current && !jsonOutput) {
          out(pc.red("Conflict: the session changed since it was read. Nothing was written. Its data now:"));
          out(exactJson(error.body.current));
        }
        if (keepFile) process.stderr.write(`Your edit is kept in ${file}\n`);
        throw error;
      } finally {
        if (!keepFile) rmSync(dir, { recursive: true, force: true });
      }
    });

  const bulk = program.command("bulk").description("bulk runs: plan (dry run), apply, status, report");
  bulk
    .command("plan")
    .description("dry run of one change over a user's sessions, or across users with --users… (writes nothing)")
    .argument("[userId]", "one user; or choose many with --users, --users-file, --users-search or --users-of-run")
    .option("--users <entry...>", "across users (admins): emails, phone numbers or user ids")
    .option("--users-file <path>", "across users: a file with an email, phone number or user id a line (a CSV column too)")
    .option("--users-search <query>", "across users: the users a search finds, e.g. @globex.com")
    .option("--users-tenant <tenantId>", "with --users-search: only this tenant's users")
    .option("--users-of-run <runId>", "across users: the users of an earlier run")
    .requiredOption("--key <keyPath>", "the key, e.g. featureFlags.beta")
    .addOption(new Option("--op <operation>", "what to do").choices(["set", "set-if-missing", "merge", "delete"]).default("set"))
    .option("--value <json>", "the value as JSON, e.g. true or '{\"a\":1}'")
    .addOption(new Option("--scope <scope>", "which sessions").choices(["all", "selected", "tenant"]).default("all"))
    .option("--tenant <tenantId>", "with --scope tenant")
    .option("--handle <handle...>", "with --scope selected")
    .option("--reason <reason>", "why")
    .action(async (userId, options) => {
      let value;
      if (options.value !== undefined) {
        try {
          value = parseBody(options.value);
        } catch (error) {
          throw new CliError(`--value is not JSON (${error.message}). Quote text: --value '"on"'.`, EXIT.usage);
        }
      }
      const users = crossUserSelection(options);
      if ((users ? 1 : 0) + (userId ? 1 : 0) !== 1) throw new CliError("Give one user id, or choose users with one of --users, --users-file, --users-search or --users-of-run.", EXIT.usage);
      if (users && (options.scope !== "all" || options.tenant || options.handle)) throw new CliError("Across users every session of each user is in scope: --scope, --tenant and --handle are for one user.", EXIT.usage);
      const change = { keyPath: options.key, operation: options.op, ...(value !== undefined ? { value } : {}), ...(options.reason ? { reason: options.reason } : {}) };
      const body = users ? { users, ...change } : { ...change, scope: options.scope, ...(options.tenant ? { tenantId: options.tenant } : {}), ...(options.handle ? { handles: options.handle } : {}) };
      const result = await request("POST", users ? "/bulk-runs" : `/users/${enc(userId)}/bulk-runs`, body);
      emit(result, () => {
        printRun(result.run);
        if (result.crossUser) printCrossUser(result.crossUser);
        out(
          result.crossUser?.approval.status === "pending"
            ? `Nothing written. It has more sessions than one admin may apply alone (${num(result.crossUser.approval.threshold)}): a second admin must approve it in the app first.`
            : `Nothing written yet. Apply it with: session-desk bulk apply ${result.run.id}`,
        );
      });
    });
  bulk
    .command("apply")
    .description("apply a dry run (or --resume an interrupted run, --cancel a running one)")
    .argument("<runId>")
    .option("--no-wait", "return once started")
    .option("--resume", "resume an interrupted run instead")
    .option("--cancel", "cancel a running run instead")
    .action(async (runId, options) => {
      const action = options.cancel ? "cancel" : options.resume ? "resume" : "apply";
      const started = await request("POST", `/bulk-runs/${enc(runId)}/${action}`);
      if (!options.wait || action === "cancel") return emit(started, () => printRun(started.run));
      const run = await waitForRun(runId, num(started.run.progress.total));
      emit(run, () => printRun(run));
    });
  bulk
    .command("status")
    .description("a run's state and counts")
    .argument("<runId>")
    .action(async (runId) => {
      const result = await request("GET", `/bulk-runs/${enc(runId)}`);
      emit(result, () => {
        printRun(result.run);
        if (result.crossUser) printCrossUser(result.crossUser);
      });
    });
  bulk
    .command("report")
    .description("a run's per-session report (50 a page)")
    .argument("<runId>")
    .option("--show <which>", "all, pending, a verdict (will-change…) or an outcome (written, failed…)", "all")
    .option("--page <n>", "page", "1")
    .action(async (runId, options) => {
      const result = await request("GET", `/bulk-runs/${enc(runId)}/report?${new URLSearchParams({ show: options.show, page: options.page })}`);
      emit(result, () => {
        printRun(result.run);
        table(result.items.map((item) => ({ session: item.sessionHandle, tenant: item.tenantId ?? "", plan: item.plan, outcome: item.outcome ?? "pending", attempts: num(item.attempts), error: item.outcomeError ?? item.planError ?? "" })), ["session", "tenant", "plan", "outcome", "attempts", "error"]);
        out(pc.dim(`page ${num(result.page)} of ${num(result.pageCount)} (${num(result.total)} sessions)`));
      });
    });

  program
    .command("audit")
    .description("the audit trail, newest first")
    .option("--user <userId>")
    .option("--staff <email>")
    .option("--session <handle>")
    .option("--run <runId>")
    .option("--action <action>")
    .option("--from <day>", "YYYY-MM-DD")
    .option("--to <day>", "YYYY-MM-DD")
    .option("--page <n>", "page", "1")
    .option("--page-size <n>", "entries a page", "50")
    .action(async (options) => {
      const params = new URLSearchParams();
      for (const key of ["user", "staff", "session", "run", "action", "from", "to", "page"]) if (options[key]) params.set(key, options[key]);
      params.set("pageSize", options.pageSize);
      const result = await request("GET", `/audit?${params}`);
      emit(result, () => {
        table(
          result.entries.map((entry) => ({
            when: entry.createdAt.slice(0, 19).replace("T", " "),
            staff: `${entry.staff.email}${entry.viaApiToken ? ` via API token ${entry.viaApiToken.name}` : ""}`,
            action: entry.action,
            user: entry.target.userId,
            session: entry.target.sessionHandle ?? "",
            outcome: entry.outcome?.status ?? "unknown",
            reason: entry.reason ?? "",
          })),
          ["when", "staff", "action", "user", "session", "outcome", "reason"],
        );
        out(pc.dim(`page ${num(result.page)} of ${num(result.pageCount)} (${num(result.total)} entries)`));
      });
    });

  return program;
}

/** Polls a run until it ends; a progress bar on a terminal. */
async function waitForRun(runId, total) {
  const bar = process.stdout.isTTY && !jsonOutput ? new cliProgress.SingleBar({ format: "applying [{bar}] {value}/{total} sessions", hideCursor: true }, cliProgress.Presets.shades_classic) : null;
  bar?.start(total, 0);
  try {
    for (;;) {
      const { run } = await request("GET", `/bulk-runs/${enc(runId)}`);
      bar?.update(num(run.progress.done));
      if (["completed", "cancelled", "interrupted"].includes(run.progress.status)) return run;
      await sleep(500);
    }
  } finally {
    bar?.stop();
  }
}

export async function main(argv = process.argv) {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return reportError(error);
  } finally {
    lineReader?.close();
  }
}

function reportError(error) {
  {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliError) {
      if (jsonOutput && error.body && typeof error.body === "object") process.stdout.write(`${exactJson(error.body)}\n`);
      process.stderr.write(`${pc.red("session-desk:")} ${error.message}\n`);
      return error.code;
    }
    process.stderr.write(`${pc.red("session-desk:")} ${error?.stack ?? error}\n`);
    return EXIT.error;
  }
}

// Only when run as a program (tests may import lineDiff).
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("session-desk") || process.argv[1]?.endsWith("session-desk.mjs")) {
  main().then((code) => {
    process.exitCode = code;
  });
}
