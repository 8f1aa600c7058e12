// `npm run core -- --port <p> [--api-key <k>] [--empty] [--db <file>] [--seed <n>]
//   [--service-time-ms <ms> [--workers <n>]] [--contention-limit <k>] [--control]`
// The last three make it behave like a loaded real core (local-core/faults.ts); they can also be
// changed at run time with PUT /_local-core/faults (served only with --control: tests and benchmarks).
// Serves the local core on 127.0.0.1:<p>; seeds demo data (through the real SDK) unless --empty
// or the store already holds users. Prints a line with the URL once ready.
// --unlicensed: answer as a real core without a licence key (402 to tenants other than public,
// account linking; local-core/licence.ts) and seed only what such a core can hold (public tenant).

import { parseArgs } from "node:util";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { faultConfigFromEnv, parseFaultConfig, type FaultConfig } from "./faults.js";
import { startLocalCore } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3567" },
    host: { type: "string", default: "127.0.0.1" },
    "api-key": { type: "string" },
    empty: { type: "boolean", default: false },
    db: { type: "string" },
    seed: { type: "string", default: "1" },
    unlicensed: { type: "boolean", default: false },
    "service-time-ms": { type: "string" },
    workers: { type: "string" },
    "contention-limit": { type: "string" },
    // Serve /_local-core/* (faults, clock, stats) for tests and benchmarks; also LOCAL_CORE_CONTROL=true.
    control: { type: "boolean", default: false },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer 0..65535, got "${values.port}"`);
  process.exit(2);
}
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error(`--seed must be an integer, got "${values.seed}"`);
  process.exit(2);
}
let faults: FaultConfig | undefined;
try {
  faults = faultConfigFromEnv();
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const fromFlags = {
    serviceTimeMs: number(values["service-time-ms"]),
    workers: number(values.workers),
    contentionLimit: number(values["contention-limit"]),
  };
  if (Object.values(fromFlags).some((value) => value !== undefined)) {
    faults = parseFaultConfig({ ...(faults ?? {}), ...Object.fromEntries(Object.entries(fromFlags).filter(([, value]) => value !== undefined)) });
  }
} catch (e) {
  console.error(`Could not read the load settings: ${(e as Error).message.replace("serviceTimeMs", "--service-time-ms").replace("workers", "--workers").replace("contentionLimit", "--contention-limit")}`);
  process.exit(2);
}
if (values.db && values.db !== ":memory:") mkdirSync(dirname(values.db), { recursive: true });

let core: Awaited<ReturnType<typeof startLocalCore>>;
try {
  core = await startLocalCore({
    port,
    host: values.host,
    apiKey: values["api-key"],
    dbPath: values.db ?? ":memory:",
    unlicensed: values.unlicensed,
    faults,
    controlEndpoints: values.control || process.env.LOCAL_CORE_CONTROL === "true",
  });
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "EADDRINUSE") console.error(`Port ${port} on ${values.host} is already in use; pick another with --port.`);
  else console.error(`Could not start the local core: ${err.message}`);
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`Received ${signal}, stopping the local core…`);
  await core.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

if (!values.empty && !core.isEmpty()) {
  console.log("[seed] the store already has users: not seeding");
}
if (!values.empty && core.isEmpty()) {
  const { seedDemoData } = await import("./seed.js");
  const started = Date.now();
  const result = await seedDemoData({
    connectionURI: core.url,
    apiKey: values["api-key"],
    seed,
    unlicensed: values.unlicensed,
    log: (line) => console.log(`[seed] ${line}`),
  });
  console.log(
    `[seed] ${result.users} users, ${result.sessions} sessions over tenants ${result.tenants.join(", ")} in ${Date.now() - started} ms`,
  );
}

console.log(
  `Local SuperTokens core ready at ${core.url}${values.db ? ` (db ${values.db})` : " (in-memory)"}${values.unlicensed ? ", unlicensed (paid features answer 402)" : ""}`,
);
