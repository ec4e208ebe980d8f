import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateEntry, ParsedFile } from "@intune-codesign/parser";
import Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateStoreError } from "./state-path.js";
import { type CachedFile, StateStore } from "./store.js";

let dir: string;
let statePath: string;
let store: StateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-store-"));
  statePath = join(dir, "nested", "state.db");
  store = new StateStore(statePath, SCOPE);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const SCOPE = '["global","","http://127.0.0.1:1/beta"]';
const SILENT = pino({ level: "silent" });

function certificate(sha256: string, der: number[]): CertificateEntry {
  return {
    der: Uint8Array.from(der),
    sha256,
    sha1: sha256.slice(0, 40),
    serialNumber: "0101",
    subject: `CN=${sha256.slice(0, 4)}`,
    subjectName: sha256.slice(0, 4),
    issuer: "CN=Root",
    issuerName: "Root",
    notBefore: "2025-01-01T00:00:00Z",
    notAfter: "2027-01-01T00:00:00Z",
    isCA: false,
    keyUsage: [],
    extendedKeyUsage: ["1.3.6.1.5.5.7.3.3"],
    signatureAlgorithm: "ecdsa-with-SHA256",
    publicKeyAlgorithm: "id-ecPublicKey",
    publicKeySize: 256,
    upload: true,
    skipReason: null,
  };
}

function parsed(
  path: string,
  certificates: CertificateEntry[],
  error: ParsedFile["error"] = null,
): ParsedFile {
  return { path, format: "pem", error, certificates };
}

