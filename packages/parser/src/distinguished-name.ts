import { type Asn1Block, contentOf, encodingOf, expectConstructed, oidOf, Tag } from "./asn1.js";
import { ParseError } from "./parse-error.js";
import { latin1Text } from "./text.js";

/** One attribute of a distinguished name: its type OID and its value decoded to Unicode. */
export interface NameAttribute {
  type: string;
  value: string;
}

/** A distinguished name as encoded: RDNs in encoded order, each a list of attributes in encoded order. */
export type DistinguishedName = NameAttribute[][];

/** Windows' keys for the attribute types it names (certutil / CertNameToStr X.500 style). */
const WINDOWS_KEYS: ReadonlyMap<string, string> = new Map([
  ["2.5.4.3", "CN"],
  ["2.5.4.4", "SN"],
  ["2.5.4.5", "SERIALNUMBER"],
  ["2.5.4.6", "C"],
  ["2.5.4.7", "L"],
  ["2.5.4.8", "S"],
  ["2.5.4.9", "STREET"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["2.5.4.12", "T"],
  ["2.5.4.42", "G"],
  ["2.5.4.43", "I"],
  ["0.9.2342.19200300.100.1.25", "DC"],
  ["1.2.840.113549.1.9.1", "E"],
]);

const CN = "2.5.4.3";
const SIMPLE_NAME_FALLBACKS = ["2.5.4.11", "2.5.4.10", "1.2.840.113549.1.9.1"];
const NEEDS_QUOTES = /[,+="\n\r<>#;]|^ | $|^$/;

/** Quotes a value as Windows does: when empty, holding a special character, or with outer spaces. */
function quoteValue(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Renders a name in the Windows X.500 style: most specific RDN first, multi-valued RDNs joined with ` + `. */
export function renderWindowsDn(name: DistinguishedName): string {
  const rdns: string[] = [];
  for (let i = name.length - 1; i >= 0; i--) {
    const rdn = name[i] ?? [];
    rdns.push(
      rdn.map((a) => `${WINDOWS_KEYS.get(a.type) ?? `OID.${a.type}`}=${quoteValue(a.value)}`).join(" + "),
    );
  }
  return rdns.join(", ");
}

/** The simple name: the first CN in encoded order, else the first OU, O, E, else the whole rendered name. */
export function simpleName(name: DistinguishedName): string {
  const attributes = name.flat();
  for (const type of [CN, ...SIMPLE_NAME_FALLBACKS]) {
    const found = attributes.find((a) => a.type === type);
    if (found) return found.value;
  }
  return renderWindowsDn(name);
}

const utf8 = new TextDecoder("utf-8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** TeletexString bytes are UTF-8 in practice when they decode as such; otherwise Windows reads Latin-1. */
function decodeTeletex(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return latin1Text(bytes);
  }
}

function decodeUtf32be(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const codePoint =
      ((bytes[i] as number) * 0x1000000 + ((bytes[i + 1] as number) << 16)) |
      ((bytes[i + 2] as number) << 8) |
      (bytes[i + 3] as number);
    text += String.fromCodePoint(codePoint <= 0x10ffff ? codePoint : 0xfffd);
  }
  return text;
}

/** UTF-16BE code units as they are (an odd last byte is dropped), as node-forge, used before, read them. */
function decodeUtf16be(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    text += String.fromCharCode(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  }
  return text;
}

/** Universal string tag numbers and how their content becomes Unicode. */
const STRING_DECODERS: ReadonlyMap<number, (bytes: Uint8Array) => string> = new Map([
  [12, (b: Uint8Array) => utf8.decode(b)], // UTF8String
  [18, latin1Text], // NumericString
  [19, latin1Text], // PrintableString
  [20, decodeTeletex], // TeletexString (T61String)
  [22, latin1Text], // IA5String
  [26, latin1Text], // VisibleString
  [28, decodeUtf32be], // UniversalString
  [30, decodeUtf16be], // BMPString
]);

/** Decodes an attribute value; a non-string value is shown as `#` and the hex of its encoding (RFC 4514). */
function decodeAttributeValue(value: Asn1Block): string {
  const decode =
    value.tagClass === 0 && !value.constructed ? STRING_DECODERS.get(value.tagNumber) : undefined;
  if (decode) return decode(contentOf(value));
  return `#${Buffer.from(encodingOf(value)).toString("hex")}`;
}

/** Decodes a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function decodeName(name: Asn1Block | undefined, what: string): DistinguishedName {
  return expectConstructed(name, Tag.sequence, what).map((rdn) =>
    expectConstructed(rdn, Tag.set, what).map((atv) => {
      const [type, value] = expectConstructed(atv, Tag.sequence, what);
      if (value === undefined) throw new ParseError("malformed", `${what}: attribute without a value`);
      return { type: oidOf(type, what), value: decodeAttributeValue(value) };
    }),
  );
}
