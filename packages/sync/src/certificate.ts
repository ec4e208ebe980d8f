import type { CertificateEntry } from "@intune-codesign/parser";

/** A certificate as a run keeps it, with its verdict in its file: the fields a body is built from, no DER. */
export interface FoundCertificate {
  sha256: string;
  subject: string;
  subjectName: string;
  issuer: string;
  issuerName: string;
  notAfter: string;
  skipReason: CertificateEntry["skipReason"];
}

/** The part of a certificate a run keeps, as a fresh literal, so that nothing else of a parse stays referenced. */
export function foundCertificate(c: FoundCertificate): FoundCertificate {
  const { sha256, subject, subjectName, issuer, issuerName, notAfter, skipReason } = c;
  return { sha256, subject, subjectName, issuer, issuerName, notAfter, skipReason };
}
