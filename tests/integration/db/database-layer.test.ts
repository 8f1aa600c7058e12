/**
 * The database layer under the stores: SQLite on its own thread, atomic batches (group commits, bulk
 * outcomes) and reused compiled statements — on both SQLite and PostgreSQL where the behaviour is shared.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, openDatabase } from "../../../app/db/db.server";
import { compileReusing } from "../../../app/db/reuse-compiled.server";
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from "../../helpers/databases";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../../..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const failure = (id: string) => ({ id, key: "test", at: "2026-11-27T00:00:00.000Z" });
const failureIds = async () => (await getDb().selectFrom("sign_in_failures").select("id").orderBy("id").execute()).map((row) => row.id);
const insertFailure = (id: string) => getDb().insertInto("sign_in_failures").values(failure(id)).compile();
const outcomeOfNoEntry = () =>
  getDb().insertInto("audit_outcomes").values({ entry_id: "no-such-entry", finished_at: "2026-11-27T00:00:00.000Z", status: "written", error: null, after_json: null }).compile();

describe.each(DATABASE_KINDS)("the database layer on %s", (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await test?.drop();
  });

  it("runs a batch atomically: one refused statement and none of the batch is kept", async () => {
    await getDb().deleteFrom("sign_in_failures").execute();
    await expect(test.database.runAtomically([insertFailure("batch-a"), outcomeOfNoEntry(), insertFailure("batch-b")])).rejects.toThrow(/foreign key/i);
    expect(await failureIds()).toEqual([]);
    await test.database.runAtomically([insertFailure("batch-a"), insertFailure("batch-b")]);
    expect(await failureIds()).toEqual(["batch-a", "batch-b"]);
  });

  it("never lands a batch inside someone else's transaction", async () => {
    await getDb().deleteFrom("sign_in_failures").execute();
    let batch: Promise<void> | undefined;
    // The transaction is open (its first insert done) when the batch is sent; then it rolls back.
    const rolledBack = getDb()
      .transaction()
      .execute(async (tx) => {
        await tx.insertInto("sign_in_failures").values(failure("in-transaction")).execute();
        batch = test.database.runAtomically([insertFailure("batch")]);
        await sleep(30);
        throw new Error("roll back");
      });
    await expect(rolledBack).rejects.toThrow("roll back");
    await batch;
    expect(await failureIds()).toEqual(["batch"]);
  });

  it("reuses a compiled statement only when the listed values are Kysely's own parameters, in order", async () => {
    const rows = [failure("reuse-1"), failure("reuse-2")];
    const kyselys = () => getDb().insertInto("sign_in_failures").values(rows).compile();
    const values = rows.flatMap((row) => [row.id, row.key, row.at]);
    const first = compileReusing(`test insert ${kind}`, values, kyselys);
    const second = compileReusing(`test insert ${kind}`, values, () => {
      throw new Error("compiled again although the shape is known");
    });
    expect(second.sql).toBe(first.sql);
    expect(second.parameters).toEqual(kyselys().parameters);

    // Values listed in another order than Kysely binds them: never reused, always Kysely's compile.
    const misordered = rows.flatMap((row) => [row.key, row.id, row.at]);
    let compiled = 0;
    const counting = () => (compiled++, kyselys());
    compileReusing(`test misordered ${kind}`, misordered, counting);
    const again = compileReusing(`test misordered ${kind}`, misordered, counting);
    expect(compiled).toBe(2);
    expect(again.parameters).toEqual(values);
  });
});

describe("SQLite on its own thread", () => {
  let test: TestDatabase;
  let scratch: string;
  beforeAll(async () => {
    test = await openTestDatabase("sqlite");
    scratch = mkdtempSync(path.join(tmpdir(), "session-desk-sqlite-thread-"));
  });
  afterAll(async () => {
    await test?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("reports SQLite's own error message and code", async () => {
    const error = await getDb()
      .insertInto("audit_outcomes")
      .values({ entry_id: "no-such-entry", finished_at: "2026-11-27T00:00:00.000Z", status: "written", error: null, after_json: null })
      .execute()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/FOREIGN KEY constraint failed/);
    expect((error as { code?: string }).code).toBe("SQLITE_CONSTRAINT_FOREIGNKEY");
  });

  it("keeps statements in the order they were sent, reads and writes alike", async () => {
    await getDb().deleteFrom("sign_in_failures").execute();
    const seen = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? getDb().insertInto("sign_in_failures").values(failure(`order-${String(i).padStart(2, "0")}`)).execute().then(() => -1) : failureIds().then((ids) => ids.length),
      ),
    );
    // Each read sees exactly the inserts sent before it.
    expect(seen.filter((count) => count >= 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("refuses a value that cannot be sent to the thread, and goes on working", async () => {
    const notSendable = { ...failure("not-sendable"), key: new WeakMap() as unknown as string };
    await expect(getDb().insertInto("sign_in_failures").values(notSendable).execute()).rejects.toThrow(/could not be cloned/);
    expect(await getDb().selectFrom("sign_in_failures").select("id").where("id", "=", "not-sendable").execute()).toEqual([]);
  });

  it("fails to open a file it cannot use, with SQLite's reason", async () => {
    await expect(openDatabase({ kind: "sqlite", file: scratch })).rejects.toThrow(/migration .* failed: .*(directory|unable to open)/i);
  });

  it("does not keep a script alive that never closes its database, even after a refused statement", async () => {
    const script = path.join(scratch, "forgets-to-close.mts");
    writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(path.join(root, "app/db/db.server.ts"))};
const database = await openDatabase({ kind: "sqlite", file: ${JSON.stringify(path.join(scratch, "script.sqlite"))} });
// A value refused before it reaches the thread must not leave anything waiting either.
await database.db.insertInto("sign_in_failures").values({ id: "x", key: new WeakMap() as never, at: "now" }).execute().catch(() => {});
const rows = await database.db.selectFrom("sign_in_failures").selectAll().execute();
console.log("rows", rows.length);
`,
    );
    const { stdout } = await run(process.execPath, ["--import", "tsx", script], { cwd: root, timeout: 20_000 });
    expect(stdout.trim()).toBe("rows 0");
  });
});
