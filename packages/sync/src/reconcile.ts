import { dirname } from "node:path";
import type { Candidate, Decision, SentFields } from "./plan.js";
import type { ManagedRecord, SentRecord } from "./state/store.js";
import {
  type FieldChange,
  fieldChanges,
  instantMs,
  type ListedObject,
  lineageKey,
  type TenantIndex,
} from "./tenant.js";

/** What an object in the tenant is to the folders and the state store (see the README's status classes). */
export type ObjectClass = "in_sync" | "drift" | "orphan" | "unmanaged" | "superseded" | "duplicate";

/** A certificate in the folders and the object it backs: found now, or (`id` null) to be created by this run. */
export interface Backer {
  path: string;
  sha256: string;
  fields: SentFields;
  id: string | null;
  /** True when this run creates its object (an upload's plan): it replaces a predecessor as one found would. */
  creates: boolean;
  /** Objects with its identity that are not its own (an ambiguous match, or copies beside its object). */
  duplicates: string[];
}

/** One listed object, classified. */
export interface ClassifiedObject {
  object: ListedObject;
  class: ObjectClass;
  /** The certificate backing it, or the one a superseded object's certificate was replaced by. */
  backer: Backer | null;
  /** The certificate this tool last wrote to it, if any: only such objects are ever pruned. */
  managed: ManagedRecord | null;
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
  managed: Map<string, ManagedRecord[]>,
): ClassifiedObject[] {
  const backedBy = new Map<string, Backer>();
  const duplicateOf = new Map<string, Backer>();
  const byLineage = new Map<string, Backer[]>();
  for (const backer of backers) {
    if (backer.id !== null) backedBy.set(backer.id.toLowerCase(), backer);
    for (const id of backer.duplicates) duplicateOf.set(id.toLowerCase(), backer);
    const key = lineageKey(backer.fields.subject, backer.fields.issuer);
    byLineage.set(key, [...(byLineage.get(key) ?? []), backer]);
  }
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
    const copied = duplicateOf.get(id);
    if (copied) {
      classified.push({ object, class: "duplicate", backer: copied, managed: record, changes: [] });
      continue;
    }
    if (record === null) {
      classified.push({ object, class: "unmanaged", backer: null, managed: null, changes: [] });
      continue;
    }
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

/** The certificate that replaces this object's, if a renewal does. */
function renewalOf(
  object: ListedObject,
  records: ManagedRecord[],
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
  expired: Array<{ path: string; sha256: string; fields: SentFields }>,
  context: { tenant: TenantIndex; sent: (sha256: string) => SentRecord | null },
): Backer[] {
  const { tenant } = context;
  const backer = (
    c: { path: string; sha256: string; fields: SentFields },
    id: string | null,
    creates = false,
  ) => {
    const duplicates = tenant.matching(c.fields).filter((other) => other.toLowerCase() !== id);
    return { path: c.path, sha256: c.sha256, fields: c.fields, id, creates, duplicates };
  };
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
    const matches = tenant.matching(certificate.fields);
    const id = sent && tenant.has(sent.remoteId) ? sent.remoteId : matches.length === 1 ? matches[0]! : null;
    if (id !== null || matches.length > 1) backers.push(backer(certificate, id?.toLowerCase() ?? null));
  }
  return backers;
}
