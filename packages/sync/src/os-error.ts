import { getSystemErrorMap } from "node:util";

/** OS errors an admin can cause and fix (permissions, read-only or full disks, paths through files or loops). */
const EXPECTED = new Set([
  "EACCES",
  "EPERM",
  "EROFS",
  "ENOSPC",
  "EDQUOT",
  "ENOTDIR",
  "EISDIR",
  "ELOOP",
  "ENOENT",
  "ENAMETOOLONG",
  "EEXIST",
  "EBUSY",
  "EIO",
]);

/** Whether an error is an OS error of the kinds above, worth one line rather than a stack trace. */
export function isExpectedOsError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && EXPECTED.has(code);
}

/** An OS error in words, as the C library says it: `permission denied (EACCES)`. */
export function osErrorWords(error: unknown): string {
  const { code, errno } = (error ?? {}) as NodeJS.ErrnoException;
  const words = typeof errno === "number" ? getSystemErrorMap().get(errno)?.[1] : undefined;
  if (words && code) return `${words} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
