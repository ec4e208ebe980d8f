import { dirname } from "node:path";
import { bodyFields } from "@intune-codesign/uploader";
import { describeFailure } from "./failure.js";
import { watchSignals } from "./interruption.js";
import { type GraphSettings, graphClient, listTenant } from "./list-tenant.js";
import { type Candidate, type Decision, planCandidates, type SentFields } from "./plan.js";
import { type CertificateReading, type ReadSettings, readCertificates } from "./read-certificates.js";
import { type Backer, backersOf, type ClassifiedObject, classifyObjects } from "./reconcile.js";
import type { RunWarning } from "./report.js";
import { sentFields } from "./state/rows.js";
import { type ManagedRecord, StateStore } from "./state/store.js";
import type { StatusClass } from "./status-classes.js";
import { type FieldChange, instantMs, lineageKey, type TenantIndex } from "./tenant.js";

/** What `status` needs: how to read the folders (none: the tenant alone) and reach the tenant, and the state store. */
export interface StatusSettings extends ReadSettings, GraphSettings {
  scope: string;
  statePath: string;
  /** An object expiring within this many milliseconds is `expiring`. */
  expiringWithinMs: number;
}

/** One line of `status`: a tenant object (each exactly once), or a certificate with no object (`missing`). */
export interface StatusEntry {
  class: StatusClass;
  /** The object's certificate has expired (an object's flag, on top of its class). */
  expired: boolean;
  /** It expires within `--expiring-within`. */
  expiring: boolean;
  id: string | null;
  status: string | null;
  subject: string | null;
  issuer: string | null;
  expirationDateTime: string | null;
  uploadDateTime: string | null;
  /** The file backing the object (or, for `superseded`, the file of its renewal); for `missing`, the file. */
  path: string | null;
  sha256: string | null;
  /** For `drift`: the fields that differ, what the tenant shows → what the file says. */
  changes: FieldChange[] | null;
  /** Why, where a class needs one: a missing certificate's plan code, a superseded object's renewal. */
  reason: string | null;
}

/** How `status` ended: it saw the tenant (`ok`), or could not list it (and why). */
export type StatusResult = "ok" | "failed" | "unreachable" | "auth_failed" | "interrupted";

/** What `status` found. */
export interface StatusOutcome {
  result: StatusResult;
  /** Sorted by expiry, soonest first (no expiry last). */
  entries: StatusEntry[];
  /** Files that could not be read (their certificates cannot be judged). */
  problems: Array<{ path: string; code: string; message: string }>;
  /** What looks like a mistake in the input, as upload warns of it (an empty folder, an unused map key). */
  warnings: RunWarning[];
  /** Why the tenant could not be listed, when it could not. */
  error: { code: string; message: string } | null;
}

/**
 * The tenant as it is, joined with the folders and the state store, through the same phases as `upload` (walk and
 * parse with the cache, one listing, the plan's look-up chain), read-only: the store is opened read-only and no lock
 * is taken, so `status` neither waits for a running upload nor disturbs it (in WAL mode each of its reads sees committed writes only).
 */
export async function runStatus(settings: StatusSettings): Promise<StatusOutcome> {
  const store = StateStore.openReadOnly(settings.statePath, settings.scope, settings.logger);
  const interruption = watchSignals(settings.logger);
  try {
    const reading: CertificateReading =
      settings.roots.length > 0
        ? await readCertificates(settings, store, { writeCache: null, stop: interruption.stopping })
        : { files: 0, certificates: 0, items: [], candidates: [], expired: [], warnings: [] };
    const problems = reading.items.flatMap((item) =>
      item.action === "failed" && item.sha256 === null && item.error
        ? [{ path: item.path, code: item.error.code, message: item.error.message }]
        : [],
    );
    const { warnings } = reading;
    if (interruption.stopping.aborted) {
      return { result: "interrupted", entries: [], problems, warnings, error: null };
    }
    let tenant: TenantIndex;
    try {
      tenant = await listTenant(graphClient(settings, interruption), settings.logger);
    } catch (error) {
      const failure = describeFailure(error, interruption.aborting.aborted);
      settings.logger.error({ code: failure.code }, `listing the tenant failed: ${failure.message}`);
      const result = interruption.stopping.aborted
        ? "interrupted"
        : failure.unreachable
          ? "unreachable"
          : failure.auth
            ? "auth_failed"
            : "failed";
      const reason = { code: failure.code, message: failure.message };
      return { result, entries: [], problems, warnings, error: reason };
    }
    const managed = store?.managed() ?? new Map<string, ManagedRecord[]>();
    const sent = (sha256: string) => store?.sent(sha256) ?? null;
    const entries: StatusEntry[] = [];
    let backers: Backer[];
    if (settings.roots.length > 0) {
      // The status the tenant should show is the one last written (upload's --status), else upload's default.
      const candidates: Candidate[] = reading.candidates.map((c) => ({
        path: c.path,
        sha256: c.sha256,
        mapped: c.mapped,
        fields: expectedFields(c.fields, sent(c.sha256)?.fields),
      }));
      const decisions = planCandidates(candidates, { tenant, sent, force: false, create: true });
      const planned = candidates.map((candidate, index) => ({ candidate, decision: decisions[index]! }));
      const expired = reading.expired.map(({ path, certificate }) => ({
        path,
        sha256: certificate.sha256,
        fields: expectedFields(bodyFields(certificate, settings.body), sent(certificate.sha256)?.fields),
      }));
      // A renewal not yet uploaded supersedes nothing yet: only certificates with objects count.
      backers = backersOf(planned, expired, { tenant, sent }).map(({ path, sha256, fields, id }) => ({
        path,
        sha256,
        fields,
        id,
        creates: false,
      }));
      for (const { candidate, decision } of planned) {
        const reason = missingReason(decision);
        if (reason !== null) entries.push(missingEntry(candidate, reason));
      }
    } else {
      backers = storeBackers(tenant, managed);
    }
    const now = Date.now();
    for (const o of classifyObjects(tenant, backers, managed)) {
      entries.push(objectEntry(o, now, settings.expiringWithinMs));
    }
    entries.sort(byExpiry);
    return { result: "ok", entries, problems, warnings, error: null };
  } finally {
    interruption.dispose();
    store?.close();
  }
}

