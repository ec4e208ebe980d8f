import { ParseError } from "./parse-error.js";

/*
 * The parser's one ASN.1 layer: a BER reader of our own, used for certificates, every container (PKCS#7, PKCS#12
 * and what its decryption yields) and the signatures of signed artefacts alike.
 * Why not a library: decoding 3,000 of the `bench:parse` certificates (683 bytes, 59 elements each) took, per
 * certificate (best of 5 passes, Node 20, shared 2-core machine, figures of three runs):
 *   @peculiar/asn1-x509 2.11.1 `AsnConvert.parse(…, Certificate)`  439 µs
 *   asn1js 3.1.0 `fromBER`, parseEmbedded off                    106–270 µs
 *   node-forge 1.4.3 `lib/asn1.js` (a private file forge does not export)  3.8–5.5 µs
 *   this reader: the whole tree checked 0.7–0.8 µs; every element built as well 2.5–4.1 µs
 * The public APIs cost more than the whole rest of a certificate's parse (about 20 µs with the SHA digests).
 * asn1js also stops at 10,000 elements (a PKCS#7 of 244 certificates). Here elements are built only when asked
 * for, so memory follows what the parser reads, not how many elements the input holds: no element limit.
 */

/** One BER element: where its content and end lie in the input. Children are read on first use. */
export interface Asn1Block {
  readonly input: Uint8Array;
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly tagClass: number;
  readonly tagNumber: number;
  readonly constructed: boolean;
  readonly start: number;
  readonly contentStart: number;
  /** End of the content; for an indefinite length, where its end-of-contents octets start. */
  readonly contentEnd: number;
  /** End of the whole element. */
  readonly end: number;
  children: Asn1Block[] | undefined;
}

/** The tag classes (X.690 8.1.2.2). */
export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

const UNIVERSAL = TagClass.universal;
const CONTEXT = TagClass.context;

/** Universal tag numbers used here. */
export const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  oid: 6,
  utcTime: 23,
  generalizedTime: 24,
  sequence: 16,
  set: 17,
} as const;

// The last header read (one thread, no re-entry: read right after `readHeader` returns).
let headerClass = 0;
let headerNumber = 0;
let headerConstructed = false;
let headerContentStart = 0;
/** -1 for an indefinite length. */
let headerContentEnd = 0;

/** Reads the tag and length at `at`; false when they are broken or the content would pass `limit`. */
function readHeader(input: Uint8Array, at: number, limit: number): boolean {
  if (at >= limit) return false;
  const first = input[at++] as number;
  headerClass = first >> 6;
  headerConstructed = (first & 0x20) !== 0;
  headerNumber = first & 0x1f;
  if (headerNumber === 0x1f) {
    headerNumber = 0;
    let byte: number;
    do {
      if (at >= limit || headerNumber > 0xffffff) return false;
      byte = input[at++] as number;
      headerNumber = headerNumber * 128 + (byte & 0x7f);
    } while (byte & 0x80);
  }
  if (at >= limit) return false;
  let length = input[at++] as number;
  if (length === 0x80) {
    headerContentStart = at;
    headerContentEnd = -1;
    return headerConstructed;
  }
  if (length > 0x80) {
    let count = length & 0x7f;
    if (count > 6) return false;
    length = 0;
    for (; count > 0; count--) {
      if (at >= limit) return false;
      length = length * 256 + (input[at++] as number);
    }
  }
  if (length > limit - at) return false;
  headerContentStart = at;
  headerContentEnd = at + length;
  return true;
}

function isEndOfContents(input: Uint8Array, at: number, limit: number): boolean {
  return at + 1 < limit && input[at] === 0 && input[at + 1] === 0;
}

/**
 * Per open constructed element, two slots: its content end (-1 while indefinite) and the bound its children
 * must stay within. Kept between calls (one thread, no re-entry); a deeper stack, for hostile nesting that runs
 * millions deep, is grown by doubling and dropped after use.
 */
let checkStack = new Float64Array(64);

/**
 * Checks the element at `at` and everything nested in it (BIT and OCTET STRING contents are not looked into):
 * every length fits its parent exactly, end-of-contents octets only close an indefinite length. Returns the
 * element's end, or -1. A loop with its own stack, not recursion, so no nesting depth overflows the call stack.
 */
