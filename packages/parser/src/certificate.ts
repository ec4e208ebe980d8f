import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import { algorithmName, keyBitsForOid } from "./algorithm-names.js";
import {
  type Asn1Block,
  childrenOf,
  contentOf,
  decodeBer,
  encodingOf,
  expectConstructed,
  isContext,
  isUniversal,
  oidOf,
  Tag,
} from "./asn1.js";
import { decodeName, renderWindowsDn, simpleName } from "./distinguished-name.js";
import { decodeExtensions } from "./extensions.js";
import { bytesMemo } from "./memo.js";
import { ParseError } from "./parse-error.js";
import type { CertificateInfo } from "./types.js";

/** A decoded certificate plus its SubjectPublicKeyInfo, which only PKCS#12 key matching needs. */
export interface DecodedCertificate {
  info: CertificateInfo;
  spki: Uint8Array;
}

const RSA = "1.2.840.113549.1.1.1";
const RSA_PSS = "1.2.840.113549.1.1.10";

/** True when a decoded element has the shape of an X.509 Certificate (not a CSR, CRL or key). */
export function isCertificateShaped(block: Asn1Block): boolean {
  const outer = isUniversal(block, Tag.sequence) ? childrenOf(block) : [];
  const tbs =
    outer.length === 3 && isUniversal(outer[0], Tag.sequence) ? childrenOf(outer[0] as Asn1Block) : [];
  const at = isContext(tbs[0], 0) ? 1 : 0;
  return (
    isUniversal(tbs[at], Tag.integer) &&
    [1, 2, 3, 4, 5].every((i) => isUniversal(tbs[at + i], Tag.sequence)) &&
    isUniversal(outer[2], Tag.bitString)
  );
}

function isoSeconds(block: Asn1Block | undefined, what: string): string {
  if (!(block instanceof asn1js.UTCTime)) throw new ParseError("malformed", `${what}: expected a time`);
  const time = block.toDate().getTime();
  if (Number.isNaN(time)) throw new ParseError("malformed", `${what}: invalid time`);
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function serialHex(block: Asn1Block | undefined): string {
  if (!isUniversal(block, Tag.integer))
    throw new ParseError("malformed", "serialNumber: expected an INTEGER");
  const bytes = contentOf(block);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return Buffer.from(bytes.subarray(start)).toString("hex");
}

function rsaModulusBits(subjectPublicKey: Uint8Array): number | null {
  const key = decodeBer(subjectPublicKey.subarray(1));
  const modulus = key ? childrenOf(key)[0] : undefined;
  if (!isUniversal(modulus, Tag.integer)) return null;
  const bytes = contentOf(modulus);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const top = bytes[start] ?? 0;
  return (bytes.length - start - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top));
}

function readPublicKey(spki: Asn1Block | undefined): { algorithm: string; bits: number | null } {
  const [algorithm, key] = expectConstructed(spki, Tag.sequence, "subjectPublicKeyInfo");
  const [oidBlock, parameters] = expectConstructed(algorithm, Tag.sequence, "subjectPublicKeyInfo");
  const oid = oidOf(oidBlock, "subjectPublicKeyInfo");
  if (!isUniversal(key, Tag.bitString))
    throw new ParseError("malformed", "subjectPublicKey: expected a BIT STRING");
  let bits: number | null;
  if (oid === RSA || oid === RSA_PSS) bits = rsaModulusBits(contentOf(key));
  else if (parameters instanceof asn1js.ObjectIdentifier) bits = keyBitsForOid(parameters.getValue());
  else bits = keyBitsForOid(oid);
  return { algorithm: algorithmName(oid), bits };
}

/** The Windows rendering and simple name of a Name, memoised: the issuer repeats in every file of a CA. */
const renderedNames = bytesMemo<{ rendered: string; simple: string }>();

function renderNameBlock(block: Asn1Block | undefined, what: string): { rendered: string; simple: string } {
  if (!isUniversal(block, Tag.sequence)) throw new ParseError("malformed", `${what}: expected a Name`);
  try {
    return renderedNames(encodingOf(block), () => {
      const name = decodeName(block, what);
      return { rendered: renderWindowsDn(name), simple: simpleName(name) };
    });
  } catch (error) {
    throw error instanceof ParseError ? new ParseError("malformed", `${what}: ${error.message}`) : error;
  }
}

/** Decodes an element already known to be certificate-shaped; `malformed` when a field is broken. */
export function readCertificate(block: Asn1Block): DecodedCertificate {
  const [tbsBlock, signatureAlgorithm] = expectConstructed(block, Tag.sequence, "certificate");
  const tbs = expectConstructed(tbsBlock, Tag.sequence, "tbsCertificate");
  const at = isContext(tbs[0], 0) ? 1 : 0;
  const issuer = renderNameBlock(tbs[at + 2], "issuer");
  const [notBefore, notAfter] = expectConstructed(tbs[at + 3], Tag.sequence, "validity");
  const subject = renderNameBlock(tbs[at + 4], "subject");
  const spkiBlock = tbs[at + 5];
  const publicKey = readPublicKey(spkiBlock);
  const extensions = decodeExtensions(tbs.slice(at + 6).find((b) => isContext(b, 3)));
  const der = new Uint8Array(encodingOf(block));
  const info: CertificateInfo = {
    der,
    sha256: createHash("sha256").update(der).digest("hex"),
    sha1: createHash("sha1").update(der).digest("hex"),
    serialNumber: serialHex(tbs[at]),
    subject: subject.rendered,
    subjectName: subject.simple,
    issuer: issuer.rendered,
    issuerName: issuer.simple,
    notBefore: isoSeconds(notBefore, "notBefore"),
    notAfter: isoSeconds(notAfter, "notAfter"),
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
  return { info, spki: encodingOf(spkiBlock as Asn1Block) };
}
