import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { lstat, readFile, stat } from "node:fs/promises";
import { failedFile, parseBytes, sizeError } from "./parse-bytes.js";
import { ParseError } from "./parse-error.js";
import type { FilePath, ParsedFile, ParseOptions } from "./types.js";

/** Why a file cannot be read, checked before reading it: reading a FIFO would block the batch. */
function sizeProblem(stats: Stats, options: ParseOptions): ParseError | null {
  if (!stats.isFile()) {
    const kind = stats.isDirectory() ? "a directory" : stats.isFIFO() ? "a FIFO" : "a special file";
    return new ParseError("unreadable", `cannot read: not a regular file (${kind})`);
  }
  return sizeError(stats.size, options);
}

function ioError(error: unknown): ParseError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOENT" ? "no such file" : code;
  return new ParseError("unreadable", `cannot read: ${reason ?? String(error)}`);
}

/** The path as Node's fs takes it (a byte path crosses worker threads as a plain Uint8Array). */
function fsPath(path: FilePath): string | Buffer {
  return typeof path === "string" ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength);
}

/** The path as reports show it: invalid UTF-8 in a byte path becomes U+FFFD. */
export function shownPath(path: FilePath): string {
  return typeof path === "string" ? path : Buffer.from(path).toString("utf8");
}

/**
 * Reads and parses one file synchronously (what each pool worker runs), with one open, one fstat and one read:
 * at 100,000 files the separate lstat/stat/readFile calls cost more than parsing. The open is non-blocking, so a
 * FIFO is refused by the fstat instead of blocking the worker; callers that must not even open special files
 * (devices) refuse them first, as the CLI's walk does.
 */
export function parseFileSync(path: FilePath, options: ParseOptions = {}): ParsedFile {
  let bytes: Uint8Array;
  let fd: number | undefined;
  try {
    fd = openSync(fsPath(path), constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    const problem = sizeProblem(stats, options);
    if (problem) return failedFile(shownPath(path), problem);
    const buffer = Buffer.allocUnsafe(stats.size);
    let length = 0;
    // A file that shrank since the fstat yields what is left; one that grew is read up to the size checked.
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    bytes = buffer.subarray(0, length);
  } catch (error) {
    return failedFile(shownPath(path), ioError(error));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return parseBytes(bytes, shownPath(path), options);
}

/** Reads (after a type and size check) and parses one file; never rejects for bad input. */
export async function parseFile(path: FilePath, options: ParseOptions = {}): Promise<ParsedFile> {
  let bytes: Uint8Array;
  try {
    const linkStats = await lstat(fsPath(path));
    const problem = sizeProblem(linkStats.isSymbolicLink() ? await stat(fsPath(path)) : linkStats, options);
    if (problem) return failedFile(shownPath(path), problem);
    bytes = await readFile(fsPath(path));
  } catch (error) {
    return failedFile(shownPath(path), ioError(error));
  }
  return parseBytes(bytes, shownPath(path), options);
}
