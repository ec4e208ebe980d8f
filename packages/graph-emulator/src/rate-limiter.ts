import type { RateLimit } from "./types.js";

/** The outcome of asking for a slot: allowed, or throttled until `retryAfterMs` from now. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A sliding-log limiter: per key it keeps the arrival times of the requests it allowed during the last
 * `windowMs`. A request is allowed while fewer than `limit` remain in the log; otherwise the wait is exactly
 * until the oldest logged request leaves the window. Throttled requests are not logged, so a client that
 * waits the advertised time gets a slot (Intune's "immediate retries count" is modelled by retries that come
 * early being throttled again, not by lengthening the window).
 */
export class SlidingLogLimiter {
  private readonly logs = new Map<string, number[]>();

  constructor(private readonly limit: RateLimit) {}

  /** Takes a slot for `key` at time `now` if one is free. */
  take(key: string, now: number): RateDecision {
    const log = this.logs.get(key) ?? [];
    while (log.length > 0 && log[0]! + this.limit.windowMs <= now) log.shift();
    this.logs.set(key, log);
    if (log.length < this.limit.limit) {
      log.push(now);
      return { allowed: true };
    }
    const oldest = log[log.length - this.limit.limit] ?? now;
    return { allowed: false, retryAfterMs: oldest + this.limit.windowMs - now };
  }
}

/** Formats a wait as Graph's Retry-After: seconds, with up to 3 decimals (`2.128`), never 0. */
export function formatRetryAfterSeconds(retryAfterMs: number): string {
  const milliseconds = Math.max(1, Math.ceil(retryAfterMs));
  return String(milliseconds / 1000);
}

/** The wait a Retry-After value asks for at `now`: seconds, or an HTTP-date (never below 0). */
export function retryAfterMs(value: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  return Math.max(0, Date.parse(value) - now);
}
