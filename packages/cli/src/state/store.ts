import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { ParsedFile } from "@intune-codesign/parser";
import Database from "better-sqlite3";

/** Counts per action for one run, as in the report's summary. */
export interface RunCounts {
  files: number;
  certificates: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

/** What the store remembers of a certificate's last successful write. */
export interface SentRecord {
  remoteId: string;
  /** The body's fields (uploadDateTime aside) as sent, JSON. */
  fields: string;
  lastSent: string;
}

/** One outcome of a run, kept for audits and troubleshooting. */
export interface EventRecord {
  path: string;
  sha256: string | null;
  remoteId: string | null;
  action: string;
  reason: string | null;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
}

/** A file's cached parse: reused while the file's size and mtime are unchanged. */
export type CachedParse = Omit<ParsedFile, "certificates"> & {
  certificates: Array<Omit<ParsedFile["certificates"][number], "der">>;
};

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS certificates (
  sha256 TEXT PRIMARY KEY,
  der BLOB NOT NULL,
  subject TEXT NOT NULL,
  not_after TEXT NOT NULL,
  remote_id TEXT,
  sent_fields TEXT,
  last_sent TEXT
);
CREATE TABLE IF NOT EXISTS files (
  path BLOB PRIMARY KEY,
  display TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  sha256s TEXT NOT NULL,
  parsed TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  dry_run INTEGER NOT NULL,
  exit_code INTEGER,
  files INTEGER, certificates INTEGER, created INTEGER, updated INTEGER,
  unchanged INTEGER, skipped INTEGER, failed INTEGER
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  at TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT,
  remote_id TEXT,
  action TEXT NOT NULL,
  reason TEXT,
  attempts INTEGER NOT NULL,
  error_code TEXT,
  error_message TEXT
);
CREATE INDEX IF NOT EXISTS events_run ON events(run_id);
`;

/**
 * The run's memory in SQLite (WAL): which certificate went to which object with which fields, which files were
 * already parsed, and a journal of runs and their outcomes. Every write commits as the run goes, so a crash
 * loses at most the requests in flight.
 */
export class StateStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    this.db
      .prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)")
      .run(String(SCHEMA_VERSION));
    this.statements = {
      cachedFile: this.db.prepare<[Buffer], { size: number; mtime_ms: number; parsed: string }>(
        "SELECT size, mtime_ms, parsed FROM files WHERE path = ?",
      ),
      putFile: this.db.prepare(
        "INSERT INTO files (path, display, size, mtime_ms, sha256s, parsed) VALUES (?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT(path) DO UPDATE SET display = excluded.display, size = excluded.size, " +
          "mtime_ms = excluded.mtime_ms, sha256s = excluded.sha256s, parsed = excluded.parsed",
      ),
      putCertificate: this.db.prepare(
        "INSERT OR IGNORE INTO certificates (sha256, der, subject, not_after) VALUES (?, ?, ?, ?)",
      ),
      der: this.db.prepare<[string], { der: Buffer }>("SELECT der FROM certificates WHERE sha256 = ?"),
      sent: this.db.prepare<
        [string],
        { remote_id: string | null; sent_fields: string | null; last_sent: string | null }
      >("SELECT remote_id, sent_fields, last_sent FROM certificates WHERE sha256 = ?"),
      recordSent: this.db.prepare(
        "UPDATE certificates SET remote_id = ?, sent_fields = ?, last_sent = ? WHERE sha256 = ?",
      ),
      forgetRemote: this.db.prepare(
        "UPDATE certificates SET remote_id = NULL, sent_fields = NULL, last_sent = NULL WHERE sha256 = ?",
      ),
      startRun: this.db.prepare("INSERT INTO runs (started_at, dry_run) VALUES (?, ?)"),
      endRun: this.db.prepare(
        "UPDATE runs SET ended_at = ?, exit_code = ?, files = ?, certificates = ?, created = ?, updated = ?, " +
          "unchanged = ?, skipped = ?, failed = ? WHERE id = ?",
      ),
      event: this.db.prepare(
        "INSERT INTO events (run_id, at, path, sha256, remote_id, action, reason, attempts, error_code, error_message) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
    };
  }

  /** The cached parse of a file, if its size and mtime are what they were when it was parsed. */
  cachedParse(path: Buffer, size: number, mtimeMs: number): CachedParse | null {
    const row = this.statements.cachedFile.get(path);
    if (!row || row.size !== size || row.mtime_ms !== mtimeMs) return null;
    return JSON.parse(row.parsed) as CachedParse;
  }

  /**
   * Remembers a file's parse and its certificates' DER (public material: needed to send them without re-reading).
   * A file that failed is not cached: a fixed password or permission must take effect on the next run.
   */
  rememberParse(path: Buffer, size: number, mtimeMs: number, parsed: ParsedFile): CachedParse {
    const cached: CachedParse = {
      ...parsed,
      certificates: parsed.certificates.map(({ der: _der, ...rest }) => rest),
    };
    this.db.transaction(() => {
      for (const certificate of parsed.certificates) {
        this.statements.putCertificate.run(
          certificate.sha256,
          Buffer.from(certificate.der),
          certificate.subject,
          certificate.notAfter,
        );
      }
      if (parsed.error) return;
      this.statements.putFile.run(
        path,
        parsed.path,
        size,
        mtimeMs,
        JSON.stringify(parsed.certificates.map((c) => c.sha256)),
        JSON.stringify(cached),
      );
    })();
    return cached;
  }

  /** The DER of a certificate the store has seen. */
  der(sha256: string): Uint8Array {
    const row = this.statements.der.get(sha256);
    if (!row) throw new Error(`certificate ${sha256} is not in the state store`);
    return row.der;
  }

  /** Where and with which fields this certificate was last sent, if ever. */
  sent(sha256: string): SentRecord | null {
    const row = this.statements.sent.get(sha256);
    if (!row?.remote_id || row.sent_fields === null || row.last_sent === null) return null;
    return { remoteId: row.remote_id, fields: row.sent_fields, lastSent: row.last_sent };
  }

  /** Records a successful write at once: the next run relies on it to skip unchanged certificates. */
  recordSent(sha256: string, record: SentRecord): void {
    this.statements.recordSent.run(record.remoteId, record.fields, record.lastSent, sha256);
  }

  /** Forgets a mapping whose object no longer exists in the tenant. */
  forgetRemote(sha256: string): void {
    this.statements.forgetRemote.run(sha256);
  }

  /** Opens a run in the journal and returns its id. */
  startRun(startedAt: Date, dryRun: boolean): number {
    return Number(this.statements.startRun.run(startedAt.toISOString(), dryRun ? 1 : 0).lastInsertRowid);
  }

  /** Closes a run in the journal with its counts and exit code. */
  endRun(runId: number, endedAt: Date, exitCode: number, counts: RunCounts): void {
    this.statements.endRun.run(
      endedAt.toISOString(),
      exitCode,
      counts.files,
      counts.certificates,
      counts.created,
      counts.updated,
      counts.unchanged,
      counts.skipped,
      counts.failed,
      runId,
    );
  }

  /** Appends one outcome to the run's journal. */
  recordEvent(runId: number, event: EventRecord): void {
    this.statements.event.run(
      runId,
      new Date().toISOString(),
      event.path,
      event.sha256,
      event.remoteId,
      event.action,
      event.reason,
      event.attempts,
      event.errorCode,
      event.errorMessage,
    );
  }

  /** Runs several writes as one transaction (cheap bulk writes for large batches). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    this.db.close();
  }
}
