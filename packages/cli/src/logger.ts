import { printable } from "@intune-codesign/sync/printable";
import { REDACT_PATHS } from "@intune-codesign/uploader";
import { type Logger, pino } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "./options.js";

/** A JSON log line with every string in it made printable, for the pretty (terminal) form only. */
function printableLine(line: string): string {
  return `${JSON.stringify(JSON.parse(line), (_key, value) => (typeof value === "string" ? printable(value) : value))}\n`;
}

/**
 * The process's one logger: JSON lines on stderr (results own stdout), pretty only when stderr is a terminal.
 * Secret paths are redacted whatever the level.
 */
export function createLogger(level: LogLevel): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: { pid: process.pid },
  };
  if (process.stderr.isTTY) {
    const terminal = pretty({ destination: 2, colorize: !process.env.NO_COLOR, sync: true });
    return pino(options, { write: (line: string) => terminal.write(printableLine(line)) });
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}
