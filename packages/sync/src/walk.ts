import { lstatSync, readdirSync, realpathSync, type Stats, statSync } from "node:fs";
import { basename, resolve, sep } from "node:path";
import { displayPath } from "./display-path.js";
import { patternMatcher } from "./patterns.js";

/** One file found under a scanned root, or a path that could not be taken as a file. */
export interface WalkEntry {
  /**
   * The path as the file system knows it: its bytes, one character per byte (latin1), since names need not be valid
   * UTF-8. A string rather than a Buffer: 100,000 small Buffers cost a heap object and a malloc each.
   * `pathBytes` turns it back into bytes for a file system call.
   */
  path: string;
  /** The path for humans, reports and the state store (the same string as `path` when that is ASCII). */
  display: string;
  /** The root argument this entry was found under. */
  root: string;
  /** Path relative to its root, with `/` separators (what `--map` keys and globs match). */
  relative: string;
  /** A regular file's identity and change times (after following an allowed symlink): the file cache's key. */
  stats: FileStats | null;
  /** Why this path is not a readable regular file (always `unreadable`). */
  problem: string | null;
}

/**
 * What the file cache compares: size and mtime, which `cp -p`, `tar x` or `touch -r` can set back, and the inode and
 * ctime, which no user can: a file rewritten in place or swapped in keeps neither.
 */
export interface FileStats {
  size: number;
  mtimeMs: number;
  ino: number;
  ctimeMs: number;
}

export interface WalkOptions {
  include?: string[] | undefined;
  exclude?: string[] | undefined;
}

/** A walked path's bytes, for a file system call. */
export function pathBytes(path: string): Buffer {
  return Buffer.from(path, "latin1");
}

/**
 * Whether a walk of `roots` reaches a path (a walk's path): the path is a root or lies below one. Such a path that
 * the walk did not return is gone, or left out by the globs.
 */
export function underRoots(roots: string[]): (path: string) => boolean {
  const prefixes = roots.map((root) =>
    Buffer.from(root)
      .toString("latin1")
      .replace(/(.)\/+$/, "$1"),
  );
  return (path) => prefixes.some((p) => path === p || path.startsWith(p.endsWith(sep) ? p : p + sep));
}

/** A walked path for humans: the path itself when it is ASCII (no copy), else its UTF-8 rendering. */
function display(path: string): string {
  return NON_ASCII.test(path) ? displayPath(pathBytes(path)) : path;
}

/** A walked path holds characters up to \xff only: one above \x7f is a byte that is not ASCII. */
const NON_ASCII = /[\x80-\xff]/;

/**
 * Walks files and folders recursively and returns every file in sorted path order (bytewise, so the order does
 * not depend on the locale). Symlinks are followed only while their target stays inside a scanned root; a
 * directory is entered once, so symlink loops end. FIFOs, sockets and devices are returned with a problem
 * instead of being opened (opening a FIFO would block the batch). Entries named `..…` are not walked. The calls are synchronous on purpose: nothing
 * else runs during the walk, and a sync lstat costs a fraction of a thread-pool round trip (100,000 files).
 */
export async function walk(roots: string[], options: WalkOptions = {}): Promise<WalkEntry[]> {
  const include = options.include?.length ? patternMatcher(options.include) : null;
  const exclude = options.exclude?.length ? patternMatcher(options.exclude) : null;
  const realRoots = roots.map(realpathOrResolved);
  // Roots are given as text (UTF-8); walked paths are kept as their bytes.
  const rootPaths = new Map(roots.map((root) => [root, Buffer.from(root).toString("latin1")]));
  const entries: WalkEntry[] = [];
  const visitedDirectories = new Set<string>();

  const insideRoots = (real: string) =>
    realRoots.some((root) => real === root || real.startsWith(root + sep));

  const keep = (relative: string) => (!include || include(relative)) && !exclude?.(relative);

  const add = (root: string, path: string, relative: string, stats: Stats | null, problem: string | null) => {
    // A file named as a root is always taken, whatever the globs say.
    if (relative !== basename(root) || path !== rootPaths.get(root)) {
      if (!keep(relative)) return;
    }
    // Only four numbers of the Stats are kept: a walk of 100,000 files must not hold 100,000 Stats objects.
    const kept = stats
      ? { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, ctimeMs: stats.ctimeMs }
      : null;
    entries.push({ path, display: display(path), root, relative, stats: kept, problem });
  };

  const visit = (root: string, path: string, relative: string): void => {
    const bytes = pathBytes(path);
    let linkStats: Stats;
    try {
      linkStats = lstatSync(bytes);
    } catch (error) {
      add(root, path, relative, null, describe(error));
      return;
    }
    let stats = linkStats;
    if (linkStats.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(bytes, "utf8");
        stats = statSync(bytes);
      } catch (error) {
        add(root, path, relative, null, `broken symbolic link: ${describe(error)}`);
        return;
      }
      if (!insideRoots(target)) {
        add(root, path, relative, null, "symbolic link leads outside the scanned folders; not followed");
        return;
      }
    }
    if (stats.isDirectory()) {
      const identity = `${stats.dev}:${stats.ino}`;
      if (visitedDirectories.has(identity)) return;
      visitedDirectories.add(identity);
      let names: string[];
      try {
        names = readdirSync(bytes, { encoding: "latin1" });
      } catch (error) {
        add(root, path, relative, null, describe(error));
        return;
      }
      for (const name of names) {
        // `..data`, `..2024_…`: Kubernetes' ConfigMap/Secret volumes keep a hidden copy of every file there.
        if (name.startsWith("..")) continue;
        const childRelative = relative === "" ? display(name) : `${relative}/${display(name)}`;
        visit(root, `${path}${sep}${name}`, childRelative);
      }
      return;
    }
    if (stats.isFile()) add(root, path, relative, stats, null);
    else add(root, path, relative, null, `not a regular file (${fileKind(stats)})`);
  };

  for (const root of roots) {
    const path = rootPaths.get(root)!;
    if (statOrNull(root)?.isDirectory()) visit(root, path.length > 1 ? path.replace(/\/+$/, "") : path, "");
    else visit(root, path, basename(root));
  }
  // One character per byte, so comparing the strings compares the bytes.
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function realpathOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return "FIFO";
  if (stats.isSocket()) return "socket";
  if (stats.isCharacterDevice()) return "character device";
  if (stats.isBlockDevice()) return "block device";
  return "unknown type";
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENOENT: "no such file",
    ELOOP: "too many levels of symbolic links",
    EIO: "input/output error",
  };
  return (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
}
