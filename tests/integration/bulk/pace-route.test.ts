/**
 * The run page's pace over HTTP: while a run goes on, its progress says how many sessions a second it
 * writes, how many are in flight and its adaptive limit under the ceiling; once it has ended, no pace.
 * The built app and a local core slowed by a service time, so the run lasts long enough to be watched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";
import { postData } from "../sessions/helpers";

const FORM_ROUTE = "routes/users.$userId.bulk";
const RUN_ROUTE = "routes/bulk.runs.$runId";

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { AUDIT_REASON_REQUIRED: "false", BULK_APPLY_CONCURRENCY: "12" } });
  admin = await signIn(stack, "admin");
});
afterAll(async () => {
  await stack?.stop();
});

interface Progress {
  status: string;
  done: number;
  total: number;
  pace: { sessionsPerSecond: number; concurrency: number; ceiling: number; inFlight: number; retries: number } | null;
}

const progressOf = async (runId: string): Promise<Progress> => (await (await fetch(`${stack.url}/bulk/runs/${runId}/progress`, { headers: { Cookie: admin } })).json()) as Progress;

describe("a run's pace", () => {
  it("is shown while it runs (sessions per second, in flight, limit of ceiling) and gone once it has ended", async () => {
    const first = await createCoreUserWithSession(stack, { sessionData: { n: 0 } });
    for (let i = 1; i < 150; i++) {
      const created = await fetch(`${stack.coreUrl}/public/recipe/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "cdi-version": "5.4", rid: "session", ...(stack.apiKey ? { "api-key": stack.apiKey } : {}) },
        body: JSON.stringify({ userId: first.userId, enableAntiCsrf: false, userDataInJWT: {}, userDataInDatabase: { n: i } }),
      });
      expect(created.status).toBe(200);
    }
    const planned = await postData(`${stack.url}/users/${first.userId}/bulk`, FORM_ROUTE, { intent: "dry-run", operation: "set", scope: "all", reason: "", keyPath: "paced", value: "true" }, admin);
    const runId = /\/bulk\/runs\/([0-9a-f]+)$/.exec(planned.redirect ?? "")![1]!;
    // 20 ms a request on 4 workers: 150 sessions take a few seconds.
    stack.core.faults.set({ serviceTimeMs: 20, workers: 4 });
    try {
      expect((await postData(`${stack.url}/bulk/runs/${runId}`, RUN_ROUTE, { intent: "apply" }, admin)).redirect).toBe(`/bulk/runs/${runId}`);
      let seen: Progress["pace"] = null;
      let progress = await progressOf(runId);
      while (progress.status === "running") {
        if (progress.pace && progress.done > 10) seen ??= progress.pace;
        await new Promise((resolve) => setTimeout(resolve, 100));
        progress = await progressOf(runId);
      }
      expect(seen).not.toBeNull();
      expect(seen!.ceiling).toBe(12);
      expect(seen!.concurrency).toBeGreaterThanOrEqual(1);
      expect(seen!.concurrency).toBeLessThanOrEqual(12);
      expect(seen!.sessionsPerSecond).toBeGreaterThan(0);
      expect(seen!.retries).toBe(0);
      expect(progress.status).toBe("completed");
      expect(progress.pace).toBeNull();
    } finally {
      stack.core.faults.clear();
    }
  });
});