/** The certificate's fields, with the status the last write sent (JSON as the store keeps it), if any. */
function expectedFields(fields: SentFields, sentJson: string | undefined): SentFields {
  if (sentJson === undefined) return fields;
  const sent = sentFields(sentJson);
  return sent.status ? { ...fields, status: sent.status } : fields;
}

/** Why a certificate has no object, or null when it has one. */
function missingReason(decision: Decision): string | null {
  switch (decision.action) {
    case "create":
      return "no_object";
    case "skip":
      return decision.reason;
    case "fail":
      return decision.code === "ambiguous_match" ? null : decision.code;
    default:
      return null;
  }
}

/**
 * Without folders, the store's records stand for the files: each backs its object with the fields it last sent,
 * unless a later certificate of the same subject and issuer from the same file or folder backs another object
 * (then its own object is superseded).
 */
function storeBackers(tenant: TenantIndex, managed: Map<string, ManagedRecord[]>): Backer[] {
  const records = [...managed.values()].flatMap((list) =>
    list
      .filter((record) => tenant.has(record.remoteId))
      .map((record) => {
        const fields = sentFields(record.fields);
        return { record, fields, lineage: lineageKey(fields.subject, fields.issuer) };
      }),
  );
  const renewed = (r: (typeof records)[number]) =>
    records.some(
      (other) =>
        other !== r &&
        other.lineage === r.lineage &&
        other.record.remoteId !== r.record.remoteId &&
        (instantMs(other.fields.expirationDateTime) ?? 0) > (instantMs(r.fields.expirationDateTime) ?? 0) &&
        (other.record.path === r.record.path || dirname(other.record.path) === dirname(r.record.path)),
    );
  return records
    .filter((r) => !renewed(r))
    .map(({ record, fields }) => ({
      path: record.path,
      sha256: record.sha256,
      fields,
      id: record.remoteId,
      creates: false,
    }));
}

function objectEntry(o: ClassifiedObject, now: number, expiringWithinMs: number): StatusEntry {
  const { object } = o;
  const expiry = instantMs(object.expirationDateTime);
  const backer = o.backer;
  return {
    class: o.class,
    expired: expiry !== null && expiry <= now,
    expiring: expiry !== null && expiry > now && expiry <= now + expiringWithinMs,
    id: object.id,
    status: object.status,
    subject: object.subject,
    issuer: object.issuer,
    expirationDateTime: object.expirationDateTime,
    uploadDateTime: object.uploadDateTime,
    path: backer?.path ?? o.managed?.path ?? null,
    sha256:
      o.class === "superseded" || o.class === "orphan"
        ? (o.managed?.sha256 ?? null)
        : (backer?.sha256 ?? null),
    changes: o.class === "drift" ? o.changes : null,
    reason: o.class === "superseded" ? `renewed by ${backer?.sha256} in ${backer?.path}` : null,
  };
}

function missingEntry(candidate: Candidate, reason: string): StatusEntry {
  const { fields } = candidate;
  return {
    class: "missing",
    expired: false,
    expiring: false,
    id: null,
    status: null,
    subject: fields.subject,
    issuer: fields.issuer,
    expirationDateTime: fields.expirationDateTime,
    uploadDateTime: null,
    path: candidate.path,
    sha256: candidate.sha256,
    changes: null,
    reason,
  };
}

/** Soonest expiry first; entries without one last; ties by id, then path, so the order is stable. */
function byExpiry(a: StatusEntry, b: StatusEntry): number {
  const x = instantMs(a.expirationDateTime) ?? Number.POSITIVE_INFINITY;
  const y = instantMs(b.expirationDateTime) ?? Number.POSITIVE_INFINITY;
  if (x !== y) return x < y ? -1 : 1;
  return `${a.id ?? ""}\u0000${a.path ?? ""}`.localeCompare(`${b.id ?? ""}\u0000${b.path ?? ""}`);
}
