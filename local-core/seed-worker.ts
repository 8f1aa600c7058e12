// Child process used by seedDemoData when the calling process already initialised the
// SuperTokens SDK differently (it is a singleton): here the SDK is initialised fresh.
// Input via env (SEED_CONNECTION_URI, SEED_API_KEY, SEED_NUMBER, SEED_UNLICENSED); result on a "__SEED_RESULT__" line.

import { seedDemoData } from "./seed.js";

const connectionURI = process.env.SEED_CONNECTION_URI;
if (!connectionURI) {
  console.error("SEED_CONNECTION_URI is required");
  process.exit(2);
}
const result = await seedDemoData({
  connectionURI,
  apiKey: process.env.SEED_API_KEY || undefined,
  seed: Number(process.env.SEED_NUMBER ?? "1"),
  unlicensed: process.env.SEED_UNLICENSED === "true",
  log: (line) => console.log(line),
});
console.log(`__SEED_RESULT__ ${JSON.stringify(result)}`);
process.exit(0);
