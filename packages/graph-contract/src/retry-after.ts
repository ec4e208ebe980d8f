/**
 * The wait a Retry-After value asks for at `now`, in ms: delay-seconds (Graph sends fractions, e.g. `2.128`) or an
 * HTTP-date, never below 0; undefined when the value is neither.
 */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // An HTTP-date always names a day or month; without a letter, Date.parse would accept junk like "-1".
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