/** A second connection, as an auditor (or the next run) would read the file. */
function query<T>(sql: string): T[] {
  const db = new Database(statePath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** A walk's path: one character per byte. */
const PATH = "/certs/a.pem";

/** The cached parses the last scan did not use, with why: [path, reason]. */
let ignored: Array<[string, string]> = [];
/** A scan's report of a cached parse it did not use, into `ignored`. */
function ignore(path: string, reason: string): void {
  ignored.push([path, reason]);
}

/** Looks paths up in one scan of the file cache, in the order given (a walk asks in ascending order). */
function lookUp(paths: string[]): Array<CachedFile | null> {
  ignored = [];
  const scan = store.scanFileCache(() => true, ignore);
  try {
    return paths.map((path) => scan.get(path));
  } finally {
    scan.close();
  }
}

/** A certificate as the file cache keeps it (see `certificate` above for the fields). */
function cached(sha256: string, skipReason: CertificateEntry["skipReason"]) {
  const name = sha256.slice(0, 4);
  return {
    sha256,
    subject: `CN=${name}`,
    subjectName: name,
    issuer: "CN=Root",
    issuerName: "Root",
    notAfter: "2027-01-01T00:00:00Z",
    skipReason,
  };
}
const MTIME = 1_700_000_000_123.25;
/** The rest of a file cache key: inode, ctime and the parse options' key. */
const KEY = { ino: 4242, ctimeMs: MTIME + 0.5, options: "0123456789abcdef" };

describe("StateStore: the file cache", () => {
  it("keeps size, mtime (exactly, as a float), format and per-file verdicts of a good parse", () => {
    expect(lookUp([PATH])).toEqual([null]);
    const ca = {
      ...certificate(SHA_B, [7]),
      isCA: true,
      upload: false,
      skipReason: "ca_certificate" as const,
    };
    store.rememberParses([
      {
        path: PATH,
        size: 10,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/a.pem", [certificate(SHA_A, [1, 2, 3]), ca]),
      },
    ]);
    expect(lookUp([PATH])).toEqual([
      {
        size: 10,
        mtimeMs: MTIME,
        ...KEY,
        format: "pem",
        error: null,
        certificates: [cached(SHA_A, null), cached(SHA_B, "ca_certificate")],
      },
    ]);
  });

  it("keeps a signed artefact's signature and a file's integrity warning, and stores nothing more without them", () => {
    const signature = {
      index: 2,
      nestedIn: 1,
      role: "signer" as const,
      digestAlgorithm: "sha256",
      sha1Digest: false,
    };
    const msix = { ...signature, index: 1, nestedIn: null, publisherMatch: true };
    const warning =
      "integrity not verified: the file uses public-key integrity mode (a signature, not a password MAC)";
    store.rememberParses([
      {
        path: "/certs/a.cer",
        size: 1,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/a.cer", [certificate(SHA_A, [1])]),
      },
      {
        path: "/certs/b.exe",
        size: 2,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/b.exe", [
          { ...certificate(SHA_A, [1]), signature },
          { ...certificate(SHA_B, [2]), signature: msix },
        ]),
      },
      {
        path: "/certs/c.p12",
        size: 3,
        mtimeMs: MTIME,
        ...KEY,
        parsed: { ...parsed("/certs/c.p12", [certificate(SHA_B, [2])]), warning },
      },
    ]);
    expect(
      lookUp(["/certs/a.cer", "/certs/b.exe", "/certs/c.p12"]).map((file) => file?.certificates),
    ).toEqual([
      [cached(SHA_A, null)],
      [
        { ...cached(SHA_A, null), signature },
        { ...cached(SHA_B, null), signature: msix },
      ],
      [{ ...cached(SHA_B, null), warning }],
    ]);
    // A plain certificate's row has exactly the fields it had before: 100,000 .cer files cost nothing more.
    expect(
      query<{ certificates: string }>("SELECT certificates FROM files ORDER BY path")[0]!.certificates,
    ).toBe(JSON.stringify([cached(SHA_A, null)]));
  });

  it("a damaged cache row is a miss, with the reason: its file is parsed again and the row replaced", () => {
    const files = ["/certs/a", "/certs/b", "/certs/c", "/certs/d"].map((path) => ({
      path,
      size: 1,
      mtimeMs: MTIME,
      ...KEY,
      parsed: parsed(path, [certificate(SHA_A, [1])]),
    }));
    store.rememberParses(files);
    const db = new Database(statePath);
    try {
      const damage = db.prepare("UPDATE files SET certificates = ? WHERE path = CAST(? AS BLOB)");
      damage.run("[{", "/certs/a");
      damage.run('[{"sha256": 7}]', "/certs/b");
      db.prepare("UPDATE files SET format = 'zip' WHERE path = CAST('/certs/c' AS BLOB)").run();
    } finally {
      db.close();
    }
    const hits = lookUp(["/certs/a", "/certs/b", "/certs/c", "/certs/d"]);
    expect(hits.map((hit) => hit?.certificates)).toEqual([
      undefined,
      undefined,
      undefined,
      [cached(SHA_A, null)],
    ]);
    expect(ignored.map(([path]) => path)).toEqual(["/certs/a", "/certs/b", "/certs/c"]);
    expect(ignored[0]?.[1]).toBe("its certificates are not JSON");
    expect(ignored[1]?.[1]).toBe(
      "its certificates: Invalid type: Expected string but received 7 at 0.sha256",
    );
    expect(ignored[2]?.[1]).toMatch(/^its columns: /);
    store.rememberParses(files.slice(0, 3));
    expect(lookUp(["/certs/a", "/certs/b", "/certs/c"]).map((hit) => hit?.certificates.length)).toEqual([
      1, 1, 1,
    ]);
    expect(ignored).toEqual([]);
  });

  it("a damaged certificates row is a StateStoreError that says so, not a crash", () => {
    const fields = '{"status":"provisioned"}';
    store.recordSent(SHA_A, {
      remoteId: "id-1",
      fields,
      lastSent: "2026-01-01T00:00:00Z",
      shown: null,
      path: PATH,
    });
    const db = new Database(statePath);
    try {
      db.prepare("UPDATE certificates SET last_sent = X'00'").run();
    } finally {
      db.close();
    }
    expect(() => store.sent(SHA_A)).toThrow(StateStoreError);
    expect(() => store.managed()).toThrow(/malformed certificates row/);
  });

  it("replaces a file's entry when it is parsed again (new size and mtime: the old ones no longer hit)", () => {
    store.rememberParses([
      {
        path: PATH,
        size: 10,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/a.pem", [certificate(SHA_A, [1])]),
      },
    ]);
    store.rememberParses([
      {
        path: PATH,
        size: 20,
        mtimeMs: MTIME + 1,
        ...KEY,
        parsed: parsed("/certs/a.pem", [certificate(SHA_B, [2])]),
      },
    ]);
    expect(lookUp([PATH])).toEqual([
      {
        size: 20,
        mtimeMs: MTIME + 1,
        ...KEY,
        format: "pem",
        error: null,
        certificates: [cached(SHA_B, null)],
      },
    ]);
  });

  it("keys by the path's bytes, one to one (names need not be valid UTF-8), stored as a BLOB of those bytes", () => {
    const latin1 = "/caf\xe9";
    const other = "/caf\xe8";
    const invalid = "/\xff\xfe";
    const utf8 = Buffer.from("/é").toString("latin1");
    store.rememberParses([
      { path: latin1, size: 1, mtimeMs: MTIME, ...KEY, parsed: parsed("/caf\\xe9", []) },
      { path: invalid, size: 2, mtimeMs: MTIME, ...KEY, parsed: parsed("/\\xff\\xfe", []) },
      { path: utf8, size: 3, mtimeMs: MTIME, ...KEY, parsed: parsed("/é", []) },
    ]);
    expect(query("SELECT hex(path) AS bytes, display FROM files ORDER BY path")).toEqual([
      { bytes: "2F636166E9", display: "/caf\\xe9" },
      { bytes: "2FC3A9", display: "/é" },
      { bytes: "2FFFFE", display: "/\\xff\\xfe" },
    ]);
    expect(lookUp([other, latin1, utf8, invalid]).map((hit) => hit?.size ?? null)).toEqual([null, 1, 3, 2]);
  });

  it("a scan answers paths asked in ascending order, passing rows no one asks for; one asked out of order misses", () => {
    store.rememberParses(
      ["/a", "/b", "/c", "/d"].map((path, index) => ({
        path,
        size: index,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed(path, []),
      })),
    );
    expect(lookUp(["/b", "/a", "/c", "/c", "/e"]).map((hit) => hit?.size ?? null)).toEqual([
      1,
      null,
      2,
      null,
      null,
    ]);
  });

  it("a scan names the entries under the walk's roots that it passed by; forgetFiles drops them", () => {
    store.rememberParses(
      ["/certs/a", "/certs/b", "/certs/c", "/certs/d", "/other/x"].map((path) => ({
        path,
        size: 1,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed(path, []),
      })),
    );
    const scan = store.scanFileCache((path) => path.startsWith("/certs/"), ignore);
    try {
      expect(scan.get("/certs/b")?.size).toBe(1);
      expect(scan.get("/certs/c")?.size).toBe(1);
      scan.finish();
      expect(scan.passed.map((path) => path.toString("latin1"))).toEqual(["/certs/a", "/certs/d"]);
      store.forgetFiles(scan.passed);
    } finally {
      scan.close();
    }
    expect(query("SELECT CAST(path AS TEXT) AS path FROM files ORDER BY path")).toEqual([
      { path: "/certs/b" },
      { path: "/certs/c" },
      { path: "/other/x" },
    ]);
  });

  it("a scan reads the cache as it was when it began: parses remembered meanwhile do not disturb it", () => {
    store.rememberParses([{ path: "/b", size: 1, mtimeMs: MTIME, ...KEY, parsed: parsed("/b", []) }]);
    const scan = store.scanFileCache(() => true, ignore);
    try {
      store.rememberParses([{ path: "/a", size: 2, mtimeMs: MTIME, ...KEY, parsed: parsed("/a", []) }]);
      expect([scan.get("/a"), scan.get("/b")?.size]).toEqual([null, 1]);
    } finally {
      scan.close();
    }
    expect(lookUp(["/a"]).map((hit) => hit?.size)).toEqual([2]);
  });

  it("caches a failed parse with its error, as it would a good one; not a file that could not be read", () => {
    const failed = parsed("/certs/a.pem", [certificate(SHA_A, [9, 8])], {
      code: "malformed",
      message: "block 2 is broken",
    });
    const unreadable = parsed("/certs/b.pem", [], { code: "unreadable", message: "permission denied" });
    store.rememberParses([
      { path: PATH, size: 10, mtimeMs: MTIME, ...KEY, parsed: failed },
      { path: "/certs/b.pem", size: 10, mtimeMs: MTIME, ...KEY, parsed: unreadable },
      {
        path: "/certs/p.pfx",
        size: 5,
        mtimeMs: MTIME,
        ...KEY,
        parsed: {
          path: "/certs/p.pfx",
          format: "pkcs12",
          error: { code: "bad_password", message: "wrong password" },
          certificates: [],
        },
      },
    ]);
    expect(lookUp([PATH, "/certs/b.pem", "/certs/p.pfx"])).toEqual([
      {
        size: 10,
        mtimeMs: MTIME,
        ...KEY,
        format: "pem",
        error: { code: "malformed", message: "block 2 is broken" },
        certificates: [cached(SHA_A, null)],
      },
      null,
      {
        size: 5,
        mtimeMs: MTIME,
        ...KEY,
        format: "pkcs12",
        error: { code: "bad_password", message: "wrong password" },
        certificates: [],
      },
    ]);
  });

  it("does not cache a file the run's key-derivation budget refused: that depends on the run, not the file", () => {
    const refused = (path: string, message: string) => ({
      path,
      size: 5,
      mtimeMs: MTIME,
      ...KEY,
      parsed: { path, format: null, error: { code: "unsupported" as const, message }, certificates: [] },
    });
    store.rememberParses([
      refused(
        "/certs/late.pfx",
        "refused: this run's key-derivation budget (100000000 iterations beyond 4000000 per file) is spent by costlier files",
      ),
      refused(
        "/certs/bundle.pem",
        "PEM block 2 (PKCS12): refused: this run's key-derivation budget (100000000 iterations beyond 4000000 per file) is spent by costlier files",
      ),
      refused(
        "/certs/costly.pfx",
        "refused: key derivation for this file would exceed 30000000 iterations (every password candidate counted)",
      ),
    ]);
    expect(
      lookUp(["/certs/bundle.pem", "/certs/costly.pfx", "/certs/late.pfx"]).map((hit) =>
        hit ? hit.error : "not cached",
      ),
    ).toEqual([
      "not cached",
      {
        code: "unsupported",
        message:
          "refused: key derivation for this file would exceed 30000000 iterations (every password candidate counted)",
      },
      "not cached",
    ]);
  });

  it("keeps no DER and no certificate row for a certificate never sent: one row per file", () => {
    store.rememberParses([
      {
        path: PATH,
        size: 1,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/a.pem", [certificate(SHA_A, [1, 2])]),
      },
    ]);
    expect(query("SELECT count(*) AS n FROM certificates")).toEqual([{ n: 0 }]);
    expect(query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).toEqual([
      { name: "certificates" },
      { name: "events" },
      { name: "files" },
      { name: "runs" },
      { name: "sqlite_sequence" },
    ]);
  });

  it("survives closing and reopening", () => {
    store.rememberParses([
      {
        path: PATH,
        size: 10,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/a.pem", [certificate(SHA_A, [1])]),
      },
    ]);
    store.close();
    store = new StateStore(statePath, SCOPE);
    expect(lookUp([PATH])[0]?.certificates).toHaveLength(1);
  });
});

