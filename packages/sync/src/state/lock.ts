import { closeSync, constants, openSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import * as v from "valibot";
import { writeFileAtomic } from "../atomic-write.js";
import { NO_FOLLOW } from "../open-flags.js";
import { createFolders } from "../output-path.js";

/** Who holds the lock, as far as the holder wrote it down (informational: the kernel lock is the truth). */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
  /** The holder's state store (real path), on the per-tenant lock: which run it is. */
  state?: string;
}

/** Another run holds a lock this run needs: this run did nothing. */
export class RunLockedError extends Error {
  override readonly name = "RunLockedError";
  constructor(
    readonly lockPath: string,
    /** The holder's note, null when it wrote none yet or it could not be read. */
    readonly holder: LockOwner | null,
    what = "another run holds the lock",
  ) {
    const state = holder?.state ? `, state store ${holder.state}` : "";
    const owner = holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.since}${state})` : "";
    super(`${what} ${lockPath}${owner}; nothing done`);
  }
}

/** How long taking a lock waits out another process's passing SQLite lock. */
const LOCK_RACE_MS = 250;

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
  static acquire(path: string, note: { state?: string } = {}): RunLock | { heldBy: LockOwner | null } {
    createFolders(dirname(path), 0o700);
    createPrivate(path);
    // A short busy wait: when two runs start together, the loser's passing SHARED lock would otherwise make the
    // winner's step to EXCLUSIVE fail too, and both would exit 4. A lock held by a run is held for its whole length,
    // so the loser still gets SQLITE_BUSY, after this wait.
    const db = new Database(path, { timeout: LOCK_RACE_MS });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE");
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) return { heldBy: readOwner(path) };
      throw error;
    }
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...note };
    // Written as every file of the tool is: a link planted at the name is replaced, never written through.
    writeFileAtomic(`${path}.owner`, `${JSON.stringify(owner)}\n`, 0o600);
    return new RunLock(db, path);
  }

  /** Releases the lock (also released by the kernel if the process dies first). */
  release(): void {
    if (!this.db.open) return;
    this.db.exec("ROLLBACK");
    this.db.close();
  }
}

/** Creates the lock file readable by its owner only (SQLite would create it 0644), never through a symlink. */
function createPrivate(path: string): void {
  closeSync(openSync(path, constants.O_CREAT | constants.O_RDWR | NO_FOLLOW, 0o600));
}

/** The owner note another process wrote: one torn, old or foreign reads as no note (an unknown owner). */
const LockOwnerSchema = v.object({
  pid: v.number(),
  host: v.string(),
  since: v.string(),
  state: v.exactOptional(v.string()),
});

function readOwner(path: string): LockOwner | null {
  try {
    const checked = v.safeParse(LockOwnerSchema, JSON.parse(readFileSync(`${path}.owner`, "utf8")));
    return checked.success ? checked.output : null;
  } catch {
    return null;
  }
}
