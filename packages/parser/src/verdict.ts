import { createPublicKey } from "node:crypto";
import type { DecodedCertificate } from "./certificate.js";
import type { CertificateEntry, SkipReason } from "./types.js";

const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

/** Re-encodes an SPKI so equal keys compare equal whatever optional encoding choices the issuer made. */
function normalizedSpki(spki: Uint8Array): string | null {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" })
      .export({ type: "spki", format: "der" })
      .toString("hex");
  } catch {
    return null;
  }
}

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

/**
 * Whether a certificate's SPKI is one of the keys' (always, when no keys are known). Byte-equal SPKIs match at
 * once: a paired key's SPKI is its certificate's own bytes, and re-encoding both through OpenSSL cost more than
 * the rest of judging a PKCS#12. Only when no bytes match are the encodings normalised, once per key.
 */
function keyHolder(keyPublicKeys: Uint8Array[] | null): (spki: Uint8Array) => boolean {
  if (!keyPublicKeys || keyPublicKeys.length === 0) return () => true;
  const raw = new Set(keyPublicKeys.map(hex));
  let normalized: Set<string | null> | undefined;
  return (spki) => {
    if (raw.has(hex(spki))) return true;
    normalized ??= new Set(keyPublicKeys.map(normalizedSpki));
    return normalized.has(normalizedSpki(spki));
  };
}

/** Why one certificate is not uploaded (`holdsKey`: its private key is in the file, or no keys are), else null. */
export function skipReason(
  certificate: DecodedCertificate,
  holdsKey: boolean,
  now: number,
): SkipReason | null {
  const { info } = certificate;
  if (!holdsKey) return info.isCA ? "ca_certificate" : "no_private_key";
  if (info.isCA) return "ca_certificate";
  const usages = info.extendedKeyUsage;
  if (usages !== null && !usages.includes(CODE_SIGNING) && !usages.includes(ANY_EXTENDED_KEY_USAGE)) {
    return "not_code_signing";
  }
  return isExpired(info.notAfter, now) ? "expired" : null;
}

/** Whether a certificate has expired at `now` (ms): its notAfter is the last instant it is valid (RFC 5280). */
export function isExpired(notAfter: string, now: number): boolean {
  return Date.parse(notAfter) < now;
}

/** Reasons that mark chain material rather than a certificate someone meant to upload. */
const CHAIN_MATERIAL: ReadonlySet<SkipReason | null> = new Set(["ca_certificate", "no_private_key"]);

/**
 * Decides which certificates are uploaded. In a PKCS#12 holding private keys only the certificates of
 * those keys are candidates; elsewhere every non-CA certificate is. Chain material is left out of a file that
 * has a candidate, and yielded (skipped) only from a file that holds nothing else.
 */
export function judgeCertificates(
  certificates: DecodedCertificate[],
  keyPublicKeys: Uint8Array[] | null,
  now: Date,
): CertificateEntry[] {
  const holdsKey = keyHolder(keyPublicKeys);
  const entries = certificates.map((certificate): CertificateEntry => {
    const reason = skipReason(certificate, holdsKey(certificate.spki), now.getTime());
    return { ...certificate.info, upload: reason === null, skipReason: reason };
  });
  const candidates = entries.filter((entry) => !CHAIN_MATERIAL.has(entry.skipReason));
  return candidates.length > 0 ? candidates : entries;
}
