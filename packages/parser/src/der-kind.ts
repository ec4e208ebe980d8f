import { type Asn1Block, decodeBer, firstChildren, integerOf, isUniversal, oidOf, Tag } from "./asn1.js";
import { type CertificateDer, certificateOf } from "./certificate.js";

/** What a DER/BER blob turned out to be. */
export type DerKind =
  | { kind: "certificate"; certificate: CertificateDer }
  | { kind: "pkcs7" | "pkcs12"; block: Asn1Block }
  | { kind: "other"; description: string }
  | { kind: "truncated" }
  | { kind: "not_asn1" };

const SIGNED_DATA = "1.2.840.113549.1.7.2";
const PKCS7_DATA = "1.2.840.113549.1.7.1";

function describeOther([first]: Asn1Block[]): string {
  if (isUniversal(first, Tag.oid)) return `a PKCS#7/CMS structure of type ${oidOf(first, "contentType")}`;
  if (isUniversal(first, Tag.integer)) return "a private key or other non-certificate structure";
  if (isUniversal(first, Tag.sequence))
    return "a signed structure that is not a certificate (e.g. a CSR or CRL)";
  return "an ASN.1 structure that is not a certificate";
}

function isPfx([version, authSafe]: Asn1Block[]): boolean {
  if (!isUniversal(version, Tag.integer) || !isUniversal(authSafe, Tag.sequence)) return false;
  const [contentType] = firstChildren(authSafe, 1);
  return (
    integerOf(version, "version") === 3n &&
    isUniversal(contentType, Tag.oid) &&
    [PKCS7_DATA, SIGNED_DATA].includes(oidOf(contentType, "contentType"))
  );
}

/** Classifies a blob by its ASN.1 shape (decoded once): the extension or armour label is only a hint. */
export function classifyDer(bytes: Uint8Array): DerKind {
  const root = decodeBer(bytes);
  if (root === null) {
    // A SEQUENCE with a long-form length is how every certificate and container starts: call it truncated.
    const lengthByte = bytes[1] ?? 0;
    return bytes[0] === 0x30 && lengthByte >= 0x81 && lengthByte <= 0x84
      ? { kind: "truncated" }
      : { kind: "not_asn1" };
  }
  if (!isUniversal(root, Tag.sequence) || !root.constructed) return { kind: "not_asn1" };
  const certificate = certificateOf(root);
  if (certificate) return { kind: "certificate", certificate };
  const children = firstChildren(root, 3);
  const [first] = children;
  if (isUniversal(first, Tag.oid) && oidOf(first, "contentType") === SIGNED_DATA)
    return { kind: "pkcs7", block: root };
  if (isPfx(children)) return { kind: "pkcs12", block: root };
  return { kind: "other", description: describeOther(children) };
}
