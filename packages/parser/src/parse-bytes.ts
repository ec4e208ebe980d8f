import { readContainer } from "./container.js";
import { ParseError } from "./parse-error.js";
import { failedFile } from "./parsed-file.js";
import { readSignedBytes } from "./signed/read-artefact.js";
import type { ParsedFile, ParseOptions } from "./types.js";
import { judgeCertificates } from "./verdict.js";

/** The default `too_large` limit: far above any real certificate file, low enough to bound memory. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** Why a file of `size` bytes is not parsed at all (empty, or above the limit), else null. */
export function sizeError(size: number, options: ParseOptions): ParseError | null {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (size === 0) return new ParseError("empty_file", "the file is empty");
  if (size > maxFileSize)
    return new ParseError("too_large", `the file is ${size} bytes; the limit is ${maxFileSize}`);
  return null;
}

/** Parses bytes already in memory and applies the per-file verdicts; bad input never throws. */
export function parseBytes(bytes: Uint8Array, path: string, options: ParseOptions = {}): ParsedFile {
  const problem = sizeError(bytes.length, options);
  if (problem) return failedFile(path, problem);
  const signed = readSignedBytes(bytes, path, options);
  if (signed) return signed;
  let contents: ReturnType<typeof readContainer>;
  let certificates: ParsedFile["certificates"];
  try {
    contents = readContainer(bytes, options.password);
    certificates = judgeCertificates(
      contents.certificates,
      contents.keyPublicKeys,
      options.now ?? new Date(),
    );
  } catch (error) {
    // Decoder bugs surface as `malformed` for this file rather than ending the batch.
    const message = error instanceof Error ? error.message : String(error);
    return failedFile(path, new ParseError("malformed", `could not decode: ${message}`));
  }
  const { error, warning } = contents;
  return {
    path,
    format: contents.format,
    error: error ? { code: error.code, message: error.message } : null,
    certificates,
    ...(warning ? { warning } : {}),
  };
}
