// Graph's DateTimeOffset: ISO 8601 with a Z or ±hh:mm offset. Graph writes 7 fractional digits (100 ns ticks);
// more are accepted and cut, as .NET does, and seconds may be left out.
const DATE_TIME_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/** An instant to 100 ns: whole seconds since the epoch and ticks within the second (a single number would lose them). */
export interface DateTimeOffsetInstant {
  readonly epochSeconds: number;
  readonly ticks: number;
}

/** Reads a DateTimeOffset as the instant it names, or null when the text is not one (or names no real date). */
export function parseDateTimeOffset(text: string): DateTimeOffsetInstant | null {
  const match = DATE_TIME_OFFSET.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "00", fraction = "", zulu, sign, offH, offM] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetMinutes = zulu ? 0 : (sign === "-" ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC maps years 0–99 to 1900–1999.
  local.setUTCFullYear(y);
  const valid =
    local.getUTCFullYear() === y &&
    local.getUTCMonth() === mo - 1 &&
    local.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60 &&
    Math.abs(offsetMinutes) < 24 * 60;
  if (!valid) return null;
  return {
    epochSeconds: local.getTime() / 1000 - offsetMinutes * 60,
    ticks: Number(fraction.padEnd(7, "0")),
  };
}

/** Normalises a DateTimeOffset to Graph's form (UTC, 7 fractional digits, `Z`); null when the text is not one. */
export function normaliseDateTimeOffset(text: string): string | null {
  const instant = parseDateTimeOffset(text);
  if (instant === null) return null;
  const seconds = new Date(instant.epochSeconds * 1000).toISOString().slice(0, 19);
  return `${seconds}.${String(instant.ticks).padStart(7, "0")}Z`;
}

/** Formats an instant in Graph's DateTimeOffset form (UTC, 7 fractional digits, `Z`). */
export function formatDateTimeOffset(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 23)}0000Z`;
}
