import { type Asn1Block, childrenOf, decodeBer, integerOf, isUniversal, oidOf, Tag } from "./asn1.js";
import { isCertificateShaped } from "./certificate.js";

/** What a DER/BER blob turned out to be. */
export type DerKind =
  | { kind: "certificate" | "pkcs7" | "pkcs12"; block: Asn1Block }
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
  const root = decodeBer(bytes);
  if (root === null) {
    // A SEQUENCE with a long-form length is how every certificate container starts: call it truncated.
    const lengthByte = bytes[1] ?? 0;
    return bytes[0] === 0x30 && lengthByte >= 0x81 && lengthByte <= 0x84
      ? { kind: "truncated" }
      : { kind: "not_asn1" };
  }
  if (!isUniversal(root, Tag.sequence)) return { kind: "not_asn1" };
  if (isCertificateShaped(root)) return { kind: "certificate", block: root };
  const children = childrenOf(root);
  const [first] = children;
  if (isUniversal(first, Tag.oid) && oidOf(first, "contentType") === SIGNED_DATA)
    return { kind: "pkcs7", block: root };
  if (isPfx(children)) return { kind: "pkcs12", block: root };
  return { kind: "other", description: describeOther(children) };
}
