import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { StateStoreError } from "./state-path.js";
import { StateStore } from "./store.js";
import { checkStoreFile, moveAside } from "./store-file.js";

const SCOPE = '["global","","http://127.0.0.1:1/beta"]';
const path = () => join(mkdtempSync(join(tmpdir(), "sync-store-file-")), "state.db");

/** Version 4's journal tables, which a new version keeps. */
const VERSION_4_JOURNAL = `
  CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, ended_at TEXT,
    dry_run INTEGER NOT NULL, exit_code INTEGER, files INTEGER, certificates INTEGER, created INTEGER,
    updated INTEGER, unchanged INTEGER, skipped INTEGER, failed INTEGER);
  CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs(id),
    at TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT, remote_id TEXT, action TEXT NOT NULL, reason TEXT,
    attempts INTEGER NOT NULL, error_code TEXT, error_message TEXT);`;

function database(at: string, sql: string): string {
  const db = new Database(at);
  db.exec(sql);
  db.close();
  return at;
}

describe("checkStoreFile", () => {
  it("a missing or empty file is new; a store this tool made is ours", () => {
    const missing = path();
    expect(checkStoreFile(missing)).toBe("new");
    writeFileSync(missing, "");
    expect(checkStoreFile(missing)).toBe("new");
    new StateStore(missing, SCOPE).close();
    expect(checkStoreFile(missing)).toBe("ours");
  });

  it("a version 4 store from before the mark (WAL, closed) is ours, and is marked when opened", () => {
    const old = database(
      path(),
      `PRAGMA journal_mode = WAL; CREATE TABLE files (a); CREATE TABLE certificates (b); ${VERSION_4_JOURNAL}
       PRAGMA user_version = 4;`,
    );
    expect(checkStoreFile(old)).toBe("ours");
    new StateStore(old, SCOPE).close();
    expect(readFileSync(old).readUInt32BE(68)).toBe(0x49434353);
  });

  it.each([
    ["a text file", (at: string) => writeFileSync(at, "hello\n"), "not a SQLite database"],
    [
      "another application's database",
      (at: string) => database(at, "PRAGMA application_id = 7;"),
      "another application",
    ],
    [
      "an unmarked database with other tables",
      (at: string) => database(at, "CREATE TABLE files (a); CREATE TABLE certificates (b);"),
      "this tool did not create (tables: certificates, files)",
    ],
  ])("%s is refused and left as is", (_name, make, message) => {
    const at = path();
    make(at);
    const before = readFileSync(at);
    expect(() => checkStoreFile(at)).toThrow(StateStoreError);
    expect(() => checkStoreFile(at)).toThrow(message);
    // status, which opens the store only to read, refuses it too.
    expect(() => StateStore.openReadOnly(at, SCOPE, pino({ level: "silent" }))).toThrow(StateStoreError);
    expect(readFileSync(at)).toEqual(before);
  });

  it("a store of ours cut short is corrupt: read as none and left where it is, then moved aside with its WAL", () => {
    const at = path();
    new StateStore(at, SCOPE).close();
    writeFileSync(at, readFileSync(at).subarray(0, 50));
    writeFileSync(`${at}-wal`, "wal");
    expect(checkStoreFile(at)).toBe("corrupt");
    expect(StateStore.openReadOnly(at, SCOPE, pino({ level: "silent" }))).toBeNull();
    expect(readFileSync(at)).toHaveLength(50);
    const aside = moveAside(at, new Date("2026-01-02T03:04:05.678Z"));
    expect(aside).toBe(`${at}.corrupt-2026-01-02T03-04-05-678Z`);
    expect(readFileSync(`${aside}-wal`, "utf8")).toBe("wal");
    expect(checkStoreFile(at)).toBe("new");
  });
});
