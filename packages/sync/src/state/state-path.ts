import { accessSync, constants, existsSync, mkdirSync, realpathSync, type Stats, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** The state store cannot be used as given (not a regular file, folder not writable, not ours): exit 2, nothing done. */
export class StateStoreError extends Error {
  override readonly name = "StateStoreError";
}

/**
 * The state store's real path: its folder is created (0700) and resolved, and so is the file when it exists, so
 * that a second name for the same store (a symlink to it or to its folder) takes the same lock. Refuses a path that
 * is not a regular file, and a folder this process cannot write (SQLite needs its WAL beside the store).
 */
export function resolveStatePath(path: string): string {
  const folder = dirname(resolve(path));
  try {
    makeFolder(folder);
  } catch (error) {
    throw new StateStoreError(`--state ${path}: cannot create the folder ${folder}: ${inWords(error)}`);
  }
  const stats = statOrNull(path);
  if (stats && !stats.isFile()) {
    throw new StateStoreError(
      `--state ${path}: not a regular file (${kindOf(stats)}); name a file for the store`,
    );
  }
  const real = stats ? realpathSync(path) : join(realpathSync(folder), basename(path));
  try {
    accessSync(dirname(real), constants.W_OK);
  } catch (error) {
    throw new StateStoreError(
      `--state ${path}: the folder ${dirname(real)} is not writable: ${inWords(error)}`,
    );
  }
  return real;
}

/**
 * Creates the folder and its missing parents one level at a time: Node 20's recursive mkdir never returns under
 * `/proc`, where this fails at once instead.
 */
function makeFolder(folder: string): void {
  const missing: string[] = [];
  for (let at = folder; !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.unshift(at);
  for (const path of missing) mkdirSync(path, { mode: 0o700 });
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new StateStoreError(`--state ${path}: ${inWords(error)}`);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  ENOTDIR: "a part of the path is not a folder",
  ELOOP: "too many levels of symbolic links",
  ENOENT: "no such file or folder",
};

/** An OS error in words, with its code: `read-only file system (EROFS)`. */
export function inWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words = code ? ERRNO_WORDS[code] : undefined;
  if (words) return `${words} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
