import { formatRateLimit, INTUNE_WRITE_LIMIT } from "@intune-codesign/graph-contract";
import { ConfigError } from "./config-error.js";

/** Intune's write limit for this resource family, per app and tenant: the default pacing, as `--rate-limit` spells it. */
export const DEFAULT_RATE_LIMIT = formatRateLimit(INTUNE_WRITE_LIMIT);

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

/** A permission to send one request; `done()` marks its answer as received. */
export interface Grant {
  /** Starts the grant's window at the answer's arrival: the server saw the request no later than that. */
  done(): void;
}

interface GrantRecord {
  /** When the answer arrived; undefined while the request is in flight. */
  settledAt: number | undefined;
}

/**
 * A sliding window of grants shared by all workers: a request may start once fewer than `limit` grants
 * fall in the last `windowMs`, the rule Intune's (and the emulator's) throttling log applies to arrivals.
 * A grant counts from when its answer arrived, so network jitter can never make two
 * requests land closer together at the server than the limiter allowed. Waiters are served in arrival order.
 */
export class RateLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly grants: GrantRecord[] = [];
  private pausedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private wakeWaiter: (() => void) | undefined;

  /** `now` returns epoch milliseconds (default Date.now), the clock `pauseUntil` uses too. */
  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new ConfigError("limit must be ≥ 1");
    if (!(options.windowMs > 0)) throw new ConfigError("windowMs must be > 0");
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * Resolves when one request may be sent; the grant counts from `done()`, and every grant must be done (use
   * `finally`). Rejects with the signal's reason on abort.
   */
  acquireGrant(signal?: AbortSignal): Promise<Grant> {
    const turn = this.queue.then(() => this.takeGrant(signal));
    this.queue = turn.catch(() => undefined);
    return signal ? untilAborted(turn, signal) : turn;
  }

  /** Holds every waiter until `epochMs` (a throttled response's Retry-After); never shortens a pause. */
  pauseUntil(epochMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, epochMs);
  }

  private async takeGrant(signal?: AbortSignal): Promise<Grant> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      this.forgetExpired(now);
      let readyAt = this.pausedUntil;
      if (this.grants.length >= this.limit) {
        const oldest = Math.min(...this.grants.map((g) => g.settledAt ?? Number.POSITIVE_INFINITY));
        readyAt = Math.max(readyAt, oldest + this.windowMs);
      }
      if (readyAt <= now) {
        const record: GrantRecord = { settledAt: undefined };
        this.grants.push(record);
        return { done: () => this.settle(record) };
      }
      await this.waitForChange(readyAt - now, signal);
    }
  }

  private forgetExpired(now: number): void {
    for (let i = this.grants.length - 1; i >= 0; i--) {
      const settledAt = this.grants[i]?.settledAt;
      if (settledAt !== undefined && settledAt + this.windowMs <= now) this.grants.splice(i, 1);
    }
  }

  private settle(record: GrantRecord): void {
    if (record.settledAt !== undefined) return;
    record.settledAt = this.now();
    this.wakeWaiter?.();
  }

  /** Sleeps `ms` (Infinity: until a grant is done), waking early when one is done; only the queue's head waits. */
  private waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (aborted: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.wakeWaiter = undefined;
        if (aborted) reject(signal?.reason);
        else resolve();
      };
      const onAbort = () => finish(true);
      const timer = Number.isFinite(ms) ? setTimeout(() => finish(false), ms) : undefined;
      this.wakeWaiter = () => finish(false);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** Settles with `promise`, or rejects early when the signal aborts; removes its listener either way. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
