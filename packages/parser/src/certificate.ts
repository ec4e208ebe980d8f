import { hash } from "node:crypto";
import { algorithmName, keyBitsForOid } from "./algorithm-names.js";
import {
  type Asn1Block,
  childrenOf,
  contentOf,
  decodeBer,
  encodingOf,
  expectConstructed,
  firstChildren,
  isContext,
  isUniversal,
  oidOf,
  Tag,
} from "./asn1.js";
import { certificateTime } from "./certificate-time.js";
import { decodeName, renderWindowsDn, simpleName } from "./distinguished-name.js";
import { decodeExtensions } from "./extensions.js";
import { ParseError } from "./parse-error.js";
import { latin1Text } from "./text.js";
import type { CertificateInfo } from "./types.js";

/** A certificate-shaped element (decoded once, where it was found) and its exact encoding. */
export interface CertificateDer {
  der: Uint8Array;
  tree: Asn1Block;
}

/** A decoded certificate plus its SubjectPublicKeyInfo, which only PKCS#12 key matching needs. */
export interface DecodedCertificate {
  info: CertificateInfo;
  /** The SPKI's exact encoding (a view into `info.der`). */
  spki: Uint8Array;
}

/** Version, six fields, two unique IDs and the extensions: a TBSCertificate's fields, nothing after them read. */
const TBS_FIELDS = 10;

const RSA = "1.2.840.113549.1.1.1";
const RSA_PSS = "1.2.840.113549.1.1.10";

/** A TBSCertificate's fields, and where its serial number sits (after the version, when there is one). */
function tbsFields(tbsBlock: Asn1Block | undefined): { tbs: Asn1Block[]; at: number } {
  const tbs = isUniversal(tbsBlock, Tag.sequence) ? firstChildren(tbsBlock, TBS_FIELDS) : [];
  return { tbs, at: isContext(tbs[0], 0) ? 1 : 0 };
}

/** True when an element has the shape of an X.509 Certificate (not a CSR, CRL or key): the one shape check. */
function isCertificateShaped(block: Asn1Block): boolean {
  const outer = isUniversal(block, Tag.sequence) ? firstChildren(block, 4) : [];
  const { tbs, at } = tbsFields(outer.length === 3 ? outer[0] : undefined);
  return (
    isUniversal(tbs[at], Tag.integer) &&
    [1, 2, 3, 4, 5].every((i) => isUniversal(tbs[at + i], Tag.sequence)) &&
    isUniversal(outer[2], Tag.bitString)
  );
}

/** The certificate an already decoded element is, or null when it is not certificate-shaped. */
export function certificateOf(block: Asn1Block): CertificateDer | null {
  return isCertificateShaped(block) ? { der: encodingOf(block), tree: block } : null;
}

/** Decodes the certificate at the start of `bytes`; null when they do not hold a certificate-shaped element. */
export function decodeCertificateDer(bytes: Uint8Array): CertificateDer | null {
  const block = bytes[0] === 0x30 ? decodeBer(bytes) : null;
  return block === null ? null : certificateOf(block);
}

/** Lower-case hex of an INTEGER's content, leading zero bytes left out. */
function serialHex(serial: Asn1Block | undefined): string {
  if (!isUniversal(serial, Tag.integer) || serial.constructed)
    throw new ParseError("malformed", "serialNumber: expected an INTEGER");
  const content = contentOf(serial);
  const first = content.findIndex((byte) => byte !== 0);
  return Buffer.from(content.subarray(first === -1 ? Math.max(content.length - 1, 0) : first)).toString(
    "hex",
  );
}

/** The bit length of the modulus in an RSAPublicKey, its leading zero bytes left out. */
function rsaModulusBits(subjectPublicKey: Uint8Array): number | null {
  const key = decodeBer(subjectPublicKey.subarray(1));
  const modulus = key?.constructed ? childrenOf(key)[0] : undefined;
  if (!isUniversal(modulus, Tag.integer) || modulus.constructed) return null;
  const content = contentOf(modulus);
  const first = content.findIndex((byte) => byte !== 0);
  if (first === -1) return 0;
  return (content.length - first - 1) * 8 + 32 - Math.clz32(content[first] as number);
}

