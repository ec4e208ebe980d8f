import {
  type Asn1Block,
  childrenOf,
  contentOf,
  decodeBerOrThrow,
  expectConstructed,
  isUniversal,
  oidOf,
  Tag,
} from "./asn1.js";
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

function decodeBasicConstraints(value: Uint8Array): boolean {
  const [first] = expectConstructed(
    decodeBerOrThrow(value, "basicConstraints"),
    Tag.sequence,
    "basicConstraints",
  );
  // BER: a BOOLEAN is true when any content byte is non-zero (DER would insist on 0xff).
  return isUniversal(first, Tag.boolean) && !first.constructed && contentOf(first).some((byte) => byte !== 0);
}

function decodeKeyUsage(value: Uint8Array): string[] {
  const element = decodeBerOrThrow(value, "keyUsage");
  const content = contentOf(element);
  if (isUniversal(element, Tag.bitString) && (content[0] ?? 0) > 7)
    throw new ParseError("malformed", "keyUsage is not valid ASN.1");
  return KEY_USAGE_BITS.filter((_, i) => ((content[1 + (i >> 3)] ?? 0) >> (7 - (i & 7))) & 1);
}

function decodeExtendedKeyUsage(value: Uint8Array): string[] {
  const usages = expectConstructed(decodeBerOrThrow(value, "extKeyUsage"), Tag.sequence, "extKeyUsage");
  return usages.map((usage) => oidOf(usage, "extKeyUsage"));
}

/** Reads basicConstraints, keyUsage and extKeyUsage from the `[3] Extensions` element, if any. */
export function decodeExtensions(wrapper: Asn1Block | undefined): DecodedExtensions {
  const decoded: DecodedExtensions = { isCA: false, keyUsage: [], extendedKeyUsage: null };
  const [sequence] = wrapper ? childrenOf(wrapper) : [];
  if (!sequence) return decoded;
  for (const extension of expectConstructed(sequence, Tag.sequence, "extensions")) {
    const fields = expectConstructed(extension, Tag.sequence, "extension");
    const id = oidOf(fields[0], "extension");
    if (id !== BASIC_CONSTRAINTS && id !== KEY_USAGE && id !== EXTENDED_KEY_USAGE) continue;
    const wrapped = fields[fields.length - 1];
    if (!isUniversal(wrapped, Tag.octetString))
      throw new ParseError("malformed", `extension ${id}: no value`);
    const value = contentOf(wrapped);
    if (id === BASIC_CONSTRAINTS) decoded.isCA = decodeBasicConstraints(value);
    else if (id === KEY_USAGE) decoded.keyUsage = decodeKeyUsage(value);
    else decoded.extendedKeyUsage = decodeExtendedKeyUsage(value);
  }
  return decoded;
}
