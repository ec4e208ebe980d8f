import { NetworkError } from "./network-error.js";

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

// Codes of failures where no HTTP answer arrived: Node's socket errors and undici's own.
const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** The server's requested delay: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` as seconds or HTTP-date. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers.get(name)?.trim();
    if (value && /^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  }
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP-date always names a day or month; without a letter, Date.parse would accept junk like "-1".
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Statuses worth another try: timeout, throttling and transient server errors; never other 4xx. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** The error code of a failed fetch, looked up through `cause` chains (fetch wraps socket errors in a TypeError). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === "string" && code !== "") return code;
    if (name === "TimeoutError") return "ETIMEDOUT";
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when the request got no HTTP answer for a transient reason (reset, refused, timeout, DNS). */
export function isRetryableNetworkError(error: unknown): boolean {
  if (error instanceof NetworkError) return RETRYABLE_NETWORK_CODES.has(error.code);
  const code = networkErrorCode(error);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/** Exponential backoff for failed attempt `attempt` (1-based): half fixed, half random, capped. */
export function backoffMs(
  attempt: number,
  options: { baseMs?: number; capMs?: number; random?: () => number } = {},
): number {
  const { baseMs = 1000, capMs = 60_000, random = Math.random } = options;
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
