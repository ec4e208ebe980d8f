import * as asn1js from "asn1js";
import { ParseError } from "./parse-error.js";

/** The forms DER prescribes (RFC 5280 4.1.2.5): whole seconds in UTC, which nearly every certificate uses. */
const DER_UTC_TIME = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/;
const DER_GENERALIZED_TIME = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/;

/**
 * Milliseconds since the epoch of a UTCTime or GeneralizedTime text. The DER forms are converted directly, with
 * asn1js's arithmetic (UTCTime years 50–99 are 19xx); any other form goes through asn1js's own time classes, so
 * lenient encodings (fractions, offsets) keep the values this project has always produced.
 */
function timeMilliseconds(generalized: boolean, text: string): number {
  const fields = (generalized ? DER_GENERALIZED_TIME : DER_UTC_TIME).exec(text);
  if (fields === null) {
    return (generalized ? new asn1js.GeneralizedTime({ value: text }) : new asn1js.UTCTime({ value: text }))
      .toDate()
      .getTime();
  }
  const [year, month, day, hour, minute, second] = fields.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fullYear = generalized ? year : year >= 50 ? 1900 + year : 2000 + year;
  return Date.UTC(fullYear, month - 1, day, hour, minute, second);
}

/** A validity time (its content as text) as ISO 8601 UTC without fractional seconds, or throws `malformed`. */
export function certificateTime(generalized: boolean, text: string, what: string): string {
  const time = timeMilliseconds(generalized, text);
  if (Number.isNaN(time)) throw new ParseError("malformed", `${what}: invalid time`);
  // toISOString always ends in `.sssZ` (whatever the year's width); the fraction is dropped.
  return `${new Date(time).toISOString().slice(0, -5)}Z`;
}
