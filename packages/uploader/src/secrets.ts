import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { ConfigError } from "./config-error.js";

/** No secret, token or client certificate file is larger: anything past this is a mistake or an attack. */
export const MAX_SECRET_FILE_SIZE = 64 * 1024;

/**
 * Reads a secret-bearing file whole: a regular file of at most MAX_SECRET_FILE_SIZE bytes. It is opened without
 * blocking (a FIFO would otherwise hang the process where signals cannot stop it) and checked before it is read, so
 * a device (`/dev/zero`) cannot fill the memory.
 */
export function readSecretBytes(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    // The OS error rides along, so a caller with its own wording (the client certificate check) can say why.
    throw new ConfigError(`Cannot read secret file ${path} (${code}).`, { cause: error });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new ConfigError(
        `Secret file ${path} is not a regular file (${kindOf(stats)}); name a regular file.`,
      );
    }
    if (stats.size > MAX_SECRET_FILE_SIZE) {
      throw new ConfigError(
        `Secret file ${path} is ${stats.size} bytes, more than the ${MAX_SECRET_FILE_SIZE} a secret file may hold.`,
      );
    }
    // One byte past the cap tells a file that grew since fstat from one that did not.
    const buffer = Buffer.alloc(MAX_SECRET_FILE_SIZE + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_SECRET_FILE_SIZE) {
      throw new ConfigError(
        `Secret file ${path} holds more than the ${MAX_SECRET_FILE_SIZE} bytes a secret file may.`,
      );
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Reads a secret as `openssl -passin file:` does: the first line, without its LF or CRLF. */
export function readSecretFile(path: string): string {
  const text = readSecretBytes(path).toString("utf8");
  const newline = text.indexOf("\n");
  const line = newline === -1 ? text : text.slice(0, newline);
  const secret = line.endsWith("\r") ? line.slice(0, -1) : line;
  if (secret === "") throw new ConfigError(`Secret file ${path} is empty (its first line is blank).`);
  return secret;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isDirectory()) return "a folder";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}
