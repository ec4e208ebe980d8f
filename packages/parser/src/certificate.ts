import { hash } from "node:crypto";
import { algorithmName, keyBitsForOid } from "./algorithm-names.js";
import { childrenOf, decodeBerOrThrow, encodingOf, isContext, Tag } from "./asn1.js";
import { certificateTime } from "./certificate-time.js";
import {
  byteString,
  childNodes,
  type DerNode,
  decodeDerPrefix,
  expectChildNodes,
  isContextNode,
  isUniversalNode,
  oidOfNode,
  stringBytes,
} from "./der-tree.js";
import { decodeName, renderWindowsDn, simpleName } from "./distinguished-name.js";
import { decodeExtensions } from "./extensions.js";
import { ParseError } from "./parse-error.js";
import type { CertificateInfo } from "./types.js";

/** A certificate's exact DER bytes and their decoded tree. */
export interface CertificateDer {
  der: Uint8Array;
  tree: DerNode;
}

/** A decoded certificate plus its SubjectPublicKeyInfo, which only PKCS#12 key matching needs. */
export interface DecodedCertificate {
  info: CertificateInfo;
  /** The SPKI's exact encoding, located on demand: most containers never ask. */
  spki(): Uint8Array;
}

const RSA = "1.2.840.113549.1.1.1";
const RSA_PSS = "1.2.840.113549.1.1.10";

/** True when a decoded element has the shape of an X.509 Certificate (not a CSR, CRL or key). */
function isCertificateShaped(node: DerNode): boolean {
  const outer = isUniversalNode(node, Tag.sequence) ? childNodes(node) : [];
  const tbs = outer.length === 3 && isUniversalNode(outer[0], Tag.sequence) ? outer[0].value : [];
  if (typeof tbs === "string") return false;
  const at = isContextNode(tbs[0], 0) ? 1 : 0;
  return (
    isUniversalNode(tbs[at], Tag.integer) &&
    [1, 2, 3, 4, 5].every((i) => isUniversalNode(tbs[at + i], Tag.sequence)) &&
    isUniversalNode(outer[2], Tag.bitString)
  );
}

/** DER forbids end-of-contents octets (universal tag 0) in a certificate; asn1js, which came before, rejected them. */
function holdsEndOfContents(node: DerNode): boolean {
  return isUniversalNode(node, 0) || childNodes(node).some(holdsEndOfContents);
}

/**
 * Decodes the certificate at the start of `bytes` (node-forge's ASN.1 layer, an order of magnitude faster than
 * asn1js here); null when the bytes do not hold a certificate-shaped element.
 */
export function decodeCertificateDer(bytes: Uint8Array): CertificateDer | null {
  const decoded = bytes[0] === 0x30 ? decodeDerPrefix(byteString(bytes)) : null;
  if (decoded === null || !isCertificateShaped(decoded.node) || holdsEndOfContents(decoded.node)) return null;
  return { der: bytes.subarray(0, decoded.length), tree: decoded.node };
}

/** Lower-case hex of an INTEGER's content, leading zero bytes left out. */
function serialHex(node: DerNode | undefined): string {
  if (!isUniversalNode(node, Tag.integer) || typeof node.value !== "string")
    throw new ParseError("malformed", "serialNumber: expected an INTEGER");
  return stringBytes(node.value.replace(/^\0+(?=.)/s, "")).toString("hex");
}

function rsaModulusBits(subjectPublicKey: string): number | null {
  const key = decodeDerPrefix(subjectPublicKey.slice(1))?.node;
  const modulus = key && typeof key.value !== "string" ? key.value[0] : undefined;
  if (!isUniversalNode(modulus, Tag.integer) || typeof modulus.value !== "string") return null;
  const bytes = modulus.value.replace(/^\0+(?=.)/s, "");
  const top = bytes.charCodeAt(0) || 0;
  return (bytes.length - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top));
}

