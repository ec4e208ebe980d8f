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
    const certificates = file.certificates.map((certificate) => {
      const seen = this.#seen.has(certificate.sha256);
      this.#seen.add(certificate.sha256);
      // A certificate already skipped for its own reason keeps it: that reason says more than `duplicate`.
      return seen && certificate.upload
        ? { ...certificate, upload: false, skipReason: "duplicate" as const }
        : certificate;
    });
    return { ...file, certificates };
  }
}
