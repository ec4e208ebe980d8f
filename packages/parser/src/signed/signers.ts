import { type DecodedCertificate, readCertificate } from "../certificate.js";
import { ParseError } from "../parse-error.js";
import type { CertificateEntry, SignatureSource, SkipReason } from "../types.js";
import { skipReason } from "../verdict.js";
import { type CertificateRef, names } from "./certificate-ref.js";
import type { Signature } from "./signed-data.js";

const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

type Role = SignatureSource["role"];

function reasonFor(role: Role, certificate: DecodedCertificate, now: number): SkipReason | null {
  const { isCA, extendedKeyUsage } = certificate.info;
  if (role === "signer") return skipReason(certificate, true, now);
  if (isCA) return "ca_certificate";
  if (role === "timestamp") return "not_code_signing";
  const codeSigning =
    extendedKeyUsage === null ||
    extendedKeyUsage.includes(CODE_SIGNING) ||
    extendedKeyUsage.includes(ANY_EXTENDED_KEY_USAGE);
  return codeSigning ? "not_signer" : "not_code_signing";
}

/**
 * Every certificate of an artefact's signatures, once each: the certificate a SignerInfo names is the candidate
 * (judged as any certificate is: CA, EKU, expiry); the rest are skipped as `ca_certificate` (intermediates, roots),
 * `not_code_signing` (timestamping authorities) or `not_signer`. A certificate in several signatures is listed at
 * its first, or at the first that names it as signer.
 */
export function signatureEntries(signatures: Signature[], now: Date): CertificateEntry[] {
  const found = new Map<string, CertificateEntry>();
  const add = (signature: Signature, ref: CertificateRef, role: Role): void => {
    if (!ref.certificate)
      throw new ParseError("malformed", `signature ${signature.index}: a certificate is broken`);
    const certificate = readCertificate(ref.certificate);
    const earlier = found.get(certificate.info.sha256);
    if (earlier && (earlier.signature?.role === "signer" || role !== "signer")) return;
    const reason = reasonFor(role, certificate, now.getTime());
    const { index, nestedIn, digestAlgorithm } = signature;
    found.set(certificate.info.sha256, {
      ...certificate.info,
      upload: reason === null,
      skipReason: reason,
      signature: { index, nestedIn, role, digestAlgorithm, sha1Digest: digestAlgorithm === "sha1" },
    });
  };
  for (const signature of signatures) {
    for (const ref of signature.certificates) {
      const role: Role = signature.signers.some((id) => names(id, ref))
        ? "signer"
        : signature.timestampSigners.some((id) => names(id, ref))
          ? "timestamp"
          : "chain";
      add(signature, ref, role);
    }
    for (const ref of signature.timestampCertificates) add(signature, ref, "timestamp");
  }
  return [...found.values()];
}

/** Which signatures name a signer whose certificate they do not carry, as a message, or null. */
export function missingSigners(signatures: Signature[]): string | null {
  const missing = signatures
    .filter((s) => !s.signers.every((id) => s.certificates.some((ref) => names(id, ref))))
    .map((s) => s.index);
  return missing.length === 0
    ? null
    : `signature ${missing.join(", ")}: the signer's certificate is not in the signature`;
}
