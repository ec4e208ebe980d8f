const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/**
 * Normalises an ISO 8601 date-time with an offset to Graph's form (UTC, 7 fractional digits, `Z`);
 * null when the text is not such a date-time. Offsets are whole minutes, so the fraction carries over exactly.
 */
export function normaliseDateTimeOffset(text: string): string | null {
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "00", fraction = "", zulu, sign, offH, offM] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const offsetMinutes = zulu ? 0 : (sign === "-" ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
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
  const utc = new Date(local.getTime() - offsetMinutes * 60_000);
  return `${utc.toISOString().slice(0, 19)}.${fraction.padEnd(7, "0")}Z`;
}

/** Formats an instant in Graph's DateTimeOffset form (UTC, 7 fractional digits, `Z`). */
export function formatDateTimeOffset(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 23)}0000Z`;
}
