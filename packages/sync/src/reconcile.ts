import { dirname } from "node:path";
import type { Candidate, Decision, SentFields } from "./plan.js";
import type { ManagedFile, SentRecord } from "./state/store.js";
import {
  type FieldChange,
  fieldChanges,
  identityKey,
  instantMs,
  type ListedObject,
  lineageKey,
  type TenantIndex,
} from "./tenant.js";

/** What an object in the tenant is to the folders and the state store (see the README's status classes). */
export type ObjectClass = "in_sync" | "drift" | "orphan" | "unmanaged" | "superseded" | "duplicate";

/** A certificate in the folders and the object it backs: found now, or (`id` null) to be created by this run. */
export interface Backer {
  readonly path: string;
  readonly sha256: string;
  readonly fields: SentFields;
  /** The object's id, lower-cased. */
  readonly id: string | null;
  /** True when this run creates its object (an upload's plan): it replaces a predecessor as one found would. */
  readonly creates: boolean;
}

/** A certificate's fields, derived when asked: a backer is kept per certificate, 100,000 of them in a large run. */
interface BackerSource {
  path: string;
  sha256: string;
  readonly fields: SentFields;
}

/** A backer that holds its certificate by reference only. */
class SourceBacker implements Backer {
  constructor(
    private readonly source: BackerSource,
    readonly id: string | null,
    readonly creates: boolean,
  ) {}

  get path(): string {
    return this.source.path;
  }

  get sha256(): string {
    return this.source.sha256;
  }

  get fields(): SentFields {
    return this.source.fields;
  }
}

/** One listed object, classified. */
export interface ClassifiedObject {
  object: ListedObject;
  class: ObjectClass;
  /** The certificate backing it, or the one a superseded object's certificate was replaced by. */
  backer: Backer | null;
  /** The certificate this tool last wrote to it, if any: only such objects are ever pruned. */
  managed: ManagedFile | null;
  /** For `drift`: the fields that differ, what the tenant shows → what the file says. */
  changes: FieldChange[];
}

/**
 * Classifies every listed object once: backed by a file (`in_sync` or `drift`), a copy of a backed certificate
 * (`duplicate`), written by this tool and replaced by a renewal (`superseded`) or by nothing (`orphan`), or never
 * written by this tool (`unmanaged`). A renewal is a certificate with the same subject and issuer (as names), a later
 * expiry, in the same file or folder as the one it replaces, that backs an object (or will, once created).
 */
export function classifyObjects(
  tenant: TenantIndex,
  backers: Backer[],
  managed: ReadonlyMap<string, ManagedFile[]>,
): ClassifiedObject[] {
  const backedBy = new Map<string, Backer>();
  for (const backer of backers) if (backer.id !== null) backedBy.set(backer.id.toLowerCase(), backer);
  // Keyed by name only when an object no certificate backs asks: a run whose certificates back every object (a
  // cron job's usual run) parses no name, and keying 100,000 certificates costs seconds and tens of MB.
  let byIdentity: Map<string, Backer[]> | null = null;
  let byLineage: Map<string, Backer[]> | null = null;
  const classified: ClassifiedObject[] = [];
  for (const object of tenant.all()) {
    const id = object.id.toLowerCase();
    const records = managed.get(id) ?? [];
    const record = records.at(-1) ?? null;
    const backer = backedBy.get(id);
    if (backer) {
      const changes = fieldChanges(object, backer.fields);
      classified.push({
        object,
        class: changes.length > 0 ? "drift" : "in_sync",
        backer,
        managed: record,
        changes,
      });
      continue;
    }
    // A copy of a certificate that backs another object (or matches several: an ambiguous match).
    byIdentity ??= keyed(backers, (b) =>
      identityKey(b.fields.subject, b.fields.issuer, b.fields.expirationDateTime),
    );
    const copied =
      object.subject === null || object.issuer === null
        ? undefined
        : byIdentity.get(identityKey(object.subject, object.issuer, object.expirationDateTime))?.at(-1);
    if (copied) {
      classified.push({ object, class: "duplicate", backer: copied, managed: record, changes: [] });
      continue;
    }
    if (record === null) {
      classified.push({ object, class: "unmanaged", backer: null, managed: null, changes: [] });
      continue;
    }
    byLineage ??= keyed(backers, (b) => lineageKey(b.fields.subject, b.fields.issuer));
    const renewal = renewalOf(object, records, byLineage);
    classified.push({
      object,
      class: renewal ? "superseded" : "orphan",
      backer: renewal,
      managed: record,
      changes: [],
    });
  }
  return classified;
}

/** The backers by a key, in their order. */
function keyed(backers: Backer[], key: (backer: Backer) => string): Map<string, Backer[]> {
  const map = new Map<string, Backer[]>();
  for (const backer of backers) {
    const k = key(backer);
    const list = map.get(k);
    if (list === undefined) map.set(k, [backer]);
    else list.push(backer);
  }
  return map;
}

/** The certificate that replaces this object's, if a renewal does. */
function renewalOf(
  object: ListedObject,
  records: ManagedFile[],
  byLineage: Map<string, Backer[]>,
): Backer | null {
  const expiry = instantMs(object.expirationDateTime);
  if (expiry === null) return null;
  const candidates = byLineage.get(lineageKey(object.subject, object.issuer)) ?? [];
  return (
    candidates.find((backer) => {
      if (backer.id === null && !backer.creates) return false;
      const later = (instantMs(backer.fields.expirationDateTime) ?? 0) > expiry;
      const near = records.some((r) => r.path === backer.path || dirname(r.path) === dirname(backer.path));
      return later && near;
    }) ?? null
  );
}

/**
 * The certificates that back (or, with a planned create, will back) objects: the candidates as the plan decided,
 * and the certificates skipped as expired, found by the state store or a unique match (they back their objects
 * until pruned).
 */
export function backersOf(
  planned: Array<{ candidate: Candidate; decision: Decision }>,
  expired: BackerSource[],
  context: { tenant: TenantIndex; sent: (sha256: string) => SentRecord | null },
): Backer[] {
  const { tenant } = context;
  const backer = (c: BackerSource, id: string | null, creates = false) => new SourceBacker(c, id, creates);
  const backers: Backer[] = [];
  for (const { candidate, decision } of planned) {
    if (decision.action === "unchanged" || decision.action === "update") {
      backers.push(backer(candidate, decision.id));
    } else if (
      decision.action === "create" ||
      (decision.action === "fail" && decision.code === "ambiguous_match")
    ) {
      backers.push(backer(candidate, null, decision.action === "create"));
    }
  }
  for (const certificate of expired) {
    const sent = context.sent(certificate.sha256);
    if (sent && tenant.has(sent.remoteId)) {
      backers.push(backer(certificate, sent.remoteId.toLowerCase()));
      continue;
    }
    const matches = tenant.matching(certificate.fields);
    if (matches.length > 0)
      backers.push(backer(certificate, matches.length === 1 ? matches[0]!.toLowerCase() : null));
  }
  return backers;
}
