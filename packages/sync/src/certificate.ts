import type { CertificateEntry, SignatureSource } from "@intune-codesign/parser";

/** A certificate as a run keeps it, with its verdict in its file: the fields a body is built from, no DER. */
export interface FoundCertificate {
  sha256: string;
  subject: string;
  subjectName: string;
  issuer: string;
  issuerName: string;
  notAfter: string;
  skipReason: CertificateEntry["skipReason"];
  /** Which signature of a signed artefact it came from; absent for certificate files (most of a large batch). */
  signature?: SignatureSource | undefined;
  /** Why its file's integrity was not verified (some PKCS#12 files); absent when it was, or needs none. */
  warning?: string | undefined;
}

/** The part of a certificate a run keeps, as a fresh literal, so that nothing else of a parse stays referenced. */
export function foundCertificate(c: FoundCertificate): FoundCertificate {
  const { sha256, subject, subjectName, issuer, issuerName, notAfter, skipReason, signature, warning } = c;
  const found: FoundCertificate = { sha256, subject, subjectName, issuer, issuerName, notAfter, skipReason };
  if (signature) found.signature = signatureSource(signature);
  if (warning) found.warning = warning;
  return found;
}

function signatureSource(s: SignatureSource): SignatureSource {
  const { index, nestedIn, role, digestAlgorithm, sha1Digest, publisherMatch } = s;
  const source: SignatureSource = { index, nestedIn, role, digestAlgorithm, sha1Digest };
  if (publisherMatch !== undefined) source.publisherMatch = publisherMatch;
  return source;
}

/** A fresh parse's certificate as a run keeps it; its file's warning goes with it (the report shows it on its item). */
export function keptCertificate(c: CertificateEntry, fileWarning: string | undefined): FoundCertificate {
  return foundCertificate(fileWarning ? { ...c, warning: fileWarning } : c);
}
