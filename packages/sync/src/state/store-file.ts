import { closeSync, existsSync, openSync, readSync, renameSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import * as v from "valibot";
import { StateStoreError } from "./state-path.js";

/** Marks a SQLite file as this tool's state store (`PRAGMA application_id`): "ICCS". */
export const APPLICATION_ID = 0x49434353;

/** What the file at the state path is: nothing yet, this tool's store, or a store of this tool that is damaged. */
export type StoreFileKind = "new" | "ours" | "corrupt";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/** Tables a store written before the marking (user_version 2 to 5) always had. */
const UNMARKED_TABLES = ["certificates", "events", "files", "runs"];

/**
 * Judges the file at the state path without writing to it. A file this tool did not create (not SQLite, another
 * application's id, or an unmarked database without the old store's tables) is refused with StateStoreError, so
 * that nobody's database is taken over; one of ours that SQLite cannot read is `corrupt`.
 */
export function checkStoreFile(path: string): StoreFileKind {
  if (!existsSync(path)) return "new";
  const stats = statSync(path);
  if (!stats.isFile())
    throw new StateStoreError(`--state ${path}: not a regular file; name a file for the store`);
  if (stats.size === 0) return "new";
  const header = readHeader(path);
  if (!header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw new StateStoreError(
      `--state ${path}: not an intune-codesign state store (not a SQLite database); left as is`,
    );
  }
  if (header.length < 100) return "corrupt";
  const applicationId = header.readUInt32BE(68);
  if (applicationId === APPLICATION_ID) return "ours";
  if (applicationId !== 0) {
    throw new StateStoreError(
      `--state ${path}: a SQLite database of another application (application_id 0x${applicationId.toString(16)}); left as is`,
    );
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    const version = v.parse(v.number(), db.pragma("user_version", { simple: true }));
    if (tables.length === 0 || isUnmarkedStore(db, tables, version)) return "ours";
    throw new StateStoreError(
      `--state ${path}: a SQLite database this tool did not create (tables: ${tables.join(", ")}); left as is`,
    );
  } catch (error) {
    if (error instanceof StateStoreError) throw error;
    if (isCorruption(error)) return "corrupt";
    throw error;
  } finally {
    db?.close();
  }
}

/** A store written before stores were marked: version 2 to 5 with their tables, or version 1's `meta` row. */
function isUnmarkedStore(db: Database.Database, tables: string[], version: number): boolean {
  if (version >= 2 && version <= 5) return UNMARKED_TABLES.every((name) => tables.includes(name));
  if (version !== 0 || !tables.includes("meta")) return false;
  return db.prepare("SELECT 1 FROM meta WHERE key = 'schema_version'").get() !== undefined;
}

/** Whether SQLite's error says the file is damaged (rather than busy, full or unreadable). */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB");
}

/** Moves a damaged store and its WAL and shared-memory files aside, and returns the new name. */
export function moveAside(path: string, at: Date): string {
  const aside = `${path}.corrupt-${at.toISOString().replace(/[:.]/g, "-")}`;
  renameSync(path, aside);
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  }
  return aside;
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(100);
    return header.subarray(0, readSync(fd, header, 0, 100, 0));
  } finally {
    closeSync(fd);
  }
}
