/**
 * Distinguished names compared as names, not strings: we write Windows X.500 strings (docs/name-rendering.md), a
 * tenant may render the same name in RFC 4514 form. Both are parsed into RDNs of (attribute OID, value) and
 * compared after the normalisation RFC 4518 prescribes for matching (NFKC, insignificant spaces folded).
 */

/** One attribute of an RDN: its type as a dotted OID and its normalised value. */
export type NameAttribute = readonly [oid: string, value: string];

/** A relative distinguished name: a set of attributes, kept sorted so equal sets compare equal. */
export type Rdn = readonly NameAttribute[];

/** Key names of Windows (CertNameToStr) and RFC 4514 (with common additions), as one table of OIDs. */
const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  CN: "2.5.4.3",
  SN: "2.5.4.4",
  SURNAME: "2.5.4.4",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  S: "2.5.4.8",
  ST: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  T: "2.5.4.12",
  TITLE: "2.5.4.12",
  DESCRIPTION: "2.5.4.13",
  POSTALCODE: "2.5.4.17",
  G: "2.5.4.42",
  GN: "2.5.4.42",
  GIVENNAME: "2.5.4.42",
  I: "2.5.4.43",
  INITIALS: "2.5.4.43",
  DC: "0.9.2342.19200300.100.1.25",
  UID: "0.9.2342.19200300.100.1.1",
  E: "1.2.840.113549.1.9.1",
  EMAIL: "1.2.840.113549.1.9.1",
  EMAILADDRESS: "1.2.840.113549.1.9.1",
};

const DOTTED_OID = /^\d+(?:\.\d+)+$/;
const HEX_VALUE = /^#(?:[0-9a-f]{2})+$/i;
const HEX_PAIR = /^[0-9a-f]{2}$/i;

/** The type as a dotted OID: aliases as one, `OID.` prefixes dropped; null when it is neither. */
function attributeOid(type: string): string | null {
  const upper = type.trim().toUpperCase();
  const bare = upper.startsWith("OID.") ? upper.slice(4) : upper;
  if (DOTTED_OID.test(bare)) return bare;
  return ATTRIBUTE_OIDS[upper] ?? null;
}

/** RFC 4518 for matching: compatibility-normalised, every run of white space one space, none at either end. */
export function normaliseValue(value: string): string {
  const folded = value.normalize("NFKC").replace(/\s+/gu, " ").trim();
  // A value of no string type is shown as `#` and hex (RFC 4514, and our quoted form): the hex's case means nothing.
  return HEX_VALUE.test(folded) ? folded.toLowerCase() : folded;
}

/** Reads names by hand: Windows' doubled-quote quoting is no RFC's, so no DN library reads both renderings. */
class NameReader {
  private at = 0;
  constructor(private readonly text: string) {}

  /** The RDNs in written order, or null when the text is not a distinguished name. */
  read(): Rdn[] | null {
    const rdns: Rdn[] = [];
    let rdn: NameAttribute[] = [];
    this.skipSpaces();
    if (this.at === this.text.length) return null;
    for (;;) {
      const attribute = this.attribute();
      if (attribute === null) return null;
      rdn.push(attribute);
      this.skipSpaces();
      if (this.at === this.text.length) break;
      const separator = this.text[this.at++];
      if (separator === "+") continue;
      if (separator !== "," && separator !== ";") return null;
      rdns.push(sortedRdn(rdn));
      rdn = [];
    }
    rdns.push(sortedRdn(rdn));
    return rdns;
  }

  private attribute(): NameAttribute | null {
    const equals = this.text.indexOf("=", this.at);
    if (equals < 0) return null;
    const oid = attributeOid(this.text.slice(this.at, equals));
    if (oid === null) return null;
    this.at = equals + 1;
    this.skipSpaces();
    const value = this.text[this.at] === '"' ? this.quoted() : this.unquoted();
    return value === null ? null : [oid, normaliseValue(value)];
  }

  /** Windows quoting: `"…"` with `""` for a quote inside; a backslash is a character like any other. */
  private quoted(): string | null {
    let value = "";
    this.at += 1;
    for (;;) {
      const close = this.text.indexOf('"', this.at);
      if (close < 0) return null;
      value += this.text.slice(this.at, close);
      this.at = close + 1;
      if (this.text[this.at] !== '"') return value;
      value += '"';
      this.at += 1;
    }
  }

  /** RFC 4514: up to an unescaped `,` `+` `;`; `\` escapes a character or gives bytes in hex (UTF-8 decoded). */
  private unquoted(): string | null {
    const text = this.text;
    let value = "";
    // The value's length without its unescaped trailing spaces (RFC 4514 requires trailing spaces be escaped).
    let end = 0;
    while (this.at < text.length) {
      const character = text[this.at]!;
      if (character === "," || character === "+" || character === ";") break;
      if (character !== "\\") {
        value += character;
        this.at += 1;
        if (character !== " ") end = value.length;
        continue;
      }
      if (HEX_PAIR.test(text.slice(this.at + 1, this.at + 3))) {
        // A run of hex escapes is one UTF-8 sequence: a character may take several.
        const bytes: number[] = [];
        while (text[this.at] === "\\" && HEX_PAIR.test(text.slice(this.at + 1, this.at + 3))) {
          bytes.push(Number.parseInt(text.slice(this.at + 1, this.at + 3), 16));
          this.at += 3;
        }
        value += Buffer.from(bytes).toString("utf8");
      } else {
        const escaped = text.codePointAt(this.at + 1);
        if (escaped === undefined) return null;
        const escapedText = String.fromCodePoint(escaped);
        value += escapedText;
        this.at += 1 + escapedText.length;
      }
      end = value.length;
    }
    return value.slice(0, end);
  }

  private skipSpaces(): void {
    while (this.text[this.at] === " ") this.at += 1;
  }
}

function sortedRdn(attributes: NameAttribute[]): Rdn {
  return attributes.sort((a, b) => (`${a[0]}\u0000${a[1]}` < `${b[0]}\u0000${b[1]}` ? -1 : 1));
}

/** The RDNs of a Windows X.500 or RFC 4514 name, in written order; null when the text is not one. */
export function parseName(text: string): Rdn[] | null {
  return new NameReader(text).read();
}

/**
 * A key equal for names that mean the same: the RDN sequence in whichever of its two orders (as written, or
 * reversed: RFC 4514 and Windows write opposite ends first) sorts first. Text that is no name keys as itself.
 */
export function nameKey(text: string | null): string | null {
  if (text === null) return null;
  const known = keys.get(text);
  if (known !== undefined) return known;
  const rdns = parseName(text);
  let key: string;
  if (rdns === null) key = `!${text}`;
  else {
    const forward = JSON.stringify(rdns);
    const backward = JSON.stringify([...rdns].reverse());
    // The smaller of the two strings (Math.min compares numbers only).
    key = [forward, backward].sort()[0]!;
  }
  // Issuers repeat across a tenant's objects: recent keys are kept, in a map that starts over when full.
  if (keys.size >= KEY_CACHE_SIZE) keys.clear();
  keys.set(text, key);
  return key;
}

const KEY_CACHE_SIZE = 4096;
const keys = new Map<string, string>();

/** Whether two names mean the same (see nameKey). */
export function sameName(a: string | null, b: string | null): boolean {
  return a === b || nameKey(a) === nameKey(b);
}
