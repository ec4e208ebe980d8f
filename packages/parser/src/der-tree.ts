import { createRequire } from "node:module";
import * as asn1js from "asn1js";
import { bytesMemo } from "./memo.js";
import { ParseError } from "./parse-error.js";

/**
 * One element as node-forge's ASN.1 layer decodes it. Primitive contents are byte strings (one char per byte),
 * except a BMPString, which forge already decodes to text.
 */
export interface DerNode {
  tagClass: number;
  type: number;
  constructed: boolean;
  value: string | DerNode[];
}

interface ForgeByteBuffer {
  length(): number;
}

interface ForgeAsn1 {
  fromDer(
    bytes: ForgeByteBuffer,
    options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean },
  ): DerNode;
  toDer(node: DerNode): { getBytes(): string };
}

// Only forge's ASN.1 layer is loaded (a few ms), not the whole library (~90 ms) that PKCS#12 needs.
const require = createRequire(import.meta.url);
const forgeAsn1 = require("node-forge/lib/asn1.js") as ForgeAsn1;
const forgeUtil = require("node-forge/lib/util.js") as { createBuffer(bytes: string): ForgeByteBuffer };

const UNIVERSAL = 0x00;
const CONTEXT = 0x80;

/** Bytes as the byte string forge works on. */
export function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** A byte string back as bytes. */
export function stringBytes(text: string): Buffer {
  return Buffer.from(text, "latin1");
}

/**
 * Decodes the first element of a byte string and says how many bytes it took (trailing bytes are ignored, as a
 * DER file may carry some). Embedded BIT STRING contents stay undecoded: signatures and keys are never read as
 * ASN.1 except the RSA key, decoded on purpose. Null when the bytes are not a complete element.
 */
export function decodeDerPrefix(bytes: string): { node: DerNode; length: number } | null {
  const buffer = forgeUtil.createBuffer(bytes);
  try {
    const node = forgeAsn1.fromDer(buffer, { strict: true, parseAllBytes: false, decodeBitStrings: false });
    return { node, length: bytes.length - buffer.length() };
  } catch {
    return null;
  }
}

/** Decodes the first element of a byte string or throws `malformed` naming what was expected. */
export function decodeDerOrThrow(bytes: string, what: string): DerNode {
  const decoded = decodeDerPrefix(bytes);
  if (decoded === null) throw new ParseError("malformed", `${what} is not valid ASN.1`);
  return decoded.node;
}

/** The element's DER encoding (re-encoded: only for values shown as `#hex`, which DER makes canonical). */
export function derOf(node: DerNode): string {
  return forgeAsn1.toDer(node).getBytes();
}

/** True for a universal element with the given tag number. */
export function isUniversalNode(node: DerNode | undefined, tagNumber: number): node is DerNode {
  return node !== undefined && node.tagClass === UNIVERSAL && node.type === tagNumber;
}

/** True for a context-specific element `[tagNumber]`. */
export function isContextNode(node: DerNode | undefined, tagNumber: number): node is DerNode {
  return node !== undefined && node.tagClass === CONTEXT && node.type === tagNumber;
}

/** The children of a constructed element (empty for a primitive one). */
export function childNodes(node: DerNode): DerNode[] {
  return typeof node.value === "string" ? [] : node.value;
}

/** The children of a constructed universal element, or throws `malformed` naming what was expected. */
export function expectChildNodes(node: DerNode | undefined, tagNumber: number, what: string): DerNode[] {
  if (!isUniversalNode(node, tagNumber) || typeof node.value === "string") {
    throw new ParseError("malformed", `${what}: unexpected ASN.1 structure`);
  }
  return node.value;
}

/** The content octets of a primitive element as a byte string; for a constructed (BER) string, its segments joined. */
export function contentString(node: DerNode): string {
  return typeof node.value === "string" ? node.value : node.value.map(contentString).join("");
}

/** Dotted OIDs by their content bytes: the same few OIDs fill every certificate. */
const dottedOids = bytesMemo<string>(4096);

/** asn1js decodes OID contents (arcs of any size), so the dotted forms are those the project always produced. */
function decodeOid(content: string): string {
  const oid = new asn1js.ObjectIdentifier();
  const bytes = stringBytes(content);
  if (oid.valueBlock.fromBER(bytes, 0, bytes.length) === -1) {
    throw new ParseError("malformed", `invalid OBJECT IDENTIFIER: ${oid.valueBlock.error}`);
  }
  return oid.getValue();
}

/** The dotted string of an OBJECT IDENTIFIER, or throws `malformed`. */
export function oidOfNode(node: DerNode | undefined, what: string): string {
  if (!isUniversalNode(node, 6) || typeof node.value !== "string") {
    throw new ParseError("malformed", `${what}: expected an OBJECT IDENTIFIER`);
  }
  const content = node.value;
  return dottedOids(content, () => decodeOid(content));
}
