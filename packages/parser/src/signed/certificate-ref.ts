import * as asn1js from "asn1js";
import { ParseError } from "../parse-error.js";

/** How a SignerInfo names its signer: issuer and serial number, or subject key identifier (hex of the DER). */
export type SignerId = { issuer: string; serial: string } | { keyId: string };

/** A certificate from a signature, with what a SignerInfo's sid is matched against. */
export interface CertificateRef {
  der: Uint8Array;
  /** Hex of the issuer Name's encoding. */
  issuer: string;
  /** Hex of the serial number INTEGER's content octets. */
  serial: string;
  /** Hex of the subjectKeyIdentifier extension's key identifier, or null. */
  keyId: string | null;
}

const SUBJECT_KEY_IDENTIFIER = "2.5.29.14";

/** Signatures, keys and extension values stay undecoded (decoding them is most of asn1js' cost); inputs are not copied. */
export const BER_OPTIONS = { parseEmbedded: false, copyInput: false } as const;

/** The content octets of a primitive element (an INTEGER's or OCTET STRING's value bytes). */
export function contentOctets(block: asn1js.BaseBlock): Uint8Array {
  return block.valueBeforeDecodeView.subarray(block.idBlock.blockLength + block.lenBlock.blockLength);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function keyIdOf(extensions: asn1js.BaseBlock | undefined): string | null {
  if (!(extensions instanceof asn1js.Constructed)) return null;
  const list = extensions.valueBlock.value[0];
  if (!(list instanceof asn1js.Sequence)) return null;
  for (const extension of list.valueBlock.value) {
    if (!(extension instanceof asn1js.Sequence)) continue;
    const [id, ...rest] = extension.valueBlock.value;
    const value = rest.at(-1);
    if (!(id instanceof asn1js.ObjectIdentifier) || id.getValue() !== SUBJECT_KEY_IDENTIFIER) continue;
    if (!(value instanceof asn1js.OctetString)) return null;
    const inner = asn1js.fromBER(contentOctets(value), BER_OPTIONS);
    return inner.offset === -1 || !(inner.result instanceof asn1js.OctetString)
      ? null
      : hex(contentOctets(inner.result));
  }
  return null;
}

/** Reads the fields a sid names from a decoded certificate; `malformed` when it is not certificate-shaped. */
export function certificateRef(certificate: asn1js.BaseBlock): CertificateRef {
  const tbs = certificate instanceof asn1js.Sequence ? certificate.valueBlock.value[0] : undefined;
  const fields = tbs instanceof asn1js.Sequence ? tbs.valueBlock.value : [];
  const at = fields[0]?.idBlock.tagClass === 3 ? 1 : 0;
  const serial = fields[at];
  const issuer = fields[at + 2];
  if (!(serial instanceof asn1js.Integer) || !(issuer instanceof asn1js.Sequence))
    throw new ParseError("malformed", "signature: a certificate in the signature is broken");
  const extensions = fields.slice(at + 6).find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 3);
  return {
    // A copy: the certificate outlives the artefact's buffer.
    der: new Uint8Array(certificate.valueBeforeDecodeView),
    issuer: hex(issuer.valueBeforeDecodeView),
    serial: hex(contentOctets(serial)),
    keyId: keyIdOf(extensions),
  };
}

/** Whether `id` names `certificate`. */
export function names(id: SignerId, certificate: CertificateRef): boolean {
  return "keyId" in id
    ? id.keyId === certificate.keyId
    : id.issuer === certificate.issuer && id.serial === certificate.serial;
}