function readPublicKey(spki: Asn1Block | undefined): { algorithm: string; bits: number | null } {
  const [algorithm, key] = expectConstructed(spki, Tag.sequence, "subjectPublicKeyInfo");
  const [oidBlock, parameters] = expectConstructed(algorithm, Tag.sequence, "subjectPublicKeyInfo");
  const oid = oidOf(oidBlock, "subjectPublicKeyInfo");
  if (!isUniversal(key, Tag.bitString) || key.constructed)
    throw new ParseError("malformed", "subjectPublicKey: expected a BIT STRING");
  let bits: number | null;
  if (oid === RSA || oid === RSA_PSS) bits = rsaModulusBits(contentOf(key));
  else if (isUniversal(parameters, Tag.oid) && !parameters.constructed)
    bits = keyBitsForOid(oidOf(parameters, "subjectPublicKeyInfo"));
  else bits = keyBitsForOid(oid);
  return { algorithm: algorithmName(oid), bits };
}

function renderName(name: Asn1Block | undefined, what: string): { rendered: string; simple: string } {
  if (!isUniversal(name, Tag.sequence)) throw new ParseError("malformed", `${what}: expected a Name`);
  try {
    const decoded = decodeName(name, what);
    return { rendered: renderWindowsDn(decoded), simple: simpleName(decoded) };
  } catch (error) {
    throw error instanceof ParseError ? new ParseError("malformed", `${what}: ${error.message}`) : error;
  }
}

/** The ISO 8601 form of a validity time, or throws `malformed`. */
function isoTime(time: Asn1Block | undefined, what: string): string {
  const isTime = isUniversal(time, Tag.utcTime) || isUniversal(time, Tag.generalizedTime);
  if (!isTime || time.constructed) throw new ParseError("malformed", `${what}: expected a time`);
  return certificateTime(time.tagNumber === Tag.generalizedTime, latin1Text(contentOf(time)), what);
}

/** A certificate-shaped element's SubjectPublicKeyInfo as encoded, found in the tree already decoded. */
export function subjectPublicKeyInfo({ tree }: CertificateDer): Uint8Array {
  const { tbs, at } = tbsFields(firstChildren(tree, 1)[0]);
  const spki = tbs[at + 5];
  if (!spki) throw new ParseError("malformed", "subjectPublicKeyInfo is missing");
  return encodingOf(spki);
}

/** Reads a certificate-shaped element's fields; `malformed` when a field is broken. */
export function readCertificate({ der: bytes, tree }: CertificateDer): DecodedCertificate {
  const [tbsBlock, signatureAlgorithm] = expectConstructed(tree, Tag.sequence, "certificate");
  const { tbs, at } = tbsFields(tbsBlock);
  const issuer = renderName(tbs[at + 2], "issuer");
  const [notBefore, notAfter] = expectConstructed(tbs[at + 3], Tag.sequence, "validity");
  const subject = renderName(tbs[at + 4], "subject");
  const spki = tbs[at + 5];
  if (!spki) throw new ParseError("malformed", "subjectPublicKeyInfo is missing");
  const publicKey = readPublicKey(spki);
  const extensions = decodeExtensions(tbs.slice(at + 6).find((field) => isContext(field, 3)));
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
      oidOf(
        expectConstructed(signatureAlgorithm, Tag.sequence, "signatureAlgorithm")[0],
        "signatureAlgorithm",
      ),
    ),
    publicKeyAlgorithm: publicKey.algorithm,
    publicKeySize: publicKey.bits,
  };
  return { info, spki: der.subarray(spki.start - tree.start, spki.end - tree.start) };
}
