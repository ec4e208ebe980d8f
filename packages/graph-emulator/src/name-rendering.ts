import { formatDateTimeOffset } from "@intune-codesign/graph-contract";
import { AsnConvert } from "@peculiar/asn1-schema";
import { type AttributeValue, Certificate, type Name } from "@peculiar/asn1-x509";
import { GraphErrorResponse } from "./graph-error-response.js";
import type { StoredObject } from "./types.js";

/** The fields a tenant that renders names derives from `content`. */
export type RenderedFields = Pick<
  StoredObject,
  "subject" | "issuer" | "subjectName" | "issuerName" | "expirationDateTime"
>;

/** RFC 4514's short names, and `E` for the e-mail address; other types are written as dotted OIDs. */
const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.9": "STREET",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "1.2.840.113549.1.9.1": "E",
};
const COMMON_NAME = "2.5.4.3";

/**
 * Renders as a tenant of its own would: names in RFC 4514 form (most specific RDN first, `, ` between RDNs,
 * `+` within one, RFC 4514 escaping), the simple names as the most specific CN (null without one), and the
 * expiry in UTC with seven fractional digits.
 */
export function renderFromContent(content: string): RenderedFields {
  let certificate: Certificate;
  try {
    certificate = AsnConvert.parse(Buffer.from(content, "base64"), Certificate);
  } catch {
    throw new GraphErrorResponse(400, "BadRequest", "The property 'content' could not be processed.");
  }
  const { subject, issuer, validity } = certificate.tbsCertificate;
  return {
    subject: renderName(subject),
    issuer: renderName(issuer),
    subjectName: commonName(subject),
    issuerName: commonName(issuer),
    expirationDateTime: formatDateTimeOffset(validity.notAfter.getTime().getTime()),
  };
}

function renderName(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) =>
      rdn
        .map(
          (attribute) => `${SHORT_NAMES[attribute.type] ?? attribute.type}=${renderValue(attribute.value)}`,
        )
        .join("+"),
    )
    .join(", ");
}

/** A string value escaped as RFC 4514 says; a value of no string type as `#` and its hex octets. */
function renderValue(value: AttributeValue): string {
  if (value.anyValue) return `#${Buffer.from(value.anyValue).toString("hex")}`;
  const characters = [...value.toString()];
  return characters
    .map((character, index) => {
      const edge =
        (index === 0 && /[ #]/.test(character)) || (index === characters.length - 1 && character === " ");
      if (edge || /["+,;<>\\]/.test(character)) return `\\${character}`;
      if (!/\p{Cc}/u.test(character)) return character;
      return [...Buffer.from(character, "utf8")]
        .map((octet) => `\\${octet.toString(16).padStart(2, "0")}`)
        .join("");
    })
    .join("");
}

/** The most specific CN: the last one in the certificate's order. */
function commonName(name: Name): string | null {
  const values = name.flatMap((rdn) => rdn.filter((attribute) => attribute.type === COMMON_NAME));
  return values.at(-1)?.value.toString() ?? null;
}
