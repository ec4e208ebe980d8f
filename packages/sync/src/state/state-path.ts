import { accessSync, constants, realpathSync, type Stats, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { osErrorWords } from "../os-error.js";
import { createFolders, OutputPathError } from "../output-path.js";

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
    createFolders(folder, 0o700);
  } catch (error) {
    if (!(error instanceof OutputPathError)) throw error;
    throw new StateStoreError(`--state ${path}: ${error.message}`);
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
      `--state ${path}: the folder ${dirname(real)} is not writable: ${osErrorWords(error)}`,
    );
  }
  return real;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new StateStoreError(`--state ${path}: ${osErrorWords(error)}`);
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
