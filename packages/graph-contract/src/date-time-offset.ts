// Graph's DateTimeOffset: ISO 8601 with a Z or ±hh:mm offset. Graph writes 7 fractional digits (100 ns ticks);
// more are accepted and cut, as .NET does, and seconds may be left out.
const DATE_TIME_OFFSET =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/** An instant to 100 ns: whole seconds since the epoch and ticks within the second (a single number would lose them). */
export interface DateTimeOffsetInstant {
  readonly epochSeconds: number;
  readonly ticks: number;
}

/** Reads a DateTimeOffset as the instant it names, or null when the text is not one (or names no real date). */
export function parseDateTimeOffset(text: string): DateTimeOffsetInstant | null {
  const match = DATE_TIME_OFFSET.exec(text);
  if (!match) return null;
  const [, date, time, second = "00", fraction = "", zulu, sign, offH, offM] = match;
  const local = `${date}T${time}:${second}`;
  const localMs = Date.parse(`${local}Z`);
  // A date that does not exist (29 February 2023, 24:00) rolls over, so it no longer reads back the same.
  if (Number.isNaN(localMs) || new Date(localMs).toISOString().slice(0, 19) !== local) return null;
  const offsetMinutes = zulu ? 0 : (sign === "-" ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  if (Math.abs(offsetMinutes) >= 24 * 60) return null;
  return {
    epochSeconds: localMs / 1000 - offsetMinutes * 60,
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
