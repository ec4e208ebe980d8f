import type { FoundCertificate } from "./certificate.js";
import type { Candidate, Decision } from "./plan.js";
import type { ItemAction, ReportItem } from "./report.js";
import type { EventRecord } from "./state/store.js";

/**
 * A report item. Every item is made here, so all share one key order (the report's) and one shape: at 100,000 items,
 * items of assorted shapes cost V8 a hidden class each.
 */
export function reportItem(
  path: string,
  sha256: string | null,
  action: ItemAction,
  more: {
    id?: string | null;
    subject?: string | null;
    reason?: string | null;
    changes?: ReportItem["changes"];
    attempts?: number;
    error?: ReportItem["error"];
    signature?: ReportItem["signature"];
    warning?: ReportItem["warning"];
  } = {},
): ReportItem {
  const { id = null, subject = null, reason = null, changes = null, attempts = 0, error = null } = more;
  const { signature = null, warning = null } = more;
  return { path, sha256, id, action, subject, reason, changes, attempts, error, signature, warning };
}

/** What a report item says of where its certificate came from: a signed artefact's signature, an unverified file. */
export function provenance(certificate: FoundCertificate): Pick<ReportItem, "signature" | "warning"> {
  const { signature, warning = null } = certificate;
  if (!signature) return { signature: null, warning };
  const { index, nestedIn, role, digestAlgorithm, sha1Digest, publisherMatch = null } = signature;
  return { signature: { index, nestedIn, role, digestAlgorithm, sha1Digest, publisherMatch }, warning };
}

/**
 * Gives each candidate's item its certificate's provenance. The run replaces a candidate's item as it plans and
 * writes; doing this once, before the report is built, spares every such step carrying it along.
 */
export function addProvenance(
  items: ReportItem[],
  candidates: ReadonlyArray<{ item: number; certificate: FoundCertificate }>,
): void {
  for (const { item, certificate } of candidates) {
    if (certificate.signature === undefined && certificate.warning === undefined) continue;
    const slot = items[item]!;
    ({ signature: slot.signature, warning: slot.warning } = provenance(certificate));
  }
}

/** An item that failed with a code and message. */
export function failedItem(
  path: string,
  sha256: string | null,
  code: string,
  message: string,
  more: { attempts?: number; id?: string | null; subject?: string | null } = {},
): ReportItem {
  return reportItem(path, sha256, "failed", { ...more, error: { code, message } });
}

/** A write not yet done: if the run stops before it, the report says so (one object shared by every such item). */
export const PENDING: Readonly<{ code: string; message: string }> = Object.freeze({
  code: "interrupted",
  message: "the run stopped before this certificate was sent; the next run sends it",
});

/** The item a plan decision stands for (in a dry run, what would be done). */
export function itemForDecision(candidate: Candidate, decision: Decision, dryRun: boolean): ReportItem {
  const { path, sha256 } = candidate;
  const subject = candidate.fields.subject;
  switch (decision.action) {
    case "create":
      return dryRun
        ? reportItem(path, sha256, "created", { subject })
        : reportItem(path, sha256, "failed", { subject, error: PENDING });
    case "update": {
      const { id, changes, cause: reason } = decision;
      return dryRun
        ? reportItem(path, sha256, "updated", { id, subject, reason, changes })
        : reportItem(path, sha256, "failed", { id, subject, reason, changes, error: PENDING });
    }
    case "unchanged":
      return reportItem(path, sha256, "unchanged", { id: decision.id, subject });
    case "skip":
      return reportItem(path, sha256, "skipped", { subject, reason: decision.reason });
    case "fail":
      return failedItem(path, sha256, decision.code, decision.message, { id: decision.id, subject });
  }
}

/** An item as the state store journals it. */
export function eventOf(item: ReportItem): EventRecord {
  return {
    path: item.path,
    sha256: item.sha256,
    remoteId: item.id,
    action: item.action,
    reason: item.reason,
    attempts: item.attempts,
    errorCode: item.error?.code ?? null,
    errorMessage: item.error?.message ?? null,
  };
}
