import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateEntry, ParsedFile } from "@intune-codesign/parser";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateStore } from "./store.js";

let dir: string;
let statePath: string;
let store: StateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-store-"));
  statePath = join(dir, "nested", "state.db");
  store = new StateStore(statePath);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

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

const PATH = Buffer.from("/certs/a.pem");
const MTIME = 1_700_000_000_123.25;

describe("StateStore: the file cache", () => {
  it("hits while size and mtime are unchanged, and misses on either change", () => {
    expect(store.cachedParse(PATH, 10, MTIME)).toBeNull();
    const file = parsed("/certs/a.pem", [certificate(SHA_A, [1, 2, 3])]);
    const remembered = store.rememberParse(PATH, 10, MTIME, file);
    const { der: _der, ...withoutDer } = file.certificates[0]!;
    const expected = { path: "/certs/a.pem", format: "pem", error: null, certificates: [withoutDer] };
    expect(remembered).toEqual(expected);
    expect(store.cachedParse(PATH, 10, MTIME)).toEqual(expected);
    expect(store.cachedParse(PATH, 11, MTIME)).toBeNull();
    expect(store.cachedParse(PATH, 10, MTIME + 0.001)).toBeNull();
    expect(store.cachedParse(Buffer.from("/certs/b.pem"), 10, MTIME)).toBeNull();
  });

  it("replaces a file's entry when it is parsed again", () => {
    store.rememberParse(PATH, 10, MTIME, parsed("/certs/a.pem", [certificate(SHA_A, [1])]));
    store.rememberParse(PATH, 20, MTIME + 1, parsed("/certs/a.pem", [certificate(SHA_B, [2])]));
    expect(store.cachedParse(PATH, 10, MTIME)).toBeNull();
    expect(store.cachedParse(PATH, 20, MTIME + 1)?.certificates.map((c) => c.sha256)).toEqual([SHA_B]);
    expect(query("SELECT display, size, mtime_ms, sha256s FROM files")).toEqual([
      { display: "/certs/a.pem", size: 20, mtime_ms: MTIME + 1, sha256s: JSON.stringify([SHA_B]) },
    ]);
  });

  it("keys by the path's bytes (names need not be valid UTF-8)", () => {
    const latin1 = Buffer.from([0x2f, 0x63, 0x61, 0x66, 0xe9]);
    const other = Buffer.from([0x2f, 0x63, 0x61, 0x66, 0xe8]);
    store.rememberParse(latin1, 1, MTIME, parsed("/caf\\xe9", []));
    expect(store.cachedParse(latin1, 1, MTIME)?.path).toBe("/caf\\xe9");
    expect(store.cachedParse(other, 1, MTIME)).toBeNull();
  });

  it("does not cache a failed parse, but keeps the DER of the certificates it did yield", () => {
    const failed = parsed("/certs/a.pem", [certificate(SHA_A, [9, 8])], {
      code: "malformed",
      message: "block 2 is broken",
    });
    store.rememberParse(PATH, 10, MTIME, failed);
    store.rememberParse(Buffer.from("/certs/p.pfx"), 5, MTIME, {
      path: "/certs/p.pfx",
      format: "pkcs12",
      error: { code: "bad_password", message: "wrong password" },
      certificates: [],
    });
    expect(store.cachedParse(PATH, 10, MTIME)).toBeNull();
    expect(store.cachedParse(Buffer.from("/certs/p.pfx"), 5, MTIME)).toBeNull();
    expect(query("SELECT count(*) AS n FROM files")).toEqual([{ n: 0 }]);
    expect(Buffer.from(store.der(SHA_A))).toEqual(Buffer.from([9, 8]));
  });

  it("keeps each certificate's DER once, and throws for one it never saw", () => {
    store.rememberParse(PATH, 1, MTIME, parsed("/certs/a.pem", [certificate(SHA_A, [1, 2])]));
    store.rememberParse(Buffer.from("/certs/copy.pem"), 1, MTIME, parsed("/x", [certificate(SHA_A, [1, 2])]));
    expect(Buffer.from(store.der(SHA_A))).toEqual(Buffer.from([1, 2]));
    expect(query("SELECT sha256, subject, not_after FROM certificates")).toEqual([
      { sha256: SHA_A, subject: "CN=aaaa", not_after: "2027-01-01T00:00:00Z" },
    ]);
    expect(() => store.der(SHA_B)).toThrow(`certificate ${SHA_B} is not in the state store`);
  });

  it("survives closing and reopening", () => {
    store.rememberParse(PATH, 10, MTIME, parsed("/certs/a.pem", [certificate(SHA_A, [1])]));
    store.close();
    store = new StateStore(statePath);
    expect(store.cachedParse(PATH, 10, MTIME)?.certificates).toHaveLength(1);
  });
});

describe("StateStore: what was sent where", () => {
  const record = {
    remoteId: "id-1",
    fields: '{"status":"provisioned"}',
    lastSent: "2026-01-01T00:00:00.000Z",
  };

  it("recordSent, sent and forgetRemote", () => {
    store.rememberParse(PATH, 1, MTIME, parsed("/certs/a.pem", [certificate(SHA_A, [1])]));
    expect(store.sent(SHA_A)).toBeNull();
    store.recordSent(SHA_A, record);
    expect(store.sent(SHA_A)).toEqual(record);
    store.recordSent(SHA_A, { ...record, remoteId: "id-2" });
    expect(store.sent(SHA_A)).toEqual({ ...record, remoteId: "id-2" });
    store.forgetRemote(SHA_A);
    expect(store.sent(SHA_A)).toBeNull();
    // Forgetting the object keeps the certificate itself.
    expect(Buffer.from(store.der(SHA_A))).toEqual(Buffer.from([1]));
  });

  it("a certificate the store never saw has no record", () => {
    expect(store.sent(SHA_B)).toBeNull();
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
  it("is in WAL mode with schema version 1, its folder created", () => {
    expect(query("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    expect(query("SELECT key, value FROM meta")).toEqual([{ key: "schema_version", value: "1" }]);
  });
});
