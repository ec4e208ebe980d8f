import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { CertificateEntry, ParsedFile } from "@intune-codesign/parser";
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

/** What a run needs of a certificate, kept in the store so unchanged files need not be read again. */
export interface StoredCertificate {
  sha256: string;
  subject: string;
  subjectName: string;
  issuer: string;
  issuerName: string;
  notAfter: string;
  /** The last successful write of this certificate, if any. */
  sent: SentRecord | null;
}

/** A file's cached parse: its certificates (by SHA-256) with their per-file verdicts. */
export interface CachedFile {
  size: number;
  mtimeMs: number;
  format: ParsedFile["format"];
  certificates: Array<{ sha256: string; skipReason: CertificateEntry["skipReason"] }>;
}

/** A file's cache key: its path's bytes, as a string that keeps them one to one. */
export function fileKey(path: Buffer): string {
  return path.toString("latin1");
}

const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS certificates (
  sha256 TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  subject_name TEXT NOT NULL,
  issuer TEXT NOT NULL,
  issuer_name TEXT NOT NULL,
  not_after TEXT NOT NULL,
  remote_id TEXT,
  sent_fields TEXT,
  last_sent TEXT
);
-- The DER apart from the fields: a run scans every certificate's fields, and reads a DER only to send it.
CREATE TABLE IF NOT EXISTS certificate_der (sha256 TEXT PRIMARY KEY, der BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS files (
  path BLOB PRIMARY KEY,
  display TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  format TEXT,
  certificates TEXT NOT NULL
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
    // A large batch scans every table once per run; a bigger page cache keeps the writes of a first run cheap.
    this.db.pragma("cache_size = -65536");
    this.migrate();
    this.statements = {
      putFile: this.db.prepare(
        "INSERT INTO files (path, display, size, mtime_ms, format, certificates) VALUES (?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT(path) DO UPDATE SET display = excluded.display, size = excluded.size, " +
          "mtime_ms = excluded.mtime_ms, format = excluded.format, certificates = excluded.certificates",
      ),
      putCertificate: this.db.prepare(
        "INSERT OR IGNORE INTO certificates (sha256, subject, subject_name, issuer, issuer_name, not_after) " +
          "VALUES (?, ?, ?, ?, ?, ?)",
      ),
      putDer: this.db.prepare("INSERT OR IGNORE INTO certificate_der (sha256, der) VALUES (?, ?)"),
      der: this.db.prepare<[string], { der: Buffer }>("SELECT der FROM certificate_der WHERE sha256 = ?"),
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

  /**
   * Creates the schema. A store of another version (or of version 1, which kept its version in a `meta` table) is
   * rebuilt: it holds only caches, and mappings that the next run finds again by listing the tenant.
   */
  private migrate(): void {
    if (this.db.pragma("user_version", { simple: true }) !== SCHEMA_VERSION) {
      this.db.exec(
        "DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS certificates; DROP TABLE IF EXISTS meta;",
      );
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  /**
   * Every file parse cached by earlier runs, in one scan: a run looks up each file it walks, and one sequential read
   * is far cheaper than as many point queries.
   */
  loadFileCache(): Map<string, CachedFile> {
    const cache = new Map<string, CachedFile>();
    const rows = this.db
      .prepare<[], [Buffer, number, number, CachedFile["format"], string]>(
        "SELECT path, size, mtime_ms, format, certificates FROM files",
      )
      .raw(true)
      .iterate();
    for (const [path, size, mtimeMs, format, certificates] of rows) {
      cache.set(fileKey(path), { size, mtimeMs, format, certificates: JSON.parse(certificates) });
    }
    return cache;
  }

  /** Every certificate the store knows, with its last write, in one scan. */
  loadCertificates(): Map<string, StoredCertificate> {
    const certificates = new Map<string, StoredCertificate>();
    const rows = this.db
      .prepare<[], CertificateRow>(
        "SELECT sha256, subject, subject_name, issuer, issuer_name, not_after, remote_id, sent_fields, last_sent " +
          "FROM certificates",
      )
      .raw(true)
      .iterate();
    for (const [
      sha256,
      subject,
      subjectName,
      issuer,
      issuerName,
      notAfter,
      remoteId,
      fields,
      lastSent,
    ] of rows) {
      const sent = remoteId && fields !== null && lastSent !== null ? { remoteId, fields, lastSent } : null;
      certificates.set(sha256, { sha256, subject, subjectName, issuer, issuerName, notAfter, sent });
    }
    return certificates;
  }

  /**
   * Remembers fresh parses (one transaction for the lot) and their certificates' DER: public material, needed to
   * send a certificate without reading its file again. A file that failed is not cached, so that a fixed password
   * or permission takes effect on the next run.
   */
  rememberParses(files: Array<{ path: Buffer; size: number; mtimeMs: number; parsed: ParsedFile }>): void {
    this.db.transaction(() => {
      for (const { path, size, mtimeMs, parsed } of files) {
        for (const c of parsed.certificates) {
          this.statements.putDer.run(c.sha256, Buffer.from(c.der.buffer, c.der.byteOffset, c.der.byteLength));
          this.statements.putCertificate.run(
            c.sha256,
            c.subject,
            c.subjectName,
            c.issuer,
            c.issuerName,
            c.notAfter,
          );
        }
        if (parsed.error) continue;
        const verdicts = parsed.certificates.map((c) => ({ sha256: c.sha256, skipReason: c.skipReason }));
        this.statements.putFile.run(
          path,
          parsed.path,
          size,
          mtimeMs,
          parsed.format,
          JSON.stringify(verdicts),
        );
      }
    })();
  }

  /** The DER of a certificate the store has seen. */
  der(sha256: string): Uint8Array {
    const row = this.statements.der.get(sha256);
    if (!row) throw new Error(`certificate ${sha256} is not in the state store`);
    return row.der;
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

/** A row of `certificates`, in column order. */
type CertificateRow = [
  sha256: string,
  subject: string,
  subjectName: string,
  issuer: string,
  issuerName: string,
  notAfter: string,
  remoteId: string | null,
  fields: string | null,
  lastSent: string | null,
];
