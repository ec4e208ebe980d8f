import type { ParseError } from "./parse-error.js";
import type { FilePath, ParsedFile } from "./types.js";

// Needs nothing of the parser: the pool imports these, and must not load the decoders into the main thread.

/** A ParsedFile carrying only an error. */
export function failedFile(path: string, error: ParseError): ParsedFile {
  return { path, format: null, error: { code: error.code, message: error.message }, certificates: [] };
}

/** The path as reports show it: invalid UTF-8 in a byte path becomes U+FFFD. */
export function shownPath(path: FilePath): string {
  return typeof path === "string" ? path : Buffer.from(path).toString("utf8");
}
