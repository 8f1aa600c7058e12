/**
 * Wherever a staff password is chosen — the staff page and `npm run staff -- create` — a weak one such as
 * `aaaaaaaaaaaa` (12 characters, accepted before) is refused with a message that says why; nothing is created.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForm, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

const projectRoot = path.resolve(import.meta.dirname, "../../..");
let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signIn(stack, "admin");
});
afterAll(async () => {
  await stack?.stop();
});

describe("the staff page", () => {
  it("refuses aaaaaaaaaaaa with the reason, keeps the form, creates nothing", async () => {
    const response = await postForm(`${stack.url}/staff`, { intent: "create", email: "weak@staff.test", role: "viewer", password: "aaaaaaaaaaaa" }, { cookie: admin });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("That password is too easy to guess.");
    expect(html).toContain("Repeated characters like &quot;aaa&quot; are easy to guess.");
    expect(html).toContain('value="weak@staff.test"');
    expect(html).not.toContain('value="aaaaaaaaaaaa"');
    const { findStaffByEmail } = await import("../../../app/staff/accounts.server");
    expect(await findStaffByEmail("weak@staff.test")).toBeUndefined();
  });

  it("accepts a strong chosen password", async () => {
    const response = await postForm(`${stack.url}/staff`, { intent: "create", email: "strong@staff.test", role: "viewer", password: "copper lantern orbit meadow" }, { cookie: admin });
    expect(response.status).toBe(200);
    const { findStaffByEmail } = await import("../../../app/staff/accounts.server");
    expect(await findStaffByEmail("strong@staff.test")).toBeDefined();
  });
});

describe("npm run staff -- create", () => {
  it("refuses a weak piped password with the reason and exit code 1", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-weak-"));
    try {
      const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "staff.ts"), "create", "--email", "cli-weak@staff.test", "--role", "admin"], {
          cwd: projectRoot,
          env: { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, DATABASE_URL: "" },
          stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.once("error", reject);
        child.once("exit", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end("aaaaaaaaaaaa\n");
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("That password is too easy to guess.");
      expect(result.stdout).not.toContain("Created");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
