import { randomUUID } from "node:crypto";
import { closeSync, constants, openSync, renameSync, rmSync, writeFileSync } from "node:fs";

/**
 * Replaces a file's content through a temporary file created exclusively under an unpredictable name and never
 * through a symlink, then renamed: nobody who can write to the folder can make the write land elsewhere, and a crash
 * mid-write never leaves a truncated file.
 */
export function replaceFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const fd = openSync(
    temporary,
    constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