describe("StateStore: what was sent where", () => {
  const record = {
    remoteId: "id-1",
    fields: '{"status":"provisioned"}',
    lastSent: "2026-01-01T00:00:00.000Z",
    shown: "rendering-digest",
    path: "/certs/a.pem",
  };
  const sent = (sha256: string) => store.sent(sha256);

  it("recordSent and forgetRemote, as the next load shows them", () => {
    store.rememberParses([
      {
        path: PATH,
        size: 1,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/a.pem", [certificate(SHA_A, [1])]),
      },
    ]);
    expect(sent(SHA_A)).toBeNull();
    store.recordSent(SHA_A, record);
    expect(sent(SHA_A)).toEqual(record);
    store.recordSent(SHA_A, { ...record, remoteId: "id-2" });
    expect(sent(SHA_A)).toEqual({ ...record, remoteId: "id-2" });
    store.forgetRemote(SHA_A);
    expect(sent(SHA_A)).toBeNull();
    // Forgetting the object keeps the file cache.
    expect(lookUp([PATH])[0]?.certificates).toHaveLength(1);
  });

  it("a parse remembered again keeps the record of the last write", () => {
    const file = {
      path: PATH,
      size: 1,
      mtimeMs: MTIME,
      ...KEY,
      parsed: parsed("/certs/a.pem", [certificate(SHA_A, [1])]),
    };
    store.rememberParses([file]);
    store.recordSent(SHA_A, record);
    store.rememberParses([{ ...file, size: 2 }]);
    expect(sent(SHA_A)).toEqual(record);
  });

  it("a certificate the store never saw has no record", () => {
    expect(store.sent(SHA_B)).toBeNull();
  });

  it("records are kept per tenant scope: another scope in the same file sees none of them", () => {
    store.recordSent(SHA_A, record);
    const other = new StateStore(statePath, '["global","other-tenant","https://graph.example/beta"]');
    try {
      expect(other.sent(SHA_A)).toBeNull();
      other.recordSent(SHA_A, { ...record, remoteId: "ID-OTHER" });
      expect([store.sent(SHA_A)?.remoteId, other.sent(SHA_A)?.remoteId]).toEqual(["id-1", "id-other"]);
      expect([...other.managed().keys()]).toEqual(["id-other"]);
    } finally {
      other.close();
    }
  });

  it("recordShown replaces the rendering recorded; forgetObject drops every record of an object", () => {
    store.recordSent(SHA_A, record);
    store.recordSent(SHA_B, { ...record, remoteId: "ID-1" });
    store.recordShown(SHA_A, "another-rendering");
    expect(store.sent(SHA_A)?.shown).toBe("another-rendering");
    expect(
      store
        .managed()
        .get("id-1")
        ?.map((r) => r.sha256)
        .sort(),
    ).toEqual([SHA_A, SHA_B].sort());
    store.forgetObject("ID-1");
    expect([store.sent(SHA_A), store.sent(SHA_B), store.managed().size]).toEqual([null, null, 0]);
  });

  it("opens read-only without writing, and not at all when there is no store of this version", () => {
    store.recordSent(SHA_A, record);
    const reader = StateStore.openReadOnly(statePath, SCOPE, SILENT);
    try {
      expect(reader?.sent(SHA_A)).toEqual(record);
      expect(() => reader?.recordSent(SHA_B, record)).toThrow(/readonly/);
    } finally {
      reader?.close();
    }
    expect(StateStore.openReadOnly(`${statePath}.missing`, SCOPE, SILENT)).toBeNull();
    expect(existsSync(`${statePath}.missing`)).toBe(false);
  });
});

