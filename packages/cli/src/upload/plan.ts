import type { BodyFields, RemoteCertificate } from "@intune-codesign/uploader";
import { sameInstant } from "@intune-codesign/uploader";
import type { SentRecord } from "../state/store.js";
import { idFromFileName, type MappingFile } from "./mapping.js";

/** The body's fields that identify what was written: everything but content (implied by the SHA-256) and uploadDateTime. */
export type SentFields = BodyFields;

/** A certificate eligible for upload, as the plan sees it. */
export interface Candidate {
  path: string;
  /** Path relative to its scanned folder, `/`-separated (what `--map` keys name). */
  relative: string;
  sha256: string;
  fields: SentFields;
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

/** The tenant as one list showed it, indexed for the two look-ups the plan needs. */
export class TenantIndex {
  private readonly byId = new Map<string, RemoteCertificate>();
  private readonly bySubjectAndIssuer = new Map<string, RemoteCertificate[]>();

  constructor(objects: RemoteCertificate[]) {
    for (const object of objects) {
      this.byId.set(object.id.toLowerCase(), object);
      if (object.subject === null || object.issuer === null) continue;
      const key = JSON.stringify([object.subject, object.issuer]);
      this.bySubjectAndIssuer.set(key, [...(this.bySubjectAndIssuer.get(key) ?? []), object]);
    }
  }

  get(id: string): RemoteCertificate | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** Objects whose subject, issuer and expiry (as an instant, to Graph's 100 ns) equal the certificate's. */
  matching(fields: SentFields): RemoteCertificate[] {
    const sameNames = this.bySubjectAndIssuer.get(JSON.stringify([fields.subject, fields.issuer])) ?? [];
    return sameNames.filter((object) => sameInstant(object.expirationDateTime, fields.expirationDateTime));
  }
}

/** The serialized form of the fields, as the state store keeps them. */
export function serializeFields(fields: SentFields): string {
  return JSON.stringify(fields);
}

/** Whether the listed object still shows what was sent (Intune nulls `content`, so it is not compared). */
function remoteShows(remote: RemoteCertificate, fields: SentFields): boolean {
  return (
    remote.subject === fields.subject &&
    remote.issuer === fields.issuer &&
    remote.subjectName === fields.subjectName &&
    remote.issuerName === fields.issuerName &&
    remote.status === fields.status &&
    sameInstant(remote.expirationDateTime, fields.expirationDateTime)
  );
}

export interface PlanContext {
  tenant: TenantIndex;
  mapping: MappingFile | null;
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
    const found = findObject(candidate, context);
    if ("action" in found) return found;
    const { id, route } = found;
    if (id === null) return context.create ? { action: "create" } : { action: "skip", reason: "unmapped" };
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
    const sent = context.sent(candidate.sha256);
    const remote = context.tenant.get(id);
    const unchanged =
      !context.force &&
      sent?.remoteId.toLowerCase() === id &&
      sent.fields === serializeFields(candidate.fields) &&
      remote !== undefined &&
      remoteShows(remote, candidate.fields);
    return unchanged ? { action: "unchanged", id, route } : { action: "update", id, route };
  });
}

function findObject(
  candidate: Candidate,
  context: PlanContext,
): { id: string | null; route: Route } | Extract<Decision, { action: "fail" }> {
  const mapped =
    context.mapping?.byPath.get(candidate.relative) ?? context.mapping?.bySha256.get(candidate.sha256);
  if (mapped) return { id: mapped, route: "map" };
  const sent = context.sent(candidate.sha256);
  // An object deleted in the console since the last run is not a target any more: look further.
  if (sent && context.tenant.get(sent.remoteId)) return { id: sent.remoteId.toLowerCase(), route: "state" };
  const named = idFromFileName(candidate.path);
  if (named) return { id: named, route: "file-name" };
  const matches = context.tenant.matching(candidate.fields);
  if (matches.length > 1) {
    return {
      action: "fail",
      code: "ambiguous_match",
      message: `${matches.length} objects in the tenant have this subject, issuer and expiry: ${matches.map((m) => m.id).join(", ")}; map the certificate explicitly with --map`,
      id: null,
    };
  }
  if (matches.length === 1) return { id: matches[0]!.id.toLowerCase(), route: "match" };
  return { id: null, route: "match" };
}
