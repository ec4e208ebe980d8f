import * as asn1js from "asn1js";
import { ParseError } from "./parse-error.js";

/** A decoded ASN.1 element. */
export type Asn1Block = asn1js.BaseBlock;

const UNIVERSAL = 1;
const CONTEXT = 3;

/**
 * Decodes one BER element. Embedded BIT/OCTET STRING contents are left undecoded because most of them
 * (signatures, keys, unrelated extensions) are never read, and decoding them dominated the profile.
 */
export function decodeBer(bytes: Uint8Array): Asn1Block | null {
  const { offset, result } = asn1js.fromBER(bytes, { parseEmbedded: false, copyInput: false });
  return offset === -1 || result.error ? null : result;
}

/** Decodes one BER element or throws `malformed` naming what was expected. */
export function decodeBerOrThrow(bytes: Uint8Array, what: string): Asn1Block {
  const block = decodeBer(bytes);
  if (block === null) throw new ParseError("malformed", `${what} is not valid ASN.1`);
  return block;
}

/** True for a universal element with the given tag number. */
export function isUniversal(block: Asn1Block | undefined, tagNumber: number): block is Asn1Block {
  return block !== undefined && block.idBlock.tagClass === UNIVERSAL && block.idBlock.tagNumber === tagNumber;
}

/** True for a context-specific element `[tagNumber]`. */
export function isContext(block: Asn1Block | undefined, tagNumber: number): block is Asn1Block {
  return block !== undefined && block.idBlock.tagClass === CONTEXT && block.idBlock.tagNumber === tagNumber;
}

/** Universal tag numbers used here. */
export const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  oid: 6,
  sequence: 16,
  set: 17,
} as const;

/** The children of a constructed element (empty for a primitive one). */
export function childrenOf(block: Asn1Block): Asn1Block[] {
  return block.idBlock.isConstructed ? (block as asn1js.Constructed).valueBlock.value : [];
}

/** The children of a SEQUENCE or SET, or throws `malformed` naming what was expected. */
export function expectConstructed(
  block: Asn1Block | undefined,
  tagNumber: number,
  what: string,
): Asn1Block[] {
  if (!isUniversal(block, tagNumber) || !block.idBlock.isConstructed) {
    throw new ParseError("malformed", `${what}: unexpected ASN.1 structure`);
  }
  return childrenOf(block);
}

/** The element's full encoding (tag, length and content) as it appeared in the input. */
export function encodingOf(block: Asn1Block): Uint8Array {
  return block.valueBeforeDecodeView;
}

/** The content octets of a primitive element; for a constructed (BER) string, its segments joined. */
export function contentOf(block: Asn1Block): Uint8Array {
  if (block.idBlock.isConstructed) {
    const parts = childrenOf(block).map(contentOf);
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    return joined;
  }
  return block.valueBeforeDecodeView.subarray(block.idBlock.blockLength + block.lenBlock.blockLength);
}

/** The dotted string of an OBJECT IDENTIFIER, or throws `malformed`. */
export function oidOf(block: Asn1Block | undefined, what: string): string {
  if (!(block instanceof asn1js.ObjectIdentifier)) {
    throw new ParseError("malformed", `${what}: expected an OBJECT IDENTIFIER`);
  }
  return block.getValue();
}

/** An INTEGER's value (two's complement), or throws `malformed`. */
export function integerOf(block: Asn1Block | undefined, what: string): bigint {
  if (!isUniversal(block, Tag.integer)) throw new ParseError("malformed", `${what}: expected an INTEGER`);
  const bytes = contentOf(block);
  if (bytes.length === 0) throw new ParseError("malformed", `${what}: empty INTEGER`);
  const value = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  return (bytes[0] ?? 0) & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}
