import { randomBytes } from "node:crypto";
import { closeSync, constants, mkdirSync, openSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { NO_FOLLOW } from "./open-flags.js";
import { osErrorWords } from "./os-error.js";

/** An output path (state store, report, metrics file) that cannot be written; says what failed, where and why. */
export class OutputPathError extends Error {
  override readonly name = "OutputPathError";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Makes sure a file can be written at `path` before a run sends anything: its missing folders are created one at a
 * time (Node 20's recursive mkdir never returns under /proc), a file can be created beside it, and an existing file
 * can be opened for writing. Throws OutputPathError naming the path and the OS error in words.
 */
export function prepareOutputPath(path: string): void {
  const target = resolve(path);
  if (path.endsWith("/") || statOrNull(target)?.isDirectory()) {
    throw new OutputPathError(target, `${target} is a folder; name a file`);
  }
  const folder = dirname(target);
  createFolders(folder);
  attempt(target, `cannot create a file in ${folder}`, () => {
    const probe = join(folder, `.${basename(target)}.${randomBytes(6).toString("hex")}.probe`);
    closeSync(openSync(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | NO_FOLLOW));
    unlinkSync(probe);
  });
  if (statOrNull(target)) {
    attempt(target, `cannot open ${target} for writing`, () => closeSync(openSync(target, "r+")));
  }
}

/**
 * Creates a folder and its missing parents one level at a time, each with a plain mkdir (Node 20's recursive mkdir
 * never returns under /proc); the one way the tool makes folders. Throws OutputPathError saying which level failed.
 */
export function createFolders(folder: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let dir = folder; ; dir = dirname(dir)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(dir) === dir) {
        throw new OutputPathError(folder, `cannot use folder ${dir}: ${osErrorWords(error)}`);
      }
      missing.unshift(dir);
      continue;
    }
    if (!isDirectory)
      throw new OutputPathError(folder, `cannot create folder ${folder}: ${dir} is not a folder`);
    break;
  }
  for (const dir of missing) {
    attempt(dir, `cannot create folder ${dir}`, () => {
      try {
        mkdirSync(dir, mode);
      } catch (error) {
        // Another process made it meanwhile: as good as made.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    });
  }
}

function attempt(path: string, what: string, action: () => void): void {
  try {
    action();
  } catch (error) {
    throw new OutputPathError(path, `${what}: ${osErrorWords(error)}`);
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
