import { ConfigError } from "./config-error.js";
import { sleep } from "./sleep.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses `N/<window>` such as `100/20s`, `50/1s`, `10/500ms`, `600/1m`. */
export function parseRateLimit(spec: string): { limit: number; windowMs: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(spec);
  const limit = Number(m?.[1]);
  const windowMs = Number(m?.[2]) * (UNIT_MS[m?.[3] ?? ""] ?? Number.NaN);
  if (!m || !Number.isSafeInteger(limit) || limit < 1 || !(windowMs >= 1)) {
    throw new ConfigError(
      `Rate limit "${spec}" is not N/<window> with N ≥ 1, e.g. 100/20s, 50/1s or 10/500ms.`,
    );
  }
  return { limit, windowMs: Math.round(windowMs) };
}

/**
 * A sliding window of grants shared by all workers: a request may start once fewer than `limit` grants
 * happened in the last `windowMs`, the same rule Intune's (and the emulator's) throttling log applies.
 * Waiters are served in arrival order.
 */
export class RateLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Times of the last `limit` grants, oldest first. */
  private readonly grants: number[] = [];
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  /** `now` returns epoch milliseconds (default Date.now), the clock `pauseUntil` uses too. */
  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new ConfigError("limit must be ≥ 1");
    if (!(options.windowMs > 0)) throw new ConfigError("windowMs must be > 0");
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
  }

  /** Resolves when this caller may send one request; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.takeGrant(signal));
    this.queue = turn.catch(() => undefined);
    return signal ? untilAborted(turn, signal) : turn;
  }

  /** Holds every waiter until `epochMs` (a throttled response's Retry-After); never shortens a pause. */
  pauseUntil(epochMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, epochMs);
  }

  private async takeGrant(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      const oldest = this.grants.length < this.limit ? undefined : this.grants[0];
      const readyAt = Math.max(this.pausedUntil, oldest === undefined ? 0 : oldest + this.windowMs);
      if (readyAt <= now) {
        this.grants.push(now);
        if (this.grants.length > this.limit) this.grants.shift();
        return;
      }
      await sleep(readyAt - now, signal);
    }
  }
}

/** Settles with `promise`, or rejects early when the signal aborts; removes its listener either way. */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
