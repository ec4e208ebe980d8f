import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** Who holds the lock, as far as the holder wrote it down (informational: the kernel lock is the truth). */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Another run holds the lock on the state store: this run did nothing. */
export class RunLockedError extends Error {
  override readonly name = "RunLockedError";
  constructor(
    readonly lockPath: string,
    /** The holder's note, null when it wrote none yet or it could not be read. */
    readonly holder: LockOwner | null,
  ) {
    const owner = holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.since})` : "";
    super(`another run holds the lock ${lockPath}${owner}; nothing done`);
  }
}

/**
 * One run at a time, held as an exclusive SQLite (fcntl) lock on a file beside the state store. The kernel drops
 * the lock when its process dies, however it dies (kill -9, OOM, reboot), so a dead run's lock is taken over at
 * once: no PID guessing and no staleness timeout, which mtime-based lock files (proper-lockfile) cannot avoid.
 */
export class RunLock {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  /** Takes the lock, or returns the current owner's note when another live process holds it. */
  static acquire(path: string): RunLock | { heldBy: LockOwner | null } {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const db = new Database(path, { timeout: 0 });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE");
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) return { heldBy: readOwner(path) };
      throw error;
    }
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeFileSync(`${path}.owner`, `${JSON.stringify(owner)}\n`);
    return new RunLock(db, path);
  }

  /** Releases the lock (also released by the kernel if the process dies first). */
  release(): void {
    if (!this.db.open) return;
    this.db.exec("ROLLBACK");
    this.db.close();
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(`${path}.owner`, "utf8")) as LockOwner;
  } catch {
    return null;
  }
}