function readPublicKey(spki: DerNode | undefined): { algorithm: string; bits: number | null } {
  const [algorithm, key] = expectChildNodes(spki, Tag.sequence, "subjectPublicKeyInfo");
  const [oidNode, parameters] = expectChildNodes(algorithm, Tag.sequence, "subjectPublicKeyInfo");
  const oid = oidOfNode(oidNode, "subjectPublicKeyInfo");
  if (!isUniversalNode(key, Tag.bitString) || typeof key.value !== "string")
    throw new ParseError("malformed", "subjectPublicKey: expected a BIT STRING");
  let bits: number | null;
  if (oid === RSA || oid === RSA_PSS) bits = rsaModulusBits(key.value);
  else if (isUniversalNode(parameters, Tag.oid) && typeof parameters.value === "string")
    bits = keyBitsForOid(oidOfNode(parameters, "subjectPublicKeyInfo"));
  else bits = keyBitsForOid(oid);
  return { algorithm: algorithmName(oid), bits };
}

function renderName(node: DerNode | undefined, what: string): { rendered: string; simple: string } {
  if (!isUniversalNode(node, Tag.sequence)) throw new ParseError("malformed", `${what}: expected a Name`);
  try {
    const name = decodeName(node, what);
    return { rendered: renderWindowsDn(name), simple: simpleName(name) };
  } catch (error) {
    throw error instanceof ParseError ? new ParseError("malformed", `${what}: ${error.message}`) : error;
  }
}

/** The ISO 8601 form of a validity time, or throws `malformed`. */
function isoTime(node: DerNode | undefined, what: string): string {
  const isTime = isUniversalNode(node, 23) || isUniversalNode(node, 24);
  if (!isTime || typeof node.value !== "string")
    throw new ParseError("malformed", `${what}: expected a time`);
  return certificateTime(node.type === 24, node.value, what);
}

/** The SPKI's exact encoding, found with asn1js (forge keeps no encodings); only PKCS#12 key matching asks. */
function spkiOf(der: Uint8Array): Uint8Array {
  const [tbs] = childrenOf(decodeBerOrThrow(der, "certificate"));
  const fields = tbs ? childrenOf(tbs) : [];
  const spki = fields[(isContext(fields[0], 0) ? 1 : 0) + 5];
  if (!spki) throw new ParseError("malformed", "subjectPublicKeyInfo is missing");
  return encodingOf(spki);
}

/** Decodes a certificate-shaped element; `malformed` when a field is broken. */
export function readCertificate({ der: bytes, tree }: CertificateDer): DecodedCertificate {
  const [tbsNode, signatureAlgorithm] = expectChildNodes(tree, Tag.sequence, "certificate");
  const tbs = expectChildNodes(tbsNode, Tag.sequence, "tbsCertificate");
  const at = isContextNode(tbs[0], 0) ? 1 : 0;
  const issuer = renderName(tbs[at + 2], "issuer");
  const [notBefore, notAfter] = expectChildNodes(tbs[at + 3], Tag.sequence, "validity");
  const subject = renderName(tbs[at + 4], "subject");
  const publicKey = readPublicKey(tbs[at + 5]);
  const extensions = decodeExtensions(tbs.slice(at + 6).find((node) => isContextNode(node, 3)));
  // A copy the certificate owns: it crosses threads as a transferred buffer.
  const der = new Uint8Array(bytes);
  const info: CertificateInfo = {
    der,
    // One-shot digests: no Hash object per certificate for the collector to finalise.
    sha256: hash("sha256", der, "hex"),
    sha1: hash("sha1", der, "hex"),
    serialNumber: serialHex(tbs[at]),
    subject: subject.rendered,
    subjectName: subject.simple,
    issuer: issuer.rendered,
    issuerName: issuer.simple,
    notBefore: isoTime(notBefore, "notBefore"),
    notAfter: isoTime(notAfter, "notAfter"),
    isCA: extensions.isCA,
    keyUsage: extensions.keyUsage,
    extendedKeyUsage: extensions.extendedKeyUsage,
    signatureAlgorithm: algorithmName(
      oidOfNode(
        expectChildNodes(signatureAlgorithm, Tag.sequence, "signatureAlgorithm")[0],
        "signatureAlgorithm",
      ),
    ),
    publicKeyAlgorithm: publicKey.algorithm,
    publicKeySize: publicKey.bits,
  };
  return { info, spki: () => spkiOf(der) };
}
