import { Tag } from "./asn1.js";
import {
  contentString,
  type DerNode,
  decodeDerOrThrow,
  expectChildNodes,
  isUniversalNode,
  oidOfNode,
} from "./der-tree.js";
import { bytesMemo } from "./memo.js";
import { ParseError } from "./parse-error.js";

/** keyUsage bit names in bit order (RFC 5280 4.2.1.3). */
const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

const BASIC_CONSTRAINTS = "2.5.29.19";
const KEY_USAGE = "2.5.29.15";
const EXTENDED_KEY_USAGE = "2.5.29.37";

/** The extensions this project reads; the others are never decoded. */
export interface DecodedExtensions {
  isCA: boolean;
  keyUsage: string[];
  extendedKeyUsage: string[] | null;
}

function decodeBasicConstraints(value: string): boolean {
  const [first] = expectChildNodes(
    decodeDerOrThrow(value, "basicConstraints"),
    Tag.sequence,
    "basicConstraints",
  );
  // A BOOLEAN is true when any content byte is non-zero (how asn1js, used before, read it too).
  return isUniversalNode(first, Tag.boolean) && typeof first.value === "string" && /[^\0]/.test(first.value);
}

function decodeKeyUsage(value: string): string[] {
  const element = decodeDerOrThrow(value, "keyUsage");
  const content = contentString(element);
  if (isUniversalNode(element, Tag.bitString) && content.charCodeAt(0) > 7)
    throw new ParseError("malformed", "keyUsage is not valid ASN.1");
  const bits = content.slice(1);
  return KEY_USAGE_BITS.filter((_, i) => ((bits.charCodeAt(i >> 3) || 0) >> (7 - (i & 7))) & 1);
}

function decodeExtendedKeyUsage(value: string): string[] {
  const usages = expectChildNodes(decodeDerOrThrow(value, "extKeyUsage"), Tag.sequence, "extKeyUsage");
  return usages.map((usage) => oidOfNode(usage, "extKeyUsage"));
}

const basicConstraints = bytesMemo<boolean>();
const keyUsages = bytesMemo<string[]>();
const extendedKeyUsages = bytesMemo<string[]>();

/** Reads basicConstraints, keyUsage and extKeyUsage from the `[3] Extensions` element, if any. */
export function decodeExtensions(wrapper: DerNode | undefined): DecodedExtensions {
  const decoded: DecodedExtensions = { isCA: false, keyUsage: [], extendedKeyUsage: null };
  const [sequence] = wrapper && typeof wrapper.value !== "string" ? wrapper.value : [];
  if (!sequence) return decoded;
  for (const extension of expectChildNodes(sequence, Tag.sequence, "extensions")) {
    const fields = expectChildNodes(extension, Tag.sequence, "extension");
    const id = oidOfNode(fields[0], "extension");
    if (id !== BASIC_CONSTRAINTS && id !== KEY_USAGE && id !== EXTENDED_KEY_USAGE) continue;
    const wrapped = fields[fields.length - 1];
    if (!isUniversalNode(wrapped, Tag.octetString))
      throw new ParseError("malformed", `extension ${id}: no value`);
    const value = contentString(wrapped);
    if (id === BASIC_CONSTRAINTS) decoded.isCA = basicConstraints(value, () => decodeBasicConstraints(value));
    else if (id === KEY_USAGE) decoded.keyUsage = [...keyUsages(value, () => decodeKeyUsage(value))];
    else decoded.extendedKeyUsage = [...extendedKeyUsages(value, () => decodeExtendedKeyUsage(value))];
  }
  return decoded;
}
