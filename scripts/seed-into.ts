// Seeds demo data into a running core through the real SDK: `tsx scripts/seed-into.ts --uri <url> [--api-key k] [--seed n] [--unlicensed]`.
// --unlicensed: only what a core without a licence key can hold (public tenant, nothing linked).
import { parseArgs } from "node:util";
import { seedDemoData } from "../local-core/seed";

const { values } = parseArgs({ options: { uri: { type: "string" }, "api-key": { type: "string" }, seed: { type: "string", default: "1" }, unlicensed: { type: "boolean", default: false } } });
if (!values.uri) {
  console.error("usage: seed-into --uri http://127.0.0.1:<port> [--api-key <key>] [--seed <n>]");
  process.exit(2);
}
// SEED_API_KEY: the key without putting it on the command line (where `ps` shows it to other users).
const result = await seedDemoData({ connectionURI: values.uri, apiKey: values["api-key"] ?? (process.env.SEED_API_KEY || undefined), seed: Number(values.seed), unlicensed: values.unlicensed, log: (line) => console.log(line) });
console.log(`Seeded ${result.users} users and ${result.sessions} sessions over tenants ${result.tenants.join(", ")}.`);
process.exit(0);
