import { hash } from "node:crypto";
import type { BodyFields, RemoteCertificate } from "@intune-codesign/uploader";
import { instantKey } from "@intune-codesign/uploader";
import { idFromFileName } from "./mapping.js";
import type { SentRecord } from "./state/store.js";

/** The body's fields that identify what was written: everything but content (implied by the SHA-256) and uploadDateTime. */
export type SentFields = BodyFields;

/** A certificate eligible for upload, as the plan sees it. */
export interface Candidate {
  path: string;
  sha256: string;
  /** The object the `--map` file names for it (by path or SHA-256), else null. */
  mapped: string | null;
  /** What its body would write (a getter where candidates are many: derived when asked, not kept). */
  readonly fields: SentFields;
}

/** How a certificate's object was found (kept in logs and the event journal). */
export type Route = "map" | "state" | "file-name" | "match";

/** What the run will do with one candidate. */
export type Decision =
  | { action: "create" }
  | { action: "update"; id: string; route: Route }
  | { action: "unchanged"; id: string; route: Route }
  | { action: "skip"; reason: "unmapped" }
  | { action: "fail"; code: "ambiguous_match" | "id_conflict"; message: string; id: string | null };

const CREATE: Decision = Object.freeze({ action: "create" });
const UNMAPPED: Decision = Object.freeze({ action: "skip", reason: "unmapped" });

/**
 * The tenant as one listing showed it, reduced to what the plan compares: per object, a digest of the fields it
 * shows, and its id under a digest of its subject, issuer and expiry. At 100,000 objects a listed object's strings
 * (content above all, though Intune nulls it) would cost far more than the two digests.
 */
export class TenantIndex {
  /** Lower-cased id → digest of what the object shows. */
  private readonly shown = new Map<string, string>();
  /** Digest of subject, issuer and expiry instant → the id (as listed) of each object with them. */
  private readonly byIdentity = new Map<string, string | string[]>();

  constructor(objects: Iterable<RemoteCertificate> = []) {
    for (const object of objects) this.add(object);
  }

  add(object: RemoteCertificate): void {
    this.shown.set(object.id.toLowerCase(), shownDigest(object));
    if (object.subject === null || object.issuer === null) return;
    const key = identityDigest(object.subject, object.issuer, object.expirationDateTime);
    const ids = this.byIdentity.get(key);
    if (ids === undefined) this.byIdentity.set(key, object.id);
    else if (typeof ids === "string") this.byIdentity.set(key, [ids, object.id]);
    else ids.push(object.id);
  }

  /** Objects listed. */
  get size(): number {
    return this.shown.size;
  }

  has(id: string): boolean {
    return this.shown.has(id.toLowerCase());
  }

  /** Whether the object with this id still shows what was sent (Intune nulls `content`, so it is not compared). */
  shows(id: string, fields: SentFields): boolean {
    return this.shown.get(id.toLowerCase()) === shownDigest(fields);
  }

  /** Ids (as listed) of the objects whose subject, issuer and expiry (as an instant, to Graph's 100 ns) equal these. */
  matching(fields: SentFields): string[] {
    const ids = this.byIdentity.get(identityDigest(fields.subject, fields.issuer, fields.expirationDateTime));
    return ids === undefined ? [] : typeof ids === "string" ? [ids] : ids;
  }
}

type Shown = Pick<RemoteCertificate, "subject" | "issuer" | "subjectName" | "issuerName" | "status"> & {
  expirationDateTime: string | null;
};

function shownDigest(o: Shown): string {
  return digest([
    o.subject,
    o.issuer,
    o.subjectName,
    o.issuerName,
    o.status,
    instantKey(o.expirationDateTime),
  ]);
}

function identityDigest(subject: string, issuer: string, expiry: string | null): string {
  return digest([subject, issuer, instantKey(expiry)]);
}

/** 128 bits of SHA-256 over the values' JSON: a collision is as likely as guessing a random GUID. */
function digest(values: Array<string | null>): string {
  return hash("sha256", JSON.stringify(values), "base64").slice(0, 22);
}

/** The serialized form of the fields, as the state store keeps them. */
export function serializeFields(fields: SentFields): string {
  return JSON.stringify(fields);
}

export interface PlanContext {
  tenant: TenantIndex;
  /** The store's record of the certificate's last write. */
  sent: (sha256: string) => SentRecord | null;
  force: boolean;
  create: boolean;
}

/**
 * Decides each candidate's fate, in the documented order of routes: map file, state store, GUID file name,
 * a remote object with the same subject, issuer and expiry, else a create. Two objects matching one certificate,
 * or one object claimed by two certificates, is a failure for that certificate: never a guess.
 */
export function planCandidates(candidates: Candidate[], context: PlanContext): Decision[] {
  const claimedBy = new Map<string, string>();
  return candidates.map((candidate) => {
    const fields = candidate.fields;
    const sent = context.sent(candidate.sha256);
    const found = findObject(candidate, fields, sent, context.tenant);
    if ("action" in found) return found;
    const { id, route } = found;
    if (id === null) return context.create ? CREATE : UNMAPPED;
    const owner = claimedBy.get(id);
    if (owner !== undefined && owner !== candidate.sha256) {
      return {
        action: "fail",
        code: "id_conflict",
        message: `object ${id} is already the target of certificate ${owner} in this run`,
        id,
      };
    }
    claimedBy.set(id, candidate.sha256);
    const unchanged =
      !context.force &&
      sent?.remoteId.toLowerCase() === id &&
      sent.fields === serializeFields(fields) &&
      context.tenant.shows(id, fields);
    return unchanged ? { action: "unchanged", id, route } : { action: "update", id, route };
  });
}

function findObject(
  candidate: Candidate,
  fields: SentFields,
  sent: SentRecord | null,
  tenant: TenantIndex,
): { id: string | null; route: Route } | Extract<Decision, { action: "fail" }> {
  if (candidate.mapped) return { id: candidate.mapped, route: "map" };
  // An object deleted in the console since the last run is not a target any more: look further.
  if (sent && tenant.has(sent.remoteId)) return { id: sent.remoteId.toLowerCase(), route: "state" };
  const named = idFromFileName(candidate.path);
  if (named) return { id: named, route: "file-name" };
  const matches = tenant.matching(fields);
  if (matches.length > 1) {
    return {
      action: "fail",
      code: "ambiguous_match",
      message: `${matches.length} objects in the tenant have this subject, issuer and expiry: ${matches.join(", ")}; map the certificate explicitly with --map`,
      id: null,
    };
  }
  if (matches.length === 1) return { id: matches[0]!.toLowerCase(), route: "match" };
  return { id: null, route: "match" };
}
