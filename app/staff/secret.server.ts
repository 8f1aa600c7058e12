/**
 * The secret that signs the staff session cookie. SESSION_SECRET when set (required in production with a
 * real core: config.server.ts enforces it). Otherwise — demo mode, development — one is generated on
 * first start and kept in the data folder, so sign-ins survive a restart without any setup.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getConfig } from "~/config.server";

const FILE_NAME = "session-secret";

function holder(): { secret?: string } {
  const store = globalThis as unknown as { __sessionDeskSecret?: { secret?: string } };
  store.__sessionDeskSecret ??= {};
  return store.__sessionDeskSecret;
}

/** Reads (or creates) the secret for this data folder; called at start-up so the file exists before traffic. */
export function loadSessionSecret(dataDir: string): string {
  const configured = getConfig().SESSION_SECRET;
  const secret = configured ?? readOrCreateSecretFile(path.join(dataDir, FILE_NAME));
  holder().secret = secret;
  return secret;
}

export function getSessionSecret(): string {
  return holder().secret ?? loadSessionSecret(path.resolve(process.cwd(), getConfig().DATA_DIR));
}

function readOrCreateSecretFile(file: string): string {
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    // "wx": if another process wrote it a moment ago, keep theirs.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
}
