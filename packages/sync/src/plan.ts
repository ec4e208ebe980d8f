import type { BodyFields } from "@intune-codesign/uploader";
import { idFromFileName } from "./mapping.js";
import type { SentRecord } from "./state/store.js";
import { type FieldChange, fieldChanges, lowerId, renderingDigest, type TenantIndex } from "./tenant.js";

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

/**
 * Why an update is sent although the tenant shows the certificate's fields: `--force`; no write of this
 * certificate to this object is recorded (its content cannot be known: Intune nulls it); the fields last sent
 * differ from today's (e.g. `--full-dn-names` changed).
 */
export type UpdateCause = "force" | "unrecorded" | "settings_changed";

/** How a certificate's object was found (kept in logs and the event journal). */
export type Route = "map" | "state" | "file-name" | "match";

/** What the run will do with one candidate. */
export type Decision =
  | { action: "create" }
  /** `cause`: why an update whose fields the tenant already shows is sent anyway; null when `changes` say why. */
  | { action: "update"; id: string; route: Route; changes: FieldChange[]; cause: UpdateCause | null }
  /** `shown`: the tenant's rendering to record, when it differs from the one recorded but means the same. */
  | { action: "unchanged"; id: string; route: Route; shown: string | null }
  | { action: "skip"; reason: "unmapped" }
  | {
      action: "fail";
      code: "ambiguous_match" | "id_conflict" | "not_found";
      message: string;
      id: string | null;
    };

const CREATE: Decision = Object.freeze({ action: "create" });
const UNMAPPED: Decision = Object.freeze({ action: "skip", reason: "unmapped" });

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
    const object = context.tenant.get(id);
    if (object === undefined) {
      return {
        action: "fail",
        code: "not_found",
        message: `object ${id} (named by the ${route === "map" ? "map file" : "file name"}) is not in the tenant`,
        id,
      };
    }
    const changes = fieldChanges(object, fields);
    const recorded = sent?.remoteId.toLowerCase() === id;
    const sameFields = recorded && sent?.fields === serializeFields(fields);
    if (!context.force && sameFields) {
      // What the tenant showed after our last write, exactly, or another rendering of the same meaning (recorded).
      const rendering = renderingDigest(object);
      if (rendering === sent?.shown) return { action: "unchanged", id, route, shown: null };
      if (changes.length === 0) return { action: "unchanged", id, route, shown: rendering };
    }
    const cause =
      changes.length > 0 ? null : context.force ? "force" : recorded ? "settings_changed" : "unrecorded";
    return { action: "update", id, route, changes, cause };
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
  // The listing's id, not the store's copy of it: one string per object, however many look it up.
  const stored = sent ? tenant.get(sent.remoteId) : undefined;
  if (stored) return { id: lowerId(stored.id), route: "state" };
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
