// `npm run build`, second half: compiles the server (server/), the bundled core (local-core/) and the
// server-side CLIs to plain JavaScript in build/server/, so `npm start` runs node alone (no tsx, no
// esbuild at run time). esbuild is already installed for the Remix build. Packages stay in node_modules
// (imported at run time); our own TypeScript, app/ modules the server imports included, is bundled.
//
// Several processes may start at once with a stale build (test files in parallel): each compiles into a
// folder of its own and renames the files into place, so none ever sees a half-written file.
import { build } from "esbuild";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SERVER_ENTRIES = {
  index: "server/index.ts",
  "seed-into": "scripts/seed-into.ts",
  staff: "scripts/staff.ts",
};

/**
 * The specifier node's ESM loader will find: bundlers accept a deep import without its extension
 * ("ajv/dist/2020"), node does not ("ajv/dist/2020.js").
 */
function runtimeSpecifier(specifier) {
  const resolves = (candidate) => {
    try {
      const url = import.meta.resolve(candidate);
      return !url.startsWith("file:") || existsSync(fileURLToPath(url));
    } catch {
      return false;
    }
  };
  if (resolves(specifier)) return specifier;
  for (const extension of [".js", ".cjs", ".mjs", "/index.js"]) if (resolves(specifier + extension)) return specifier + extension;
  return specifier;
}

export async function buildServer({ quiet = false } = {}) {
  const outdir = path.join(root, "build", "server");
  const scratch = path.join(root, "build", `.server-${process.pid}-${Date.now()}`);
  try {
    await build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(SERVER_ENTRIES).map(([name, file]) => [name, path.join(root, file)])),
      outdir: scratch,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // Every package (and node: built-in) is imported at run time from node_modules; only our own files
      // (relative, and "~/…" for app/, resolved through tsconfig's paths) are bundled.
      plugins: [{ name: "packages-external", setup: (b) => b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("~/") ? undefined : { path: runtimeSpecifier(args.path), external: true })) }],
      sourcemap: "linked",
      tsconfig: path.join(root, "tsconfig.json"),
      logLevel: quiet ? "warning" : "info",
    });
    mkdirSync(outdir, { recursive: true });
    // Source maps first, entry files last: a process that sees the new index.js finds its map.
    const files = readdirSync(scratch).sort((a, b) => Number(a.endsWith(".js")) - Number(b.endsWith(".js")));
    for (const file of files) renameSync(path.join(scratch, file), path.join(outdir, file));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildServer();
}
