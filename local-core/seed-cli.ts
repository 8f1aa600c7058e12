// `tsx local-core/seed-cli.ts [--db <file>] [--seed <n>] [--api-key <k>]`
// Wipes the given SQLite store (default data/local-core.sqlite) and re-seeds it by starting a
// local core on it and running the demo seed through the real SDK. Signing keys are kept, so a
// core already serving that file keeps verifying tokens it issued.

import { parseArgs } from "node:util";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { startLocalCore } from "./index.js";
import { openStore, wipeStore } from "./store.js";
import { seedDemoData } from "./seed.js";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "data/local-core.sqlite" },
    seed: { type: "string", default: "1" },
    "api-key": { type: "string" },
  },
  strict: true,
});
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error(`--seed must be an integer, got "${values.seed}"`);
  process.exit(2);
}
const dbPath = values.db!;
mkdirSync(dirname(dbPath), { recursive: true });

const db = openStore(dbPath);
wipeStore(db);
db.close();

const apiKey = values["api-key"];
const core = await startLocalCore({ dbPath, apiKey });
try {
  const started = Date.now();
  const result = await seedDemoData({ connectionURI: core.url, apiKey, seed, log: (line) => console.log(`[seed] ${line}`) });
  console.log(
    `Seeded ${dbPath}: ${result.users} users, ${result.sessions} sessions over tenants ${result.tenants.join(", ")} (seed ${seed}, ${Date.now() - started} ms)`,
  );
} finally {
  await core.stop();
}
process.exit(0);
