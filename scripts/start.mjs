// `npm start`: build what is missing or older than its sources, then run the compiled server with node
// alone (build/server/index.js: no tsx or esbuild at run time).
//
// Two builds: the Remix app (build/index.js, public/build) and the server (build/server/, see
// build-server.mjs). A source tree absent (as in the Docker image, which ships only the build) is never
// "newer". SESSION_DESK_APP_BUILD=existing uses an existing Remix build however old (the tests, which
// build once per run); the server build is checked either way, as it is quick.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const appBuild = path.join(root, "build", "index.js");
const serverBuild = path.join(root, "build", "server", "index.js");

function newestMtime(target) {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function isStale(output, sources) {
  if (!existsSync(output)) return true;
  const present = sources.map((p) => path.join(root, p)).filter(existsSync);
  return present.length > 0 && Math.max(...present.map(newestMtime)) > statSync(output).mtimeMs;
}

const appSources = ["app", "remix.config.js", "tailwind.config.ts", "package.json"];
const serverSources = ["server", "local-core", "app", "scripts/seed-into.ts", "scripts/staff.ts", "scripts/build-server.mjs", "package.json", "tsconfig.json"];

const appStale = process.env.SESSION_DESK_APP_BUILD === "existing" ? !existsSync(appBuild) : isStale(appBuild, appSources);
if (appStale) {
  console.log("Building Session Desk…");
  execFileSync(process.execPath, [path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
}
if (isStale(serverBuild, serverSources)) {
  const { buildServer } = await import("./build-server.mjs");
  await buildServer({ quiet: true });
}

process.env.NODE_ENV ??= "production";
await import(pathToFileURL(serverBuild).href);
