import { ParseError } from "./parse-error.js";

/**
 * The BER forms of the two time types (X.680 47, 46): DER and RFC 5280 want seconds and `Z`, but minutes-only
 * UTCTime, offsets and GeneralizedTime fractions of the last unit given are valid BER and occur in old files.
 */
const UTC_TIME = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/;
const GENERALIZED_TIME = /^(\d{4})(\d\d)(\d\d)(\d\d)(?:(\d\d)(\d\d)?)?(?:[.,](\d+))?(Z|[+-]\d\d(?:\d\d)?)$/;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Milliseconds to subtract from local time for a `Z`, `±hh` or `±hhmm` zone. */
function zoneOffset(zone: string): number {
  if (zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * HOUR + Number(zone.slice(3, 5) || 0) * MINUTE);
}

/**
 * Milliseconds since the epoch of a UTCTime or GeneralizedTime text, NaN for any other text (a GeneralizedTime
 * without a zone is local time of an unknown place). UTCTime years 50–99 are 19xx (RFC 5280 4.1.2.5.1). Out-of-range
 * fields carry over as `Date.UTC` carries them.
 */
function timeMilliseconds(generalized: boolean, text: string): number {
  const fields = (generalized ? GENERALIZED_TIME : UTC_TIME).exec(text);
  if (fields === null) return Number.NaN;
  const [, year, month, day, hour, minute, second] = fields;
  const yy = Number(year);
  const fullYear = generalized ? yy : yy >= 50 ? 1900 + yy : 2000 + yy;
  const local = Date.UTC(fullYear, Number(month) - 1, Number(day), Number(hour), Number(minute ?? 0));
  let time = local + Number(second ?? 0) * 1000;
  const fraction = generalized ? fields[7] : undefined;
  if (fraction !== undefined) {
    // The fraction belongs to the last unit written: hour, minute or second.
    const unit = second !== undefined ? 1000 : minute !== undefined ? MINUTE : HOUR;
    time += Number(`0.${fraction}`) * unit;
  }
  return time - zoneOffset(fields[generalized ? 8 : 7] as string);
}

/** A validity time (its content as text) as ISO 8601 UTC without fractional seconds, or throws `malformed`. */
export function certificateTime(generalized: boolean, text: string, what: string): string {
  const time = timeMilliseconds(generalized, text);
  if (Number.isNaN(time)) throw new ParseError("malformed", `${what}: invalid time`);
  // toISOString always ends in `.sssZ` (whatever the year's width); the fraction is dropped.
  return `${new Date(Math.floor(time / 1000) * 1000).toISOString().slice(0, -5)}Z`;
}
