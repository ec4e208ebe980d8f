import { hash } from "node:crypto";
import { instantKey, type RemoteCertificate } from "@intune-codesign/uploader";
import { nameKey } from "./names.js";

/** A listed object as a run keeps it: everything but `content` (which Intune nulls, and which would cost the most). */
export type ListedObject = Omit<RemoteCertificate, "content">;

/** The fields compared between a certificate and its object. */
type Compared = {
  status: string;
  subject: string | null;
  issuer: string | null;
  expirationDateTime: string | null;
};

/** One field that differs by meaning: what the tenant shows and what the certificate would write. */
export interface FieldChange {
  field: "status" | "subject" | "issuer" | "expirationDateTime";
  from: string | null;
  to: string | null;
}

/**
 * The fields of `to` that differ by meaning from `from`: names as names, the expiry as an instant, status as it is.
 * The simple names (`subjectName`, `issuerName`) count only through the full names, as a tenant may derive them.
 */
export function fieldChanges(from: Compared, to: Compared): FieldChange[] {
  const changes: FieldChange[] = [];
  if (from.status !== to.status) changes.push({ field: "status", from: from.status, to: to.status });
  for (const field of ["subject", "issuer"] as const) {
    if (from[field] !== to[field] && nameKey(from[field]) !== nameKey(to[field])) {
      changes.push({ field, from: from[field], to: to[field] });
    }
  }
  if (instantKey(from.expirationDateTime) !== instantKey(to.expirationDateTime)) {
    changes.push({ field: "expirationDateTime", from: from.expirationDateTime, to: to.expirationDateTime });
  }
  return changes;
}

/**
 * A digest of an object's rendering, exactly as shown: the state store keeps the one the tenant showed after our
 * last write, so that the next run's comparison is one string comparison, however the tenant renders names.
 */
export function renderingDigest(
  o: Pick<ListedObject, keyof Compared | "subjectName" | "issuerName">,
): string {
  return digest([o.subject, o.issuer, o.subjectName, o.issuerName, o.status, o.expirationDateTime]);
}

/** A key equal for certificates with the same subject and issuer (as names) and expiry (as an instant). */
export function identityKey(subject: string | null, issuer: string | null, expiry: string | null): string {
  return digest([nameKey(subject), nameKey(issuer), instantKey(expiry)]);
}

/** A key equal for certificates with the same subject and issuer as names: a renewal keeps it. */
export function lineageKey(subject: string | null, issuer: string | null): string {
  return digest([nameKey(subject), nameKey(issuer)]);
}

/** The key of the state store's records for one tenant: its cloud, tenant id and Graph base URL. */
export function tenantScope(cloud: string, tenantId: string | undefined, graphUrl: string): string {
  return JSON.stringify([cloud, tenantId?.toLowerCase() ?? "", graphUrl.replace(/\/+$/, "")]);
}

/** 128 bits of SHA-256 over the values' JSON: a collision is as likely as guessing a random GUID. */
function digest(values: Array<string | null>): string {
  return hash("sha256", JSON.stringify(values), "base64").slice(0, 22);
}

/**
 * The tenant as one listing showed it. Names are parsed only when the remote match needs them (the index of
 * identities is built on its first use): a run whose certificates are all in the state store compares digests only.
 */
export class TenantIndex {
  /** Lower-cased id → the object. */
  private readonly objects = new Map<string, ListedObject>();
  /** One copy of each issuer, issuer name and status seen. */
  private readonly strings = new Map<string, string>();
  /** Identity key → the id (as listed) of each object with it; built when first asked. */
  private byIdentity: Map<string, string | string[]> | null = null;

  constructor(objects: Iterable<RemoteCertificate> = []) {
    for (const object of objects) this.add(object);
  }

  add(object: RemoteCertificate): void {
    // A fresh literal of one shape (no `content`); the few issuers and statuses are kept once each, not per object.
    const { id, status, subjectName, subject, issuerName, issuer, expirationDateTime, uploadDateTime } =
      object;
    this.objects.set(lowerId(id), {
      id,
      status: this.interned(status),
      subjectName,
      subject,
      issuerName: this.interned(issuerName),
      issuer: this.interned(issuer),
      expirationDateTime,
      uploadDateTime,
    });
    this.byIdentity = null;
  }

  private interned<T extends string | null>(value: T): T {
    if (value === null) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  /** Objects listed. */
  get size(): number {
    return this.objects.size;
  }

  has(id: string): boolean {
    return this.objects.has(id.toLowerCase());
  }

  /** The object with this id, whatever the case of either. */
  get(id: string): ListedObject | undefined {
    return this.objects.get(id.toLowerCase());
  }

  /** Every listed object, in listing order. */
  all(): IterableIterator<ListedObject> {
    return this.objects.values();
  }

  /** Ids (as listed) of the objects whose subject and issuer (as names) and expiry (as an instant) equal these. */
  matching(fields: Pick<Compared, "subject" | "issuer" | "expirationDateTime">): string[] {
    this.byIdentity ??= this.identities();
    const ids = this.byIdentity.get(identityKey(fields.subject, fields.issuer, fields.expirationDateTime));
    return ids === undefined ? [] : typeof ids === "string" ? [ids] : ids;
  }

  private identities(): Map<string, string | string[]> {
    const index = new Map<string, string | string[]>();
    for (const object of this.objects.values()) {
      if (object.subject === null || object.issuer === null) continue;
      const key = identityKey(object.subject, object.issuer, object.expirationDateTime);
      const ids = index.get(key);
      if (ids === undefined) index.set(key, object.id);
      else if (typeof ids === "string") index.set(key, [ids, object.id]);
      else ids.push(object.id);
    }
    return index;
  }
}

/** The id lower-cased; the very string when it already is (toLowerCase copies it: 100,000 ids are MBs). */
export function lowerId(id: string): string {
  const lower = id.toLowerCase();
  return lower === id ? id : lower;
}

/** A DateTimeOffset as epoch milliseconds (fractions past the millisecond dropped); null when it is none. */
export function instantMs(value: string | null): number | null {
  if (value === null) return null;
  const key = instantKey(value);
  if (key === null || key.startsWith("!")) return null;
  const [seconds, ticks] = key.split(".").map(Number) as [number, number];
  return seconds * 1000 + Math.floor(ticks / 10_000);
}
