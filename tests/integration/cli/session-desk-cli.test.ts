/**
 * The real CLI (bin/session-desk.mjs) as a child process against a running Session Desk (started as
 * `npm start` starts it, with the demo data): login and its 0600 config, search, get, edit through
 * $EDITOR with the prompt answered on stdin (written; declined; a conflict), bulk plan/apply/report,
 * audit, and the exit codes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForm, signInAs } from "../../helpers/http";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const cli = path.join(root, "bin", "session-desk.mjs");
const work = mkdtempSync(path.join(tmpdir(), "session-desk-cli-"));
const configHome = path.join(work, "config");
let app: ServerProcess;
let adminToken: string;
let viewerToken: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: work, XDG_CONFIG_HOME: configHome, NO_COLOR: "1", ...options.env } as unknown as NodeJS.ProcessEnv,
      stdio: "pipe",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

async function makeToken(email: string, password: string, name: string, scope: string): Promise<string> {
  const cookie = await signInAs({ url: app.baseUrl }, { email, password });
  const response = await postForm(`${app.baseUrl}/profile/api-tokens`, { intent: "create", name, scope, expiresInDays: "7" }, { cookie });
  const html = await response.text();
  const token = /sd_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(html)?.[0];
  if (!token) throw new Error(`no token on the page (HTTP ${response.status})`);
  return token;
}

/** An $EDITOR: a node script that sets `key` to `value` in the file it is given (and, optionally, first changes the session through the API). */
function editorScript(name: string, body: string): string {
  const file = path.join(work, `${name}.mjs`);
  writeFileSync(file, `import { readFileSync, writeFileSync } from "node:fs";\nconst file = process.argv[2];\nconst data = JSON.parse(readFileSync(file, "utf8"));\n${body}\nwriteFileSync(file, JSON.stringify(data, null, 2));\n`);
  return `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}`;
}

beforeAll(async () => {
  app = await startServerProcess({ dataDir: path.join(work, "data") });
  adminToken = await makeToken("admin@demo.session-desk.local", "demo-admin-password", "cli tests", "bulk");
  viewerToken = await makeToken("viewer@demo.session-desk.local", "demo-viewer-password", "viewer cli", "read");
}, 180_000);

