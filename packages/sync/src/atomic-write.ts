import { randomBytes } from "node:crypto";
import { closeSync, constants, fchmodSync, fsyncSync, openSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { NO_FOLLOW } from "./open-flags.js";
import { createFolders } from "./output-path.js";
import { renameReplacing } from "./rename-replacing.js";

/**
 * Writes a file atomically and durably: readers see the old content or the new, never half, and after a crash the
 * new name holds whole content. The temporary file is created exclusively under an unpredictable name, without
 * following symlinks, so that nobody who can write to the folder can plant a link that the write goes through.
 */
export function writeFileAtomic(path: string, content: string | Iterable<string>, mode: number): void {
  const folder = dirname(path);
  createFolders(folder);
  const temporary = join(folder, `.${basename(path)}.${randomBytes(12).toString("hex")}.tmp`);
  const fd = openSync(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | NO_FOLLOW, mode);
  try {
    try {
      // The umask may narrow the mode at creation; the file's readers are decided by the caller, not the umask.
      fchmodSync(fd, mode);
      for (const chunk of typeof content === "string" ? [content] : content) writeAll(fd, Buffer.from(chunk));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameReplacing(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(folder);
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

/**
 * Makes the rename itself durable: the new directory entry is on disk once the folder is synced. Windows cannot
 * fsync a folder (Node gets EPERM); NTFS journals the rename itself.
 */
function syncFolder(folder: string): void {
  if (process.platform === "win32") return;
  const fd = openSync(folder, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
