import { parseRetryAfter } from "@intune-codesign/graph-contract";
import { GraphError } from "./graph-error.js";
import { NetworkError } from "./network-error.js";

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Throttling answers; without a Retry-After they wait at least THROTTLED_MIN_DELAY_MS. */
const THROTTLING_STATUSES = new Set([429, 503]);

/** Least wait after a 429 or 503 that named no delay: an immediate retry counts against the same limit. */
export const THROTTLED_MIN_DELAY_MS = 2000;

/** The server's requested delay: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` as seconds or HTTP-date. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers.get(name)?.trim();
    if (value && /^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  }
  const value = headers.get("retry-after");
  return value === null ? undefined : parseRetryAfter(value, now);
}

/** Statuses worth another try: timeout, throttling and transient server errors; never other 4xx. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * True when a request that got no answer may succeed if sent again: a reset or timeout may; a refused connection
 * may (a restarting server); a temporary DNS failure (EAI_AGAIN) once. A name that does not resolve (ENOTFOUND),
 * an untrusted certificate and a proxy's refusal will not change within a run.
 */
export function isRetryableNetworkError(error: NetworkError, retriesSoFar: number): boolean {
  switch (error.kind) {
    case "reset":
    case "timeout":
    case "refused":
    case "unreachable":
      return true;
    case "dns":
      return error.code === "EAI_AGAIN" && retriesSoFar === 0;
    default:
      return false;
  }
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

/** How patient one operation is. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Total time the operation may take, waits included. */
  budgetMs: number;
  baseMs?: number | undefined;
  capMs?: number | undefined;
  random?: () => number;
}

/** Where an operation stands when an attempt failed. */
export interface RetryState {
  /** Retries already spent (0 after the first attempt failed). */
  retriesSoFar: number;
  /** Time since the operation began. */
  elapsedMs: number;
  /** A least wait of the caller's own (a create that may have landed needs time before it is looked for). */
  minDelayMs?: number;
}

/** Whether to retry after a failure, and after how long; the one place that decides. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * The retry decision: only retryable statuses and transient network failures are retried; the wait is the
 * server's Retry-After, else backoff (at least THROTTLED_MIN_DELAY_MS for a 429 or 503); never past the budget.
 */
export function decideRetry(failure: unknown, state: RetryState, policy: RetryPolicy): RetryDecision {
  let delayMs: number;
  if (failure instanceof GraphError) {
    if (!isRetryableStatus(failure.status)) return { retry: false, reason: "not retryable" };
    const backoff = backoffMs(state.retriesSoFar + 1, policy);
    delayMs =
      failure.retryAfterMs ??
      (THROTTLING_STATUSES.has(failure.status) ? Math.max(THROTTLED_MIN_DELAY_MS, backoff) : backoff);
  } else if (failure instanceof NetworkError) {
    if (!isRetryableNetworkError(failure, state.retriesSoFar))
      return { retry: false, reason: "not transient" };
    delayMs = backoffMs(state.retriesSoFar + 1, policy);
  } else {
    return { retry: false, reason: "not a Graph or network failure" };
  }
  delayMs = Math.max(delayMs, state.minDelayMs ?? 0);
  if (state.retriesSoFar >= policy.retries) return { retry: false, reason: "retries spent" };
  if (state.elapsedMs + delayMs > policy.budgetMs) return { retry: false, reason: "retry budget spent" };
  return { retry: true, delayMs };
}
