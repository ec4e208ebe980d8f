import { readContainer } from "./container.js";
import { ParseError } from "./parse-error.js";
import type { ParsedFile, ParseOptions } from "./types.js";
import { judgeCertificates } from "./verdict.js";

/** The default `too_large` limit: far above any real certificate file, low enough to bound memory. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** A ParsedFile carrying only an error. */
export function failedFile(path: string, error: ParseError): ParsedFile {
  return { path, format: null, error: { code: error.code, message: error.message }, certificates: [] };
}

/** Parses bytes already in memory and applies the per-file verdicts; bad input never throws. */
export function parseBytes(bytes: Uint8Array, path: string, options: ParseOptions = {}): ParsedFile {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (bytes.length === 0) return failedFile(path, new ParseError("empty_file", "the file is empty"));
  if (bytes.length > maxFileSize) {
    return failedFile(
      path,
      new ParseError("too_large", `the file is ${bytes.length} bytes; the limit is ${maxFileSize}`),
    );
  }
  let contents: ReturnType<typeof readContainer>;
  try {
    contents = readContainer(bytes, options.password);
  } catch (error) {
    // Decoder bugs surface as `malformed` for this file rather than ending the batch.
    const message = error instanceof Error ? error.message : String(error);
    return failedFile(path, new ParseError("malformed", `could not decode: ${message}`));
  }
  let certificates: ParsedFile["certificates"];
  try {
    certificates = judgeCertificates(
      contents.certificates,
      contents.keyPublicKeys,
      options.now ?? new Date(),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failedFile(path, new ParseError("malformed", `could not decode: ${message}`));
  }
  const { error } = contents;
  return {
    path,
    format: contents.format,
    error: error ? { code: error.code, message: error.message } : null,
    certificates,
  };
}
