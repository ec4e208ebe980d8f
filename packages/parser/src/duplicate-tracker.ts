import type { CertificateEntry } from "./types.js";

/** The part of a parsed file the tracker needs (a cached parse without DER bytes qualifies too). */
interface TrackedFile {
  certificates: Array<Pick<CertificateEntry, "sha256" | "upload" | "skipReason">>;
}

/** Marks certificates already seen (same SHA-256) in earlier files as `duplicate`; feed files in sorted path order. */
export class DuplicateTracker {
  readonly #seen = new Set<string>();

  /** Returns the file with repeated certificates skipped as `duplicate`, and remembers its certificates. */
  mark<File extends TrackedFile>(file: File): File {
    const certificates = file.certificates.map((certificate) =>
      // A certificate already skipped for its own reason keeps it: that reason says more than `duplicate`.
      this.seen(certificate.sha256) && certificate.upload
        ? { ...certificate, upload: false, skipReason: "duplicate" as const }
        : certificate,
    );
    return { ...file, certificates };
  }

  /** Whether this certificate was met before; remembers it either way (for callers that judge in place). */
  seen(sha256: string): boolean {
    if (this.#seen.has(sha256)) return true;
    this.#seen.add(sha256);
    return false;
  }
}
