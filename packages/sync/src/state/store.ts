import { chmodSync, closeSync, constants, existsSync, fchmodSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { isRunBudgetRefusal, type ParsedFile } from "@intune-codesign/parser";
import Database from "better-sqlite3";
import type { Logger } from "pino";
import * as v from "valibot";
import { type FoundCertificate, foundCertificate, keptCertificate } from "../certificate.js";
import { NO_FOLLOW } from "../open-flags.js";
import { createFolders } from "../output-path.js";
import type { FileStats } from "../walk.js";
import {
  CacheRowSchema,
  CertificateRowsSchema,
  issueWords,
  ManagedRowSchema,
  SentRowSchema,
  TableInfoSchema,
} from "./rows.js";
import { StateStoreError } from "./state-path.js";
import { APPLICATION_ID, checkStoreFile, isCorruption, moveAside } from "./store-file.js";

/** Counts per action for one run, as in the report's summary. */
export interface RunCounts {
  files: number;
  certificates: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  superseded: number;
  deleted: number;
}

/** What the store remembers of a certificate's last successful write. */
export interface SentRecord {
  remoteId: string;
  /** The body's fields (uploadDateTime aside) as sent, JSON. */
  fields: string;
  lastSent: string;
  /** Digest of the object's rendering as the tenant last showed it (see renderingDigest); null when not known. */
  shown: string | null;
  /** The file the certificate was in when sent (the display path), to tell a renewal in the same file or folder. */
  path: string;
}

/** A certificate this tool wrote, found by its object: what `status` and pruning need to call an object managed. */
export interface ManagedRecord extends SentRecord {
  sha256: string;
}

/** The file and certificate of a managed record. */
export type ManagedFile = Pick<ManagedRecord, "path" | "sha256">;

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

/** A certificate as the file cache stores it (JSON in `files.certificates`); the run's model is mapped to and from it. */
interface CertificateRow {
  sha256: string;
  subject: string;
  subjectName: string;
  issuer: string;
  issuerName: string;
  notAfter: string;
  skipReason: FoundCertificate["skipReason"];
  /** Only when present: a folder of certificate files stores nothing more for them. */
  signature?: FoundCertificate["signature"];
  warning?: FoundCertificate["warning"];
}

/**
 * A file's cached parse: what a run needs of its certificates, or why it failed, so that an unchanged file is not
 * read again, a hostile one included. Valid while the file's stats and the parse options' key are the same.
 */
export interface CachedFile extends FileStats {
  /** The parse options' key (parseOptionsKey): a changed password or size limit parses the file again. */
  options: string;
  format: ParsedFile["format"];
  error: ParsedFile["error"];
  certificates: FoundCertificate[];
}

/** A fresh parse to remember, with the walk's path and stats and the options' key it was parsed with. */
export interface FreshParse extends FileStats {
  path: string;
  options: string;
  parsed: ParsedFile;
}

/**
 * Failures not cached: a file that could not be read is cheap to try again, and the cause (a permission, an I/O
 * error) may go away without the file changing.
 */
const UNCACHED_ERRORS: ReadonlySet<string> = new Set(["unreadable"]);

const SCHEMA_VERSION = 6;

const SCHEMA = `
-- Files in sorted path order, as a run walks them: one append-mostly insert per file, nothing else per certificate.
CREATE TABLE IF NOT EXISTS files (
  path BLOB PRIMARY KEY,
  display TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  ino INTEGER NOT NULL,
  ctime_ms REAL NOT NULL,
  options TEXT NOT NULL,
  format TEXT,
  error_code TEXT,
  error_message TEXT,
  certificates TEXT NOT NULL
);
-- Only certificates that were sent, per tenant (scope: cloud, tenant and Graph base URL): where to, with which
-- fields, when, from which file, and how the tenant showed the object afterwards.
CREATE TABLE IF NOT EXISTS certificates (
  scope TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  sent_fields TEXT NOT NULL,
  last_sent TEXT NOT NULL,
  shown TEXT,
  path TEXT NOT NULL,
  PRIMARY KEY (scope, sha256)
);
CREATE INDEX IF NOT EXISTS certificates_object ON certificates(scope, remote_id);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  dry_run INTEGER NOT NULL,
  exit_code INTEGER,
  files INTEGER, certificates INTEGER, created INTEGER, updated INTEGER,
  unchanged INTEGER, skipped INTEGER, failed INTEGER,
  scope TEXT, superseded INTEGER, deleted INTEGER
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

  /**
   * Opens the store at `path` (a real path) to write, refusing a file this tool did not create (StateStoreError). A
   * store of ours that SQLite finds damaged is moved aside with a warning and a fresh one is started: losing it is
   * safe, as the tenant listing finds every object again. `scope` keys what the store keeps about a tenant.
   */
  static open(path: string, scope: string, logger: Logger): StateStore {
    const kind = checkStoreFile(path);
    if (kind === "corrupt" || (kind === "ours" && !passesQuickCheck(path))) {
      const aside = moveAside(path, new Date());
      logger.warn(
        { state: path, movedTo: aside },
        `the state store was damaged; moved aside to ${aside}, starting a fresh store`,
      );
    }
    return new StateStore(path, scope);
  }

  /** `scope` keys everything the store keeps about a tenant: its cloud, tenant id and Graph base URL. */
  constructor(
    readonly path: string,
    readonly scope: string,
    db?: Database.Database,
  ) {
    if (db) {
      this.db = db;
    } else {
      createFolders(dirname(path), 0o700);
      keepPrivate(path);
      this.db = new Database(path);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      this.migrate();
    }
    this.statements = {
      putFile: this.db.prepare(
        "INSERT INTO files (path, display, size, mtime_ms, ino, ctime_ms, options, format, error_code, " +
          "error_message, certificates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT(path) DO UPDATE SET display = excluded.display, size = excluded.size, " +
          "mtime_ms = excluded.mtime_ms, ino = excluded.ino, ctime_ms = excluded.ctime_ms, " +
          "options = excluded.options, format = excluded.format, error_code = excluded.error_code, " +
          "error_message = excluded.error_message, certificates = excluded.certificates",
      ),
      recordSent: this.db.prepare(
        "INSERT OR REPLACE INTO certificates (scope, sha256, remote_id, sent_fields, last_sent, shown, path) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      recordShown: this.db.prepare("UPDATE certificates SET shown = ? WHERE scope = ? AND sha256 = ?"),
      forgetRemote: this.db.prepare("DELETE FROM certificates WHERE scope = ? AND sha256 = ?"),
      forgetObject: this.db.prepare("DELETE FROM certificates WHERE scope = ? AND remote_id = ?"),
      forgetFile: this.db.prepare("DELETE FROM files WHERE path = ?"),
      sent: this.db
        .prepare(
          "SELECT remote_id, sent_fields, last_sent, shown, path FROM certificates WHERE scope = ? AND sha256 = ?",
        )
        .raw(true),
      managed: this.db
        .prepare(
          "SELECT remote_id, sent_fields, last_sent, shown, path, sha256 FROM certificates WHERE scope = ?",
        )
        .raw(true),
      startRun: this.db.prepare("INSERT INTO runs (started_at, dry_run, scope) VALUES (?, ?, ?)"),
      endRun: this.db.prepare(
        "UPDATE runs SET ended_at = ?, exit_code = ?, files = ?, certificates = ?, created = ?, updated = ?, " +
          "unchanged = ?, skipped = ?, failed = ?, superseded = ?, deleted = ? WHERE id = ?",
      ),
      event: this.db.prepare(
        "INSERT INTO events (run_id, at, path, sha256, remote_id, action, reason, attempts, error_code, error_message) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
    };
  }

  /**
   * The store opened only to read (`status`): no lock, no schema change, no write. SQLite's WAL lets it read while a
   * run writes, so it neither waits for nor disturbs one. Null when there is no store of this version to read. A file
   * this tool did not create is refused as `upload` refuses it (StateStoreError); a damaged store of ours is read as
   * no store, with a warning, and left where it is: moving it aside is a write, which the next `upload` does.
   */
  static openReadOnly(path: string, scope: string, logger: Logger): StateStore | null {
    if (checkStoreFile(path) !== "ours") {
      if (existsSync(path) && statSync(path).size > 0) {
        logger.warn({ state: path }, "the state store is damaged: status reads the tenant without it");
      }
      return null;
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      if (db.pragma("user_version", { simple: true }) === SCHEMA_VERSION)
        return new StateStore(path, scope, db);
    } catch (error) {
      if (!isCorruption(error)) throw error;
      logger.warn({ state: path }, "the state store is damaged: status reads the tenant without it");
      return null;
    }
    db.close();
    return null;
  }

  /**
   * Creates the schema. A store of another version (or of version 1, which kept its version in a `meta` table) is
   * rebuilt: it holds only caches, and mappings that the next run finds again by listing the tenant.
   */
  private migrate(): void {
    const marked = this.db.pragma("application_id", { simple: true }) === APPLICATION_ID;
    // One transaction: another run's header check (taken before its lock) sees no tables or all of them, marked.
    this.db.transaction(() => {
      if (this.db.pragma("user_version", { simple: true }) !== SCHEMA_VERSION) {
        this.db.exec(
          "DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS certificates; DROP TABLE IF EXISTS certificate_der; " +
            "DROP TABLE IF EXISTS meta;",
        );
      }
      this.db.exec(SCHEMA);
      // The journal of runs is kept across versions: columns it lacks are added.
      const columns = new Set(
        v.parse(TableInfoSchema, this.db.pragma("table_info(runs)")).map((column) => column.name),
      );
      for (const column of ["scope TEXT", "superseded INTEGER", "deleted INTEGER"]) {
        if (!columns.has(column.split(" ")[0]!)) this.db.exec(`ALTER TABLE runs ADD COLUMN ${column}`);
      }
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      if (!marked) this.db.pragma(`application_id = ${APPLICATION_ID}`);
    })();
    // The mark goes into the main file at once, where the next run's header check reads it (not only the WAL).
    if (!marked) this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  /**
   * The file cache, read alongside a walk that reaches the paths `walked` accepts: see FileCacheScan. It reads
   * through a connection of its own, so the run's own writes to the cache do not disturb the scan.
   */
  scanFileCache(
    walked: (path: string) => boolean,
    ignored: (path: string, reason: string) => void,
  ): FileCacheScan {
    return new FileCacheScan(
      new Database(this.path, { readonly: true, fileMustExist: true }),
      walked,
      ignored,
    );
  }

  /** Forgets the cached parses of files (paths as stored) that are gone, one transaction for the lot. */
  forgetFiles(paths: Buffer[]): void {
    this.db.transaction(() => {
      for (const path of paths) this.statements.forgetFile.run(path);
    })();
  }

  /** The certificate's last successful write, if any. */
  sent(sha256: string): SentRecord | null {
    const row = this.statements.sent.get(this.scope, sha256);
    return row === undefined ? null : sentRecord(checkedRow(SentRowSchema, row));
  }

  /** Every certificate this tool wrote to the tenant, by lower-cased object id (a renewal leaves two per object). */
  managed(): Map<string, ManagedRecord[]> {
    const byObject = new Map<string, ManagedRecord[]>();
    for (const row of this.statements.managed.iterate(this.scope)) {
      const [remoteId, fields, lastSent, shown, path, sha256] = checkedRow(ManagedRowSchema, row);
      const record = { ...sentRecord([remoteId, fields, lastSent, shown, path]), sha256 };
      const id = record.remoteId.toLowerCase();
      byObject.set(id, [...(byObject.get(id) ?? []), record]);
    }
    return byObject;
  }

  /**
   * As managed(), each record's file and certificate only, for the objects `wanted` (by lower-cased id) selects: what
   * an upload's reconcile needs, at a fraction of the memory.
   */
  managedFiles(wanted: (id: string) => boolean): Map<string, ManagedFile[]> {
    const byObject = new Map<string, ManagedFile[]>();
    for (const row of this.statements.managed.iterate(this.scope) as Iterable<[...SentRow, string]>) {
      const id = row[0].toLowerCase();
      if (!wanted(id)) continue;
      const record = { path: row[4], sha256: row[5] };
      const list = byObject.get(id);
      if (list === undefined) byObject.set(id, [record]);
      else list.push(record);
    }
    return byObject;
  }

  /**
   * Remembers fresh parses, one transaction for the lot, each under its walk path (one character per byte, stored as
   * those bytes). Failures are remembered too (a hostile file costs its parse once, not every run); a fixed password
   * or size limit changes the options' key, and so takes effect on the next run.
   */
  rememberParses(files: FreshParse[]): void {
    this.db.transaction(() => {
      for (const { path, size, mtimeMs, ino, ctimeMs, options, parsed } of files) {
        // A run-budget refusal says nothing about the file: the next run parses it again.
        if (parsed.error && (UNCACHED_ERRORS.has(parsed.error.code) || isRunBudgetRefusal(parsed.error)))
          continue;
        const certificates: CertificateRow[] = parsed.certificates.map((c) =>
          keptCertificate(c, parsed.warning),
        );
        this.statements.putFile.run(
          Buffer.from(path, "latin1"),
          parsed.path,
          size,
          mtimeMs,
          ino,
          ctimeMs,
          options,
          parsed.format,
          parsed.error?.code ?? null,
          parsed.error?.message ?? null,
          JSON.stringify(certificates),
        );
      }
    })();
  }

  /** Records a successful write at once: the next run relies on it to skip unchanged certificates. */
  recordSent(sha256: string, record: SentRecord): void {
    const { remoteId, fields, lastSent, shown, path } = record;
    const id = remoteId.toLowerCase();
    this.statements.recordSent.run(this.scope, sha256, id, fields, lastSent, shown, path);
  }

  /** Records how the tenant now shows the certificate's object: another rendering of what was sent. */
  recordShown(sha256: string, shown: string): void {
    this.statements.recordShown.run(shown, this.scope, sha256);
  }

  /** Forgets a mapping whose object no longer exists in the tenant. */
  forgetRemote(sha256: string): void {
    this.statements.forgetRemote.run(this.scope, sha256);
  }

  /** Forgets every certificate sent to an object that was deleted. */
  forgetObject(remoteId: string): void {
    this.statements.forgetObject.run(this.scope, remoteId.toLowerCase());
  }

  /** Opens a run in the journal and returns its id. */
  startRun(startedAt: Date, dryRun: boolean): number {
    return Number(
      this.statements.startRun.run(startedAt.toISOString(), dryRun ? 1 : 0, this.scope).lastInsertRowid,
    );
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
      counts.superseded,
      counts.deleted,
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

/** The store and its WAL and shared-memory files are readable by their owner only, whatever the umask. */
function keepPrivate(path: string): void {
  const fd = openSync(path, constants.O_CREAT | constants.O_RDWR | NO_FOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
  for (const suffix of ["-wal", "-shm"]) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
}

/** SQLite's structural check of every page; false when the file is damaged. */
function passesQuickCheck(path: string): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    return db.pragma("quick_check", { simple: true }) === "ok";
  } catch (error) {
    if (isCorruption(error)) return false;
    throw error;
  } finally {
    db?.close();
  }
}

/** A row of the file cache as the scan reads it. */
type CacheRow = v.InferOutput<typeof CacheRowSchema>;

type SentRow = v.InferOutput<typeof SentRowSchema>;

/** A `certificates` row checked: one of another shape (written by something else) is a StateStoreError. */
function checkedRow<S extends v.GenericSchema>(schema: S, row: unknown): v.InferOutput<S> {
  const checked = v.safeParse(schema, row);
  if (checked.success) return checked.output;
  throw new StateStoreError(
    `the state store has a malformed certificates row: ${issueWords(checked.issues)}`,
  );
}

/** A cached file's certificates (the JSON column), or why they cannot be read. */
function cachedCertificates(json: string): FoundCertificate[] | string {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return "its certificates are not JSON";
  }
  const checked = v.safeParse(CertificateRowsSchema, data);
  return checked.success
    ? checked.output.map(foundCertificate)
    : `its certificates: ${issueWords(checked.issues)}`;
}

function sentRecord([remoteId, fields, lastSent, shown, path]: SentRow): SentRecord {
  return { remoteId, fields, lastSent, shown, path };
}

/**
 * The file cache in one sequential scan, in path order, consumed alongside a walk in the same order (a merge): no
 * cache entry is held longer than it takes the walk to reach its file, where a lookup table of 100,000 parses would
 * hold them all. Paths are a walk's: one character per byte, so comparing them compares bytes as SQLite's BLOB order
 * does. They must be asked in ascending order; one asked out of order is a miss (its file is parsed again).
 * Entries the scan passes without being asked, under the walk's roots, are of files the walk no longer finds.
 */
export class FileCacheScan {
  /** Stored paths of cached files under the walk's roots that the walk passed by: gone, or left out by the globs. */
  readonly passed: Buffer[] = [];
  private readonly rows: IterableIterator<unknown[]>;
  /** The row the scan is at; `values` null when its columns are not a cached parse's (read as a miss). */
  private row: { path: string; stored: Buffer; values: CacheRow | string } | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly walked: (path: string) => boolean,
    /** Told of a cached parse not used because its row is damaged: its file is parsed again, and the row replaced. */
    private readonly ignored: (path: string, reason: string) => void,
  ) {
    this.rows = db
      .prepare<[], unknown[]>(
        "SELECT path, size, mtime_ms, ino, ctime_ms, options, format, error_code, error_message, certificates " +
          "FROM files ORDER BY path",
      )
      .raw(true)
      .iterate();
    this.advance();
  }

  /** The cached parse of the file at `path`, whatever its size and mtime now; null when none is cached. */
  get(path: string): CachedFile | null {
    while (this.row !== null && this.row.path < path) this.pass();
    if (this.row === null || this.row.path !== path) return null;
    const { values } = this.row;
    this.advance();
    if (typeof values === "string") return this.miss(path, values);
    const [, size, mtimeMs, ino, ctimeMs, options, format, errorCode, errorMessage, json] = values;
    // Rebuilt as literals (foundCertificate): objects from JSON.parse keep their fields out of line, a third larger
    // at 100,000 files.
    const certificates = cachedCertificates(json);
    if (typeof certificates === "string") return this.miss(path, certificates);
    return {
      size,
      mtimeMs,
      ino,
      ctimeMs,
      options,
      format,
      error: errorCode === null ? null : { code: errorCode, message: errorMessage ?? "" },
      certificates,
    };
  }

  /** Reads the entries after the walk's last file: call it once the walk's every file was asked for. */
  finish(): void {
    while (this.row !== null) this.pass();
  }

  close(): void {
    this.rows.return?.();
    this.db.close();
  }

  private pass(): void {
    if (this.row !== null && this.walked(this.row.path)) this.passed.push(this.row.stored);
    this.advance();
  }

  private miss(path: string, reason: string): null {
    this.ignored(path, reason);
    return null;
  }

  private advance(): void {
    for (let next = this.rows.next(); !next.done; next = this.rows.next()) {
      const stored = next.value[0];
      // A path that is not a walk's bytes (not written by this tool) matches no file: nothing to read or forget.
      if (!Buffer.isBuffer(stored)) continue;
      const checked = v.safeParse(CacheRowSchema, next.value);
      const values = checked.success ? checked.output : `its columns: ${issueWords(checked.issues)}`;
      this.row = { path: stored.toString("latin1"), stored, values };
      return;
    }
    this.row = null;
  }
}
