import type { RateLimit } from "./types.js";

/** The outcome of asking for a slot: allowed, or throttled until `retryAfterMs` from now. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A sliding-log limiter: per key it keeps the arrival times of the requests of the last `windowMs`, throttled
 * ones included ("all requests accrue against your usage limits", as Graph's throttling guidance says). A
 * request is allowed while at most `limit` requests, itself included, are in the log; otherwise the wait is
 * until enough of them leave the window for a retry to be allowed, so an early retry extends the throttling
 * and a client that waits exactly the advertised time is served.
 */
export class SlidingLogLimiter {
  private readonly logs = new Map<string, number[]>();

  constructor(private readonly limit: RateLimit) {}

  /** Counts a request for `key` at time `now` and says whether it fits the limit. */
  take(key: string, now: number): RateDecision {
    const log = this.logs.get(key) ?? [];
    while (log.length > 0 && log[0]! + this.limit.windowMs <= now) log.shift();
    this.logs.set(key, log);
    log.push(now);
    if (log.length <= this.limit.limit) return { allowed: true };
    // A retry is allowed once only limit - 1 of the logged requests remain in the window.
    const freeing = log[log.length - this.limit.limit] ?? now;
    return { allowed: false, retryAfterMs: freeing + this.limit.windowMs - now };
  }
}

/** Formats a wait as Graph's Retry-After: seconds, with up to 3 decimals (`2.128`), never 0. */
export function formatRetryAfterSeconds(retryAfterMs: number): string {
  const milliseconds = Math.max(1, Math.ceil(retryAfterMs));
  return String(milliseconds / 1000);
}
