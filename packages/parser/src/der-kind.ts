import {
  type Asn1Block,
  childrenOf,
  decodeBer,
  integerOf,
  isContext,
  isUniversal,
  oidOf,
  Tag,
} from "./asn1.js";
import { type CertificateDer, decodeCertificateDer } from "./certificate.js";

/** What a DER/BER blob turned out to be. */
export type DerKind =
  | { kind: "certificate"; certificate: CertificateDer }
  | { kind: "pkcs7" | "pkcs12"; block: Asn1Block }
  | { kind: "other"; description: string }
  | { kind: "truncated" }
  | { kind: "not_asn1" };

const SIGNED_DATA = "1.2.840.113549.1.7.2";
const PKCS7_DATA = "1.2.840.113549.1.7.1";

function describeOther(children: Asn1Block[]): string {
  const [first] = children;
  if (isUniversal(first, Tag.oid)) return `a PKCS#7/CMS structure of type ${oidOf(first, "contentType")}`;
  if (isUniversal(first, Tag.integer)) return "a private key or other non-certificate structure";
  if (isUniversal(first, Tag.sequence))
    return "a signed structure that is not a certificate (e.g. a CSR or CRL)";
  return "an ASN.1 structure that is not a certificate";
}

/**
 * A certificate's outline as asn1js sees it. The fast decoder rejected these bytes, so a match is a broken
 * certificate (asn1js tolerates inconsistent inner lengths and end-of-contents octets that node-forge refuses).
 */
function looksLikeCertificate(root: Asn1Block): boolean {
  const outer = childrenOf(root);
  const tbs =
    outer.length === 3 && isUniversal(outer[0], Tag.sequence) ? childrenOf(outer[0] as Asn1Block) : [];
  const at = isContext(tbs[0], 0) ? 1 : 0;
  return (
    isUniversal(tbs[at], Tag.integer) &&
    [1, 2, 3, 4, 5].every((i) => isUniversal(tbs[at + i], Tag.sequence)) &&
    isUniversal(outer[2], Tag.bitString)
  );
}

function isPfx(children: Asn1Block[]): boolean {
  const [version, authSafe] = children;
  if (!isUniversal(version, Tag.integer) || !isUniversal(authSafe, Tag.sequence)) return false;
  const [contentType] = childrenOf(authSafe);
  return (
    integerOf(version, "version") === 3n &&
    isUniversal(contentType, Tag.oid) &&
    [PKCS7_DATA, SIGNED_DATA].includes(oidOf(contentType, "contentType"))
  );
}

/** Classifies a blob by its ASN.1 shape: the extension or armour label is only a hint. */
export function classifyDer(bytes: Uint8Array): DerKind {
  // Certificates are nearly every input: they take the fast decoder, and only other blobs reach asn1js.
  const certificate = decodeCertificateDer(bytes);
  if (certificate) return { kind: "certificate", certificate };
  const root = decodeBer(bytes);
  if (root === null) {
    // A SEQUENCE with a long-form length is how every certificate container starts: call it truncated.
    const lengthByte = bytes[1] ?? 0;
    return bytes[0] === 0x30 && lengthByte >= 0x81 && lengthByte <= 0x84
      ? { kind: "truncated" }
      : { kind: "not_asn1" };
  }
  if (!isUniversal(root, Tag.sequence)) return { kind: "not_asn1" };
  if (looksLikeCertificate(root)) return { kind: "truncated" };
  const children = childrenOf(root);
  const [first] = children;
  if (isUniversal(first, Tag.oid) && oidOf(first, "contentType") === SIGNED_DATA)
    return { kind: "pkcs7", block: root };
  if (isPfx(children)) return { kind: "pkcs12", block: root };
  return { kind: "other", description: describeOther(children) };
}
