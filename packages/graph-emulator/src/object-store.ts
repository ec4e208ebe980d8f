import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parseDataFile } from "./data-file.js";
import type { StoredObject } from "./types.js";
import type { CertificateFields } from "./validate-body.js";
import { replaceFile } from "./write-file.js";

/** A page of objects and the position to continue after, if more remain. */
export interface Page {
  objects: StoredObject[];
  nextAfter: number | null;
}

/**
 * The emulated tenant's certificates, in creation order, optionally persisted to a JSON file.
 * Each object has a sequence number so a paging position survives deletions between pages.
 */
export class ObjectStore {
  private readonly entries = new Map<string, { sequence: number; object: StoredObject }>();
  private nextSequence = 1;

  /**
   * Loads `dataFile` when it exists, else creates it at once so an unwritable path fails at start rather
   * than on the first upload; every later change rewrites it atomically.
   */
  constructor(private readonly dataFile: string | undefined) {
    if (!dataFile) return;
    if (!existsSync(dataFile)) {
      this.persist();
      return;
    }
    for (const object of parseDataFile(readFileSync(dataFile, "utf8"))) this.put(object);
  }

  /** Copies of all objects, in creation order. */
  all(): StoredObject[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.object }));
  }

  /** A copy of one object, or undefined. */
  get(id: string): StoredObject | undefined {
    const entry = this.entries.get(id);
    return entry ? { ...entry.object } : undefined;
  }

  /**
   * Up to `size` matching objects created after position `after` (0 = from the start), passing over the first
   * `skip` matches.
   */
  page(after: number, size: number, matches: (object: StoredObject) => boolean, skip: number): Page {
    // Walked in place, stopping once a next page is known: a tenant of 100,000 is listed in 100 pages.
    const objects: StoredObject[] = [];
    let last = after;
    let skipped = 0;
    for (const entry of this.entries.values()) {
      if (entry.sequence <= after || !matches(entry.object)) continue;
      if (skipped < skip) {
        skipped++;
        last = entry.sequence;
        continue;
      }
      if (objects.length === size) return { objects, nextAfter: last };
      objects.push({ ...entry.object });
      last = entry.sequence;
    }
    return { objects, nextAfter: null };
  }

  /** Creates an object with a new GUID id (or the given one, for seeding). */
  create(fields: CertificateFields & { id?: string }): StoredObject {
    const object: StoredObject = {
      id: fields.id ?? randomUUID(),
      status: fields.status ?? "notProvisioned",
      subjectName: fields.subjectName ?? null,
      subject: fields.subject ?? null,
      issuerName: fields.issuerName ?? null,
      issuer: fields.issuer ?? null,
      expirationDateTime: fields.expirationDateTime ?? "0001-01-01T00:00:00.0000000Z",
      uploadDateTime: fields.uploadDateTime ?? "0001-01-01T00:00:00.0000000Z",
      content: fields.content ?? null,
    };
    this.put(object);
    this.persist();
    return { ...object };
  }

  /** Applies the present fields to an object; undefined when the id is unknown. */
  update(id: string, fields: CertificateFields): StoredObject | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const defined = Object.entries(fields).filter(([, value]) => value !== undefined);
    entry.object = { ...entry.object, ...Object.fromEntries(defined) };
    this.persist();
    return { ...entry.object };
  }

  /** Deletes an object; false when the id is unknown. */
  delete(id: string): boolean {
    const deleted = this.entries.delete(id);
    if (deleted) this.persist();
    return deleted;
  }

  private put(object: StoredObject): void {
    this.entries.set(object.id, { sequence: this.nextSequence++, object });
  }

  /** Write-then-rename so a crash mid-write never leaves a truncated data file. */
  private persist(): void {
    if (!this.dataFile) return;
    const objects = [...this.entries.values()].map((entry) => entry.object);
    replaceFile(this.dataFile, `${JSON.stringify({ objects }, null, 2)}\n`);
  }
}
