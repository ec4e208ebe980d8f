import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import { parseBytes, sizeError } from "./parse-bytes.js";
import { ParseError } from "./parse-error.js";
import { failedFile, shownPath } from "./parsed-file.js";
import { fileSource } from "./signed/byte-source.js";
import { HEAD_BYTES, headArtefact, readHeadArtefact } from "./signed/read-artefact.js";
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

/**
 * Reads and parses one file (what each pool worker runs), with one open, one fstat and as few reads as it takes:
 * at 100,000 files the separate lstat/stat/readFile calls cost more than parsing. The open is non-blocking, so a
 * FIFO is refused by the fstat instead of blocking the worker; callers that must not even open special files
 * (devices) refuse them first, as the CLI's walk does. A signed artefact recognised by its first bytes (PE, MSI,
 * MSIX, CAB) has its own size limit and only its headers and signature are read; MSIX alone is asynchronous.
 */
export function parseFileSync(path: FilePath, options: ParseOptions = {}): ParsedFile | Promise<ParsedFile> {
  let bytes: Uint8Array;
  let fd: number | undefined;
  try {
    fd = openSync(fsPath(path), constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size === 0) return failedFile(shownPath(path), sizeProblem(stats, options)!);
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, HEAD_BYTES));
    const head = buffer.subarray(0, readInto(fd, buffer, 0));
    const artefact = headArtefact(head);
    if (artefact !== null) {
      const parsed = readHeadArtefact(artefact, fileSource(fd, stats.size, head), shownPath(path), options);
      if (!(parsed instanceof Promise)) return parsed;
      const open = fd;
      fd = undefined;
      return parsed.finally(() => closeSync(open));
    }
    const problem = sizeProblem(stats, options);
    if (problem) return failedFile(shownPath(path), problem);
    // A file that shrank since the fstat yields what is left; one that grew is read up to the size checked.
    if (head.length < HEAD_BYTES || head.length === stats.size) bytes = head;
    else {
      const whole = Buffer.allocUnsafe(stats.size);
      whole.set(head);
      bytes = whole.subarray(0, readInto(fd, whole, head.length));
    }
  } catch (error) {
    return failedFile(shownPath(path), ioError(error));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return parseBytes(bytes, shownPath(path), options);
}

/** Fills `buffer` from the file's current position starting at `from`; returns the length read. */
function readInto(fd: number, buffer: Buffer, from: number): number {
  let length = from;
  for (let read = -1; read !== 0 && length < buffer.length; length += read) {
    read = readSync(fd, buffer, length, buffer.length - length, null);
  }
  return length;
}

/** Reads (after a type check) and parses one file; never rejects for bad input. */
export async function parseFile(path: FilePath, options: ParseOptions = {}): Promise<ParsedFile> {
  try {
    const linkStats = await lstat(fsPath(path));
    const stats = linkStats.isSymbolicLink() ? await stat(fsPath(path)) : linkStats;
    if (!stats.isFile()) return failedFile(shownPath(path), sizeProblem(stats, options)!);
  } catch (error) {
    return failedFile(shownPath(path), ioError(error));
  }
  return parseFileSync(path, options);
}
