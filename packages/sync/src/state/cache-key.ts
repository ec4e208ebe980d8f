import { createHash, scryptSync } from "node:crypto";
import type { PfxPasswords } from "@intune-codesign/parser";
import type { FileStats } from "../walk.js";
import type { CachedFile } from "./store.js";

/**
 * The key of the options a parse depends on: the size limits and the PKCS#12 passwords in the order they are tried,
 * so that a fixed password or a raised limit parses the files again. Each password enters only through scrypt with
 * this tool's salt, and the key keeps 64 bits of a digest of those: the store holds nothing a password could cheaply
 * be guessed back from.
 */
export function parseOptionsKey(options: {
  password: PfxPasswords;
  maxFileSize: number;
  maxSignedFileSize?: number | undefined;
}): string {
  const given = options.password === undefined ? [] : [options.password].flat();
  const passwords = given.map((password) =>
    scryptSync(password, "intune-codesign file cache", 32).toString("hex"),
  );
  return createHash("sha256")
    .update(
      JSON.stringify({
        maxFileSize: options.maxFileSize,
        maxSignedFileSize: options.maxSignedFileSize ?? null,
        passwords,
      }),
    )
    .digest("hex")
    .slice(0, 16);
}

/** The cached parse if it still holds: the same size, mtime, inode and ctime, and the same options' key. */
export function stillValid(
  cached: CachedFile | null,
  stats: FileStats | null,
  options: string,
): CachedFile | null {
  if (cached === null || stats === null || cached.options !== options) return null;
  const same =
    cached.size === stats.size &&
    cached.mtimeMs === stats.mtimeMs &&
    cached.ino === stats.ino &&
    cached.ctimeMs === stats.ctimeMs;
  return same ? cached : null;
}