describe("StateStore: the journal", () => {
  it("writes runs and events rows", () => {
    const first = store.startRun(new Date("2026-02-03T04:05:06.789Z"), false);
    const second = store.startRun(new Date("2026-02-03T05:00:00.000Z"), true);
    expect([first, second]).toEqual([1, 2]);
    store.transaction(() => {
      store.recordEvent(first, {
        path: "/certs/a.pem",
        sha256: SHA_A,
        remoteId: "id-1",
        action: "created",
        reason: null,
        attempts: 2,
        errorCode: null,
        errorMessage: null,
      });
      store.recordEvent(first, {
        path: "/certs/broken.cer",
        sha256: null,
        remoteId: null,
        action: "failed",
        reason: null,
        attempts: 0,
        errorCode: "malformed",
        errorMessage: "truncated",
      });
    });
    store.endRun(first, new Date("2026-02-03T04:05:09.000Z"), 1, {
      files: 2,
      certificates: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 1,
      superseded: 2,
      deleted: 3,
    });
    expect(query("SELECT * FROM runs ORDER BY id")).toEqual([
      {
        id: 1,
        started_at: "2026-02-03T04:05:06.789Z",
        ended_at: "2026-02-03T04:05:09.000Z",
        dry_run: 0,
        exit_code: 1,
        files: 2,
        certificates: 1,
        created: 1,
        updated: 0,
        unchanged: 0,
        skipped: 0,
        failed: 1,
        scope: SCOPE,
        superseded: 2,
        deleted: 3,
      },
      {
        id: 2,
        started_at: "2026-02-03T05:00:00.000Z",
        ended_at: null,
        dry_run: 1,
        exit_code: null,
        files: null,
        certificates: null,
        created: null,
        updated: null,
        unchanged: null,
        skipped: null,
        failed: null,
        scope: SCOPE,
        superseded: null,
        deleted: null,
      },
    ]);
    const events = query<Record<string, unknown>>("SELECT * FROM events ORDER BY id");
    expect(events.map(({ at, ...rest }) => ({ ...rest, at: typeof at }))).toEqual([
      {
        id: 1,
        run_id: 1,
        at: "string",
        path: "/certs/a.pem",
        sha256: SHA_A,
        remote_id: "id-1",
        action: "created",
        reason: null,
        attempts: 2,
        error_code: null,
        error_message: null,
      },
      {
        id: 2,
        run_id: 1,
        at: "string",
        path: "/certs/broken.cer",
        sha256: null,
        remote_id: null,
        action: "failed",
        reason: null,
        attempts: 0,
        error_code: "malformed",
        error_message: "truncated",
      },
    ]);
    expect(Number.isNaN(Date.parse(events[0]!.at as string))).toBe(false);
  });

  it("a transaction that throws writes nothing", () => {
    const run = store.startRun(new Date(), false);
    const event = {
      path: "/x",
      sha256: null,
      remoteId: null,
      action: "skipped",
      reason: "duplicate",
      attempts: 0,
      errorCode: null,
      errorMessage: null,
    };
    expect(() =>
      store.transaction(() => {
        store.recordEvent(run, event);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(query("SELECT count(*) AS n FROM events")).toEqual([{ n: 0 }]);
  });
});

describe("StateStore: the file", () => {
  it("is in WAL mode with schema version 6, marked as this tool's, its folder created", () => {
    expect(query("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    expect(query("PRAGMA user_version")).toEqual([{ user_version: 6 }]);
    expect(query("PRAGMA application_id")).toEqual([{ application_id: 0x49434353 }]);
  });

  it("opens a store written by version 1 (meta table, user_version 0): the caches are rebuilt", () => {
    store.close();
    rmSync(statePath);
    const v1 = new Database(statePath);
    v1.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema_version', '1');
      CREATE TABLE certificates (sha256 TEXT PRIMARY KEY, der BLOB NOT NULL, subject TEXT NOT NULL,
        not_after TEXT NOT NULL, remote_id TEXT, sent_fields TEXT, last_sent TEXT);
      CREATE TABLE files (path BLOB PRIMARY KEY, display TEXT NOT NULL, size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL, sha256s TEXT NOT NULL, parsed TEXT NOT NULL);
      INSERT INTO certificates VALUES ('${SHA_A}', x'01', 'CN=a', '2027-01-01T00:00:00Z', 'id-1', '{}', 'x');
    `);
    v1.close();
    store = new StateStore(statePath, SCOPE);
    store.rememberParses([
      {
        path: PATH,
        size: 1,
        mtimeMs: MTIME,
        ...KEY,
        parsed: parsed("/certs/a.pem", [certificate(SHA_B, [2])]),
      },
    ]);
    store.recordSent(SHA_B, { remoteId: "id-2", fields: "{}", lastSent: "y", shown: null, path: "/a" });
    expect([store.sent(SHA_A), store.sent(SHA_B)?.remoteId]).toEqual([null, "id-2"]);
    expect(lookUp([PATH]).map((hit) => hit?.size)).toEqual([1]);
  });
});