afterAll(async () => {
  await app?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("session-desk CLI", () => {
  let userId: string;
  let sessionHandle: string;

  it("logs in, storing the URL and token readable only by the user; a bad token is exit 6", async () => {
    const bad = await run(["login", "--url", app.baseUrl, "--token", `sd_${"0".repeat(16)}_${"A".repeat(43)}`]);
    expect(bad.code, bad.stderr).toBe(6);
    expect(bad.stderr).toMatch(/not known/);
    const usage = await run(["login", "--url", app.baseUrl, "--token", "nonsense"]);
    expect(usage.code).toBe(2);
    // The token can also come on stdin.
    const ok = await run(["login", "--url", app.baseUrl], { input: `${adminToken}\n` });
    expect(ok.code, ok.stderr).toBe(0);
    const file = path.join(configHome, "session-desk", "config.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ url: new URL(app.baseUrl).origin, token: adminToken });
  });

  it("searches and gets, as text and as --json; an unknown user is exit 3", async () => {
    const search = await run(["--json", "search", "demo@example.com"]);
    expect(search.code, search.stderr).toBe(0);
    const users = (JSON.parse(search.stdout) as { users: { id: string; emails: string[] }[] }).users;
    const demo = users.find((user) => user.emails.includes("demo@example.com"))!;
    userId = demo.id;
    const human = await run(["search", "demo@example.com"]);
    expect(human.stdout).toContain("demo@example.com");
    const get = await run(["--json", "get", userId]);
    const sessions = (JSON.parse(get.stdout) as { sessions: { sessionHandle: string }[] }).sessions;
    expect(sessions.length).toBeGreaterThan(0);
    sessionHandle = sessions[0]!.sessionHandle;
    const one = await run(["get", userId, sessionHandle]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("fingerprint sha256:");
    const missing = await run(["get", "no-such-user"]);
    expect(missing.code).toBe(3);
  });

  it("edit: opens $EDITOR, shows the diff, asks, and writes with the expected fingerprint", async () => {
    const editor = editorScript("set-flag", 'data.cliEdited = "yes";');
    const edit = await run(["edit", userId, sessionHandle], { env: { EDITOR: editor }, input: "TICKET-7\ny\n" });
    expect(edit.code, edit.stderr).toBe(0);
    expect(edit.stdout).toMatch(/^\+ {3}"cliEdited": "yes"/m);
    expect(edit.stderr).toContain("Write these changes? [y/N]");
    expect(edit.stdout).toMatch(/Written: 1 change/);
    const after = JSON.parse((await run(["--json", "get", userId, sessionHandle])).stdout) as { data: Record<string, unknown> };
    expect(after.data.cliEdited).toBe("yes");
    const audit = JSON.parse((await run(["--json", "audit", "--session", sessionHandle])).stdout) as { entries: { reason: string; viaApiToken: { name: string } | null; staff: { email: string } }[] };
    expect(audit.entries[0]).toMatchObject({ reason: "TICKET-7", viaApiToken: { name: "cli tests" }, staff: { email: "admin@demo.session-desk.local" } });
    const humanAudit = await run(["audit", "--session", sessionHandle]);
    expect(humanAudit.stdout).toContain("via API token cli tests");
  });

  it("edit: answering no writes nothing (exit 5)", async () => {
    const editor = editorScript("declined", 'data.declined = true;');
    const edit = await run(["edit", userId, sessionHandle], { env: { EDITOR: editor }, input: "TICKET-8\nn\n" });
    expect(edit.code).toBe(5);
    const after = JSON.parse((await run(["--json", "get", userId, sessionHandle])).stdout) as { data: Record<string, unknown> };
    expect(after.data.declined).toBeUndefined();
  });

  it("edit: a change made meanwhile is a conflict (exit 4) and nothing of the edit is written", async () => {
    // The editor changes the session through the API while the person is "editing".
    const editor = editorScript(
      "concurrent",
      `const url = process.env.SD_URL + "/api/v1/users/" + encodeURIComponent(process.env.SD_USER) + "/sessions/" + encodeURIComponent(process.env.SD_HANDLE);
const auth = { Authorization: "Bearer " + process.env.SD_TOKEN };
const now = await (await fetch(url, { headers: auth })).json();
await fetch(url, { method: "PUT", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ data: { ...now.data, meanwhile: 1 }, expectedFingerprint: now.fingerprint, reason: "other" }) });
data.mine = true;`,
    );
    const edit = await run(["edit", userId, sessionHandle, "--reason", "TICKET-9"], {
      env: { EDITOR: editor, SD_URL: app.baseUrl, SD_TOKEN: adminToken, SD_USER: userId, SD_HANDLE: sessionHandle },
      input: "y\n",
    });
    expect(edit.code, edit.stderr).toBe(4);
    expect(edit.stdout).toContain("Conflict");
    expect(edit.stdout).toContain('"meanwhile": 1');
    const after = JSON.parse((await run(["--json", "get", userId, sessionHandle])).stdout) as { data: Record<string, unknown> };
    expect(after.data.meanwhile).toBe(1);
    expect(after.data.mine).toBeUndefined();
    // Nothing lost: the edit stays on disk, and the message says where.
    const kept = /Your edit is kept in (\S+)/.exec(edit.stderr)?.[1];
    expect(kept).toBeDefined();
    expect(JSON.parse(readFileSync(kept!, "utf8")).mine).toBe(true);
    rmSync(path.dirname(kept!), { recursive: true, force: true });
  });

  it("bulk plan, apply (waiting), status and report", async () => {
    const plan = await run(["--json", "bulk", "plan", userId, "--key", "cli.flag", "--value", "9223372036854775807", "--reason", "TICKET-10"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("9223372036854775807");
    const runId = (JSON.parse(plan.stdout) as { run: { id: string; progress: { total: number } } }).run.id;
    const apply = await run(["bulk", "apply", runId]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/completed/);
    const status = await run(["bulk", "status", runId]);
    expect(status.stdout).toContain(`Run ${runId}`);
    const report = JSON.parse((await run(["--json", "bulk", "report", runId])).stdout) as { items: { outcome: string }[]; total: number };
    expect(report.total).toBeGreaterThan(0);
    expect(report.items.every((item) => item.outcome === "written")).toBe(true);
    const again = await run(["bulk", "apply", runId]);
    expect(again.code).toBe(5);
    const after = (await run(["get", userId, sessionHandle])).stdout;
    expect(after).toContain("9223372036854775807");
  });

  it("bulk plan across users: a list file with an unknown email lists it as left out; apply; status shows the users", async () => {
    const unknown = `nobody-${Date.now()}@example.invalid`;
    const file = path.join(work, "users.csv");
    writeFileSync(file, `demo@example.com\n${unknown}\n`);
    const human = await run(["bulk", "plan", "--users-file", file, "--key", "cli.across", "--value", "true", "--reason", "TICKET-11"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("users 1 matched; 1 no user");
    expect(human.stdout).toMatch(new RegExp(`Left out:\\s+${unknown.replace(/[.]/g, "\\.")}\\s+unknown`));
    const plan = await run(["--json", "bulk", "plan", "--users", userId, unknown, "--key", "cli.across", "--value", "true", "--reason", "TICKET-11"]);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout) as { run: { id: string; userId: string }; crossUser: { unresolved: { input: string; status: string }[] } };
    expect(planned.run.userId).toBe("*");
    expect(planned.crossUser.unresolved).toEqual([expect.objectContaining({ input: unknown, status: "unknown" })]);
    const apply = await run(["bulk", "apply", planned.run.id]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/completed/);
    const status = await run(["bulk", "status", planned.run.id]);
    expect(status.stdout).toContain("users 1 matched");
    const both = await run(["bulk", "plan", userId, "--users", userId, "--key", "x", "--value", "1"]);
    expect(both.code).toBe(2);
  });

  it("a read-only token is refused a bulk plan (exit 5); a missing login is exit 6; bad usage is exit 2", async () => {
    const refused = await run(["bulk", "plan", userId, "--key", "x", "--value", "1", "--reason", "r"], { env: { SESSION_DESK_URL: app.baseUrl, SESSION_DESK_TOKEN: viewerToken } });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/bulk scope/);
    const noLogin = await run(["audit"], { env: { XDG_CONFIG_HOME: path.join(work, "empty") } });
    expect(noLogin.code).toBe(6);
    const usage = await run(["bulk", "plan"]);
    expect(usage.code).toBe(2);
  });
});
