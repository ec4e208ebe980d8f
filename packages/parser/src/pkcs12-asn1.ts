import * as asn1js from "asn1js";
import { ParseError } from "./parse-error.js";

/**
 * The few asn1js accessors PKCS#12 reading needs. BER throughout: indefinite lengths and constructed
 * (segmented) OCTET STRINGs are what Java, Windows and older OpenSSL write.
 */
export type Node = asn1js.BaseBlock;

const UNIVERSAL = 1;
const CONTEXT = 3;
export const SEQUENCE = 16;
export const SET = 17;
export const OCTET_STRING = 4;
export const INTEGER = 2;

/** Decodes one element that must fill `bytes` exactly, or null (trailing garbage is what a wrong key leaves). */
export function decodeExact(bytes: Uint8Array): Node | null {
  const { offset, result } = asn1js.fromBER(bytes, { parseEmbedded: false, copyInput: false });
  return offset !== bytes.length || result.error ? null : result;
}

/** Decodes one element or throws `malformed` naming it. */
export function decodeOrThrow(bytes: Uint8Array, what: string): Node {
  const node = decodeExact(bytes);
  if (node === null) throw new ParseError("malformed", `${what} is not valid ASN.1`);
  return node;
}

export function isUniversal(node: Node | undefined, tag: number): node is Node {
  return node !== undefined && node.idBlock.tagClass === UNIVERSAL && node.idBlock.tagNumber === tag;
}

export function isContext(node: Node | undefined, tag: number): node is Node {
  return node !== undefined && node.idBlock.tagClass === CONTEXT && node.idBlock.tagNumber === tag;
}

/** The children of a constructed element (none for a primitive one). */
export function children(node: Node): Node[] {
  return node.idBlock.isConstructed ? (node as asn1js.Constructed).valueBlock.value : [];
}

/** The children of a SEQUENCE, or `malformed` naming what was expected. */
export function sequence(node: Node | undefined, what: string): Node[] {
  if (!isUniversal(node, SEQUENCE) || !node.idBlock.isConstructed) {
    throw new ParseError("malformed", `${what}: unexpected ASN.1 structure`);
  }
  return children(node);
}

/** The single child of an explicit `[tag]` wrapper, if the element is one. */
export function explicit(node: Node | undefined, tag: number): Node | undefined {
  return isContext(node, tag) ? children(node)[0] : undefined;
}

/** The content octets of a primitive element; a constructed (BER) string's segments joined. */
export function content(node: Node): Uint8Array {
  if (node.idBlock.isConstructed) return Buffer.concat(children(node).map(content));
  return node.valueBeforeDecodeView.subarray(node.idBlock.blockLength + node.lenBlock.blockLength);
}

/** An OCTET STRING's content, or `malformed`. */
export function octets(node: Node | undefined, what: string): Uint8Array {
  if (!isUniversal(node, OCTET_STRING))
    throw new ParseError("malformed", `${what}: expected an OCTET STRING`);
  return content(node);
}

/** The content of an `[tag] IMPLICIT OCTET STRING`, primitive or BER-segmented, or `malformed`. */
export function implicitOctets(node: Node | undefined, tag: number, what: string): Uint8Array {
  if (!isContext(node, tag)) throw new ParseError("malformed", `${what}: expected [${tag}] content`);
  return content(node);
}

/** The element's encoding as it appeared in the input. */
export function encoding(node: Node): Uint8Array {
  return node.valueBeforeDecodeView;
}

/** An OBJECT IDENTIFIER's dotted form, or `malformed`. */
export function oid(node: Node | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) {
    throw new ParseError("malformed", `${what}: expected an OBJECT IDENTIFIER`);
  }
  return node.getValue();
}

/** A non-negative INTEGER's value, or `malformed`. */
export function integer(node: Node | undefined, what: string): bigint {
  const bytes = isUniversal(node, INTEGER) ? content(node) : new Uint8Array();
  if (bytes.length === 0) throw new ParseError("malformed", `${what}: expected an INTEGER`);
  if ((bytes[0] ?? 0) & 0x80) throw new ParseError("malformed", `${what}: negative INTEGER`);
  return BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

/** One DER element's tag byte and where its content and the element end; null past the end or for BER. */
function derElementAt(
  der: Uint8Array,
  at: number,
): { tag: number; start: number; content: number; end: number } | null {
  const tag = der[at];
  const first = der[at + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return null;
  let content = at + 2;
  let length = first;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets < 1 || octets > 3) return null;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[content++] ?? 0);
  }
  const end = content + length;
  return end <= der.length ? { tag, start: at, content, end } : null;
}

/**
 * A certificate's SubjectPublicKeyInfo as encoded, found by stepping over the TBSCertificate's first fields
 * without decoding them (a whole asn1js decode cost more than the rest of a small PFX), or null.
 */
export function subjectPublicKeyInfo(certificate: Uint8Array): Uint8Array | null {
  const outer = derElementAt(certificate, 0);
  const tbs = outer && derElementAt(certificate, outer.content);
  let field = tbs && derElementAt(certificate, tbs.content);
  // version [0], serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  for (let skip = field?.tag === 0xa0 ? 6 : 5; field && skip > 0; skip--)
    field = derElementAt(certificate, field.end);
  return field?.tag === 0x30 ? certificate.subarray(field.start, field.end) : null;
}

/** An AlgorithmIdentifier: its OID and parameters. */
export function algorithm(
  node: Node | undefined,
  what: string,
): { oid: string; parameters: Node | undefined } {
  const [id, parameters] = sequence(node, what);
  return { oid: oid(id, what), parameters };
}
