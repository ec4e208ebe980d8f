import { type DuplicateTracker, isExpired, type ParsedFile } from "@intune-codesign/parser";
import { type FoundCertificate, keptCertificate } from "./certificate.js";
import type { EntryResult } from "./parse-entries.js";
import type { CachedFile } from "./state/store.js";

/** A file as a run sees it, fresh from the parser or from the cache. */
export type FoundFile = Pick<ParsedFile, "path" | "error"> & { certificates: FoundCertificate[] };

/**
 * A fresh or cached parse as the run keeps it: the fields a body needs and the verdicts, nothing else (no DER, no
 * copies: at 100,000 files every object per certificate counts). Expiry is judged against this run's clock, also for
 * parses cached by an earlier run, and duplicates in sorted path order.
 */
export function foundFile(
  path: string,
  parsed: EntryResult<CachedFile>,
  tracker: DuplicateTracker,
  issuers: Map<string, string>,
  now: Date,
): FoundFile {
  const fresh = "fresh" in parsed;
  const cached = fresh
    ? parsed.fresh.certificates.map((c) => keptCertificate(c, parsed.fresh.warning))
    : parsed.cached.certificates;
  const certificates = cached.map((certificate): FoundCertificate => {
    // Most certificates share a few issuers: one copy of each issuer's strings is kept, not one per certificate.
    certificate.issuer = interned(issuers, certificate.issuer);
    certificate.issuerName = interned(issuers, certificate.issuerName);
    const duplicate = tracker.seen(certificate.sha256);
    const skipReason =
      certificate.skipReason ??
      (isExpired(certificate.notAfter, now.getTime()) ? "expired" : duplicate ? "duplicate" : null);
    return skipReason === certificate.skipReason ? certificate : { ...certificate, skipReason };
  });
  return { path, error: fresh ? parsed.fresh.error : parsed.cached.error, certificates };
}

function interned(strings: Map<string, string>, value: string): string {
  const known = strings.get(value);
  if (known !== undefined) return known;
  strings.set(value, value);
  return value;
}
