import { createParserPool, type ParserPool } from "./parser-pool.js";
import type { FilePath, ParsedFile, ParseOptions } from "./types.js";

let shared: ParserPool | undefined;

/**
 * Reads and parses one file on a process-wide worker thread (started on first use, never holding the process open),
 * so that a costly PKCS#12 never blocks the caller's event loop and falls under the pool's watchdog and budget.
 */
export function parseFile(path: FilePath, options: ParseOptions = {}): Promise<ParsedFile> {
  shared ??= createParserPool({ threads: 1, unrefWhenIdle: true });
  return shared.parseFile(path, options);
}