function checkedEnd(input: Uint8Array, at: number, limit: number): number {
  let stack = checkStack;
  let depth = 0;
  let bound = limit;
  for (;;) {
    if (!readHeader(input, at, bound)) return -1;
    if (headerClass === UNIVERSAL && headerNumber === 0) return -1;
    if (headerConstructed) {
      if (depth * 2 === stack.length) {
        const grown = new Float64Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
        if (stack.length <= 4096) checkStack = stack;
      }
      if (headerContentEnd !== -1) bound = headerContentEnd;
      stack[depth * 2] = headerContentEnd;
      stack[depth * 2 + 1] = bound;
      depth++;
      at = headerContentStart;
    } else {
      at = headerContentEnd;
    }
    // Close every element this one completed.
    while (depth > 0) {
      const end = stack[(depth - 1) * 2] as number;
      if (end === -1 && isEndOfContents(input, at, bound)) at += 2;
      else if (end !== at) break;
      depth--;
      bound = depth > 0 ? (stack[depth * 2 - 1] as number) : limit;
    }
    if (depth === 0) return at;
  }
}

/** The element at `at` inside a checked parent ending at `limit`. */
function blockAt(input: Uint8Array, at: number, limit: number): Asn1Block {
  if (!readHeader(input, at, limit)) throw new ParseError("malformed", "ASN.1 element is broken");
  const tagClass = headerClass;
  const tagNumber = headerNumber;
  const constructed = headerConstructed;
  const contentStart = headerContentStart;
  let contentEnd = headerContentEnd;
  let end = contentEnd;
  if (contentEnd === -1) {
    end = checkedEnd(input, at, limit);
    if (end === -1) throw new ParseError("malformed", "ASN.1 element is broken");
    contentEnd = end - 2;
  }
  return {
    input,
    tagClass,
    tagNumber,
    constructed,
    start: at,
    contentStart,
    contentEnd,
    end,
    children: undefined,
  };
}

/**
 * Decodes the first BER element of `bytes`; null when broken. Trailing bytes are ignored (a DER file may carry
 * some) unless `whole`: then the element must fill `bytes` exactly, since garbage after it is what decrypting
 * with a wrong key leaves.
 */
export function decodeBer(bytes: Uint8Array, whole = false): Asn1Block | null {
  const end = checkedEnd(bytes, 0, bytes.length);
  return end === -1 || (whole && end !== bytes.length) ? null : blockAt(bytes, 0, bytes.length);
}

/** Decodes one BER element (exactly filling `bytes` when `whole`) or throws `malformed` naming what was expected. */
export function decodeBerOrThrow(bytes: Uint8Array, what: string, whole = false): Asn1Block {
  const block = decodeBer(bytes, whole);
  if (block === null) throw new ParseError("malformed", `${what} is not valid ASN.1`);
  return block;
}

/** True for a universal element with the given tag number. */
export function isUniversal(block: Asn1Block | undefined, tagNumber: number): block is Asn1Block {
  return block !== undefined && block.tagClass === UNIVERSAL && block.tagNumber === tagNumber;
}

/** True for a context-specific element `[tagNumber]`. */
export function isContext(block: Asn1Block | undefined, tagNumber: number): block is Asn1Block {
  return block !== undefined && block.tagClass === CONTEXT && block.tagNumber === tagNumber;
}

/** The children of a constructed element, in order (empty for a primitive one); read once, then kept. */
export function childrenOf(block: Asn1Block): Asn1Block[] {
  return firstChildren(block, Number.POSITIVE_INFINITY);
}

/**
 * The first `count` children at most, the rest left unread (a hostile SEQUENCE may hold millions). When that
 * is all of them, they are kept for the next call.
 */
export function firstChildren(block: Asn1Block, count: number): Asn1Block[] {
  if (block.children !== undefined)
    return count < block.children.length ? block.children.slice(0, count) : block.children;
  const children: Asn1Block[] = [];
  let at = block.constructed ? block.contentStart : block.contentEnd;
  while (at < block.contentEnd && children.length < count) {
    const child = blockAt(block.input, at, block.contentEnd);
    children.push(child);
    at = child.end;
  }
  if (at >= block.contentEnd) block.children = children;
  return children;
}

/** The children of a constructed element one at a time, none kept: for lists as long as the input allows. */
export function* eachChild(block: Asn1Block): Generator<Asn1Block> {
  if (!block.constructed) return;
  for (let at = block.contentStart; at < block.contentEnd; ) {
    const child = blockAt(block.input, at, block.contentEnd);
    yield child;
    at = child.end;
  }
}

