/**
 * What can be tested of the image without Docker (which cannot run on these machines): its start command
 * is the `npm start` the tests run, it runs as a non-root user from Node 20 slim in two stages, and its
 * HEALTHCHECK command, run as the image runs it against a server started as the image starts it, passes
 * while the server is up and fails once it is gone. The compose file's databases match its init script.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** Dockerfile instructions with their continuation lines joined, comments dropped. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

const dockerfile = instructions(read("Dockerfile"));
const finalStage = dockerfile.slice(dockerfile.map((line) => line.startsWith("FROM ")).lastIndexOf(true));
const healthcheck = JSON.parse(/^HEALTHCHECK .*?CMD (\[.*\])$/.exec(finalStage.find((line) => line.startsWith("HEALTHCHECK "))!)![1]!) as string[];
const imageEnv = Object.fromEntries(
  finalStage
    .filter((line) => line.startsWith("ENV "))
    .flatMap((line) => [...line.slice(4).matchAll(/(\w+)=(\S+)/g)].map((match) => [match[1]!, match[2]!])),
);

let server: ServerProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("the Docker image", () => {
  it("is multi-stage on node:20-slim, runs as a non-root user, and its CMD is the `npm start` the tests run", () => {
    const froms = dockerfile.filter((line) => line.startsWith("FROM "));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:20-slim\b/);
    expect(finalStage.find((line) => line.startsWith("USER "))).toBe("USER node");
    expect(JSON.parse(finalStage.find((line) => line.startsWith("CMD "))!.slice(4))).toEqual(["npm", "start"]);
    expect((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start).toBe("node scripts/start.mjs");
    // tests/helpers/server-process.ts, which every test of a real start uses, runs that same file.
    expect(read("tests/helpers/server-process.ts")).toContain('spawn(process.execPath, [path.join(root, "scripts", "start.mjs")]');
    expect(imageEnv).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0" });
    expect(healthcheck.slice(0, 2)).toEqual(["node", "-e"]);
    expect(healthcheck[2]).toContain("/healthz");
  });

  it("its HEALTHCHECK command passes against a server started as the image starts it, and fails when it is gone", async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "session-desk-image-"));
    server = await startServerProcess({ dataDir, env: { ...imageEnv, DATA_DIR: dataDir, PORT: "0" } });
    const port = new URL(server.baseUrl).port;
    const check = () => spawnSync(healthcheck[0] === "node" ? process.execPath : healthcheck[0]!, healthcheck.slice(1), { env: { ...process.env, PORT: port }, timeout: 10_000 });
    expect(check().status).toBe(0);
    await server.stop();
    expect(check().status).toBe(1);
  });

  it("compose: the official core image on PostgreSQL; Session Desk's store in its own database, made by the init script", () => {
    const compose = read("compose.yaml");
    expect(compose).toContain("image: registry.supertokens.io/supertokens/supertokens-postgresql");
    expect(compose).toMatch(/POSTGRESQL_CONNECTION_URI: postgresql:\/\/supertokens:.*@postgres:5432\/supertokens\n/);
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/session_desk:.*@postgres:5432\/session_desk\n/);
    expect(compose).toContain("./docker/postgres-init:/docker-entrypoint-initdb.d");
    expect(compose).toMatch(/^\s+build: \.$/m);
    const init = read("docker/postgres-init/10-session-desk-database.sh");
    expect(init).toContain("CREATE DATABASE session_desk OWNER session_desk;");
    expect(statSync(path.join(root, "docker/postgres-init/10-session-desk-database.sh")).mode & 0o111).not.toBe(0);
    const ignored = read(".dockerignore").split("\n");
    for (const entry of [".env", "data", "node_modules", ".git"]) expect(ignored).toContain(entry);
  });
});
