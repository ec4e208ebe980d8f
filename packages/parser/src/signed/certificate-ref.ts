import {
  type Asn1Block,
  childrenOf,
  contentOf,
  decodeBer,
  encodingOf,
  explicitOf,
  firstChildren,
  isContext,
  isUniversal,
  oidOf,
  Tag,
  TagClass,
} from "../asn1.js";
import { type CertificateDer, certificateOf } from "../certificate.js";
import { ParseError } from "../parse-error.js";

/** How a SignerInfo names its signer: issuer and serial number, or subject key identifier (hex of the DER). */
export type SignerId = { issuer: string; serial: string } | { keyId: string };

/** A certificate from a signature, with what a SignerInfo's sid is matched against. */
export interface CertificateRef {
  /** The element as found in the signature, read later without decoding it again; null when not certificate-shaped. */
  certificate: CertificateDer | null;
  /** Hex of the issuer Name's encoding. */
  issuer: string;
  /** Hex of the serial number INTEGER's content octets. */
  serial: string;
  /** Hex of the subjectKeyIdentifier extension's key identifier, or null. */
  keyId: string | null;
}

const SUBJECT_KEY_IDENTIFIER = "2.5.29.14";

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function keyIdOf(extensions: Asn1Block | undefined): string | null {
  const list = explicitOf(extensions, 3);
  if (!isUniversal(list, Tag.sequence)) return null;
  for (const extension of childrenOf(list)) {
    if (!isUniversal(extension, Tag.sequence)) continue;
    const [id, ...rest] = childrenOf(extension);
    const value = rest.at(-1);
    if (!isUniversal(id, Tag.oid) || oidOf(id, "extension") !== SUBJECT_KEY_IDENTIFIER) continue;
    if (!isUniversal(value, Tag.octetString)) return null;
    const inner = decodeBer(contentOf(value));
    return inner !== null && isUniversal(inner, Tag.octetString) ? hex(contentOf(inner)) : null;
  }
  return null;
}

/** Reads the fields a sid names from a certificate element; `malformed` when it has no serial and issuer. */
export function certificateRef(certificate: Asn1Block): CertificateRef {
  const tbs = isUniversal(certificate, Tag.sequence) ? firstChildren(certificate, 1)[0] : undefined;
  const fields = isUniversal(tbs, Tag.sequence) ? childrenOf(tbs) : [];
  const at = fields[0]?.tagClass === TagClass.context ? 1 : 0;
  const serial = fields[at];
  const issuer = fields[at + 2];
  if (!isUniversal(serial, Tag.integer) || !isUniversal(issuer, Tag.sequence))
    throw new ParseError("malformed", "a certificate in the signature is broken");
  const extensions = fields.slice(at + 6).find((field) => isContext(field, 3));
  return {
    certificate: certificateOf(certificate),
    issuer: hex(encodingOf(issuer)),
    serial: hex(contentOf(serial)),
    keyId: keyIdOf(extensions),
  };
}

/** Whether `id` names `certificate`. */
export function names(id: SignerId, certificate: CertificateRef): boolean {
  return "keyId" in id
    ? id.keyId === certificate.keyId
    : id.issuer === certificate.issuer && id.serial === certificate.serial;
}