/** The children of a SEQUENCE or SET, or throws `malformed` naming what was expected. */
export function expectConstructed(
  block: Asn1Block | undefined,
  tagNumber: number,
  what: string,
): Asn1Block[] {
  if (!isUniversal(block, tagNumber) || !block.constructed) {
    throw new ParseError("malformed", `${what}: unexpected ASN.1 structure`);
  }
  return childrenOf(block);
}

/** The single element inside an explicit `[tagNumber]` wrapper, or undefined when the element is not one. */
export function explicitOf(block: Asn1Block | undefined, tagNumber: number): Asn1Block | undefined {
  return isContext(block, tagNumber) ? firstChildren(block, 1)[0] : undefined;
}

/** The element's full encoding (tag, length and content) as it appeared in the input. */
export function encodingOf(block: Asn1Block): Uint8Array {
  return block.input.subarray(block.start, block.end);
}

/** The content octets of a primitive element; for a constructed (BER) string, its segments joined. */
export function contentOf(block: Asn1Block): Uint8Array {
  if (!block.constructed) return block.input.subarray(block.contentStart, block.contentEnd);
  const parts = childrenOf(block).map(contentOf);
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/** An OCTET STRING's content, a BER-segmented one's segments joined, or throws `malformed`. */
export function octetsOf(block: Asn1Block | undefined, what: string): Uint8Array {
  if (!isUniversal(block, Tag.octetString))
    throw new ParseError("malformed", `${what}: expected an OCTET STRING`);
  return contentOf(block);
}

/** The dotted form of OBJECT IDENTIFIER content octets; arcs of any size. */
function dottedOid(input: Uint8Array, start: number, end: number): string {
  let text = "";
  let arc = 0;
  let bigArc: bigint | null = null;
  let first = true;
  for (let at = start; at < end; at++) {
    const byte = input[at] as number;
    // Beyond 2^46 the arc goes on as a bigint, so that no digit is lost to floating point.
    if (bigArc === null && arc >= 2 ** 46) bigArc = BigInt(arc);
    if (bigArc === null) arc = arc * 128 + (byte & 0x7f);
    else bigArc = bigArc * 128n + BigInt(byte & 0x7f);
    if (byte & 0x80) continue;
    const value = bigArc ?? arc;
    if (first) {
      const root = value < 40 ? 0 : value < 80 ? 1 : 2;
      text = `${root}.${typeof value === "bigint" ? value - BigInt(root * 40) : value - root * 40}`;
      first = false;
    } else {
      text += `.${value}`;
    }
    arc = 0;
    bigArc = null;
  }
  if (end > start && ((input[end - 1] as number) & 0x80) !== 0)
    throw new ParseError("malformed", "OBJECT IDENTIFIER ends inside an arc");
  return text;
}

/** The dotted string of an OBJECT IDENTIFIER, or throws `malformed`. */
export function oidOf(block: Asn1Block | undefined, what: string): string {
  if (!isUniversal(block, Tag.oid) || block.constructed) {
    throw new ParseError("malformed", `${what}: expected an OBJECT IDENTIFIER`);
  }
  return dottedOid(block.input, block.contentStart, block.contentEnd);
}

/** An INTEGER's value (two's complement), or throws `malformed`. */
export function integerOf(block: Asn1Block | undefined, what: string): bigint {
  if (!isUniversal(block, Tag.integer)) throw new ParseError("malformed", `${what}: expected an INTEGER`);
  const bytes = contentOf(block);
  if (bytes.length === 0) throw new ParseError("malformed", `${what}: empty INTEGER`);
  const value = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  return (bytes[0] ?? 0) & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/** A count, length or version: a non-negative INTEGER's value, or throws `malformed`. */
export function unsignedIntegerOf(block: Asn1Block | undefined, what: string): bigint {
  const value = integerOf(block, what);
  if (value < 0n) throw new ParseError("malformed", `${what}: negative INTEGER`);
  return value;
}

/** An AlgorithmIdentifier: its OID and its parameters (undefined when absent), or throws `malformed`. */
export function algorithmOf(
  block: Asn1Block | undefined,
  what: string,
): { oid: string; parameters: Asn1Block | undefined } {
  const [id, parameters] = expectConstructed(block, Tag.sequence, what);
  return { oid: oidOf(id, what), parameters };
}
