import { printable } from "@intune-codesign/sync/printable";
import { REDACT_PATHS } from "@intune-codesign/uploader";
import { type DestinationStream, type Logger, pino } from "pino";
import { prettyFactory } from "pino-pretty";
import type { LogLevel } from "./options.js";
import type { TerminalProgress } from "./progress.js";

/** A JSON log line with every string in it made printable, for the pretty (terminal) form only. */
function printableLine(line: string): string {
  return `${JSON.stringify(JSON.parse(line), (_key, value) => (typeof value === "string" ? printable(value) : value))}\n`;
}

/**
 * The process's one logger: JSON lines on stderr (results own stdout), pretty only when stderr is a terminal, where
 * each line is written around the progress bar (cleared before, redrawn after). Secret paths are redacted whatever
 * the level.
 */
export function createLogger(level: LogLevel, progress?: TerminalProgress): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: { pid: process.pid },
  };
  if (process.stderr.isTTY) {
    const prettify = prettyFactory({ colorize: !process.env.NO_COLOR });
    const destination: DestinationStream = {
      write(line: string) {
        const text = prettify(printableLine(line));
        if (progress) progress.around(() => process.stderr.write(text));
        else process.stderr.write(text);
      },
    };
    return pino(options, destination);
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}
