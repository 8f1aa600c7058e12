// Copies monaco's AMD build into public/monaco/vs so the editor loads from this app, never a CDN.
// monaco-editor has an exports map, so resolve its entry and walk up to the package folder.
import { cpSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let dir = dirname(require.resolve("monaco-editor"));
while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "min", "vs"))) {
  const parent = dirname(dir);
  if (parent === dir) throw new Error("monaco-editor's min/vs folder was not found; is monaco-editor installed?");
  dir = parent;
}
const target = join(root, "public", "monaco", "vs");
rmSync(target, { recursive: true, force: true });
cpSync(join(dir, "min", "vs"), target, { recursive: true });
console.log(`monaco copied to ${target}`);
