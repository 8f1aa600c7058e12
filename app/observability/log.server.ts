/**
 * Structured logs: one JSON object per line on stdout (pino), for a log shipper to collect; pretty and
 * coloured in development (pino-pretty, a dev dependency). LOG_LEVEL chooses how much.
 *
 * What may be logged is decided where a line is written, and it is little: ids, route templates, core
 * operations (method + path template), statuses, durations, counts. Never session data, cookies,
 * passwords, tokens, request bodies or full URLs (they carry user ids and session handles). `redact` below
 * is a second line of defence for a field someone adds later under one of the usual names.
 */
import pino, { type Logger } from "pino";
import { getConfig } from "~/config.server";
import { singleton } from "~/utils/singleton.server";
import { currentRequestContext } from "./request-context.server";

export type { Logger };

const REDACTED_KEYS = ["password", "cookie", "authorization", "token", "secret", "apiKey", "sessionData", "data", "body", "headers"];

export function createLogger(options: { level: string; pretty: boolean; destination?: pino.DestinationStream }): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    base: { service: "session-desk" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((key) => `*.${key}`)], censor: "[redacted]" },
    // Every line written on a request's async path carries its id, so a core call can be tied to its request.
    mixin() {
      const context = currentRequestContext();
      return context ? { requestId: context.requestId } : {};
    },
  };
  if (options.pretty) return pino({ ...settings, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname,service" } } });
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** The process's logger (one per process, shared by the server and the Remix build). */
export function logger(): Logger {
  return installLogger(getConfig());
}

/** Start-up: makes the process's logger from the configuration just parsed (before anything caches it). */
export function installLogger(config: { LOG_LEVEL: string; NODE_ENV: string }): Logger {
  return singleton("logger", () => createLogger({ level: config.LOG_LEVEL, pretty: config.NODE_ENV === "development" && prettyAvailable() }));
}

/** pino-pretty is a dev dependency: a production install without it still logs (as JSON). */
function prettyAvailable(): boolean {
  try {
    import.meta.resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}

/** An error's message only (no stack, no attached objects that could hold data), for a log line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
