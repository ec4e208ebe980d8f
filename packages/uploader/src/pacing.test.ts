import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "./config-error.js";
import { DEFAULT_RATE_LIMIT, parseRateLimit, RateLimiter } from "./pacing.js";

/** A grant whose answer came at once: it counts from when it was granted. */
function take(limiter: RateLimiter, signal?: AbortSignal): Promise<void> {
  return limiter.acquireGrant(signal).then((grant) => grant.done());
}

describe("parseRateLimit", () => {
  it.each([
    ["100/20s", { limit: 100, windowMs: 20_000 }],
    ["50/1s", { limit: 50, windowMs: 1000 }],
    ["10/500ms", { limit: 10, windowMs: 500 }],
    ["600/1m", { limit: 600, windowMs: 60_000 }],
    ["5/0.5s", { limit: 5, windowMs: 500 }],
    [" 7 / 2s ", { limit: 7, windowMs: 2000 }],
    [DEFAULT_RATE_LIMIT, { limit: 100, windowMs: 20_000 }],
  ])("%s", (spec, expected) => {
    expect(parseRateLimit(spec)).toEqual(expected);
  });

  it.each(["", "100", "100/20", "0/1s", "-1/1s", "1.5/1s", "10/0s", "10/1h", "abc/1s", "10/1s extra"])(
    "rejects %j",
    (spec) => {
      expect(() => parseRateLimit(spec)).toThrow(ConfigError);
    },
  );
});

describe("RateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse("2026-03-01T12:00:00Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts `n` acquisitions and records the fake time at which each was granted. */
  function grantTimes(limiter: RateLimiter, n: number): number[] {
    const start = Date.now();
    const times: number[] = [];
    for (let i = 0; i < n; i++) void take(limiter).then(() => times.push(Date.now() - start));
    return times;
  }

  it("grants `limit` at once, then one per expiring grant", async () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 1000 });
    const times = grantTimes(limiter, 7);
    await vi.advanceTimersByTimeAsync(5000);
    expect(times).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  it("keeps a sliding window: a late burst waits only for the grants it would overlap", async () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 1000 });
    await take(limiter);
    await vi.advanceTimersByTimeAsync(600);
    const times = grantTimes(limiter, 3);
    await vi.advanceTimersByTimeAsync(3000);
    expect(times).toEqual([0, 400, 1000]);
  });

  it("pauseUntil holds every waiter and never shortens a pause", async () => {
    const limiter = new RateLimiter({ limit: 10, windowMs: 1000 });
    limiter.pauseUntil(Date.now() + 700);
    limiter.pauseUntil(Date.now() + 300);
    const times = grantTimes(limiter, 2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(times).toEqual([700, 700]);
  });

  it("an aborted waiter rejects at once and gives its turn away", async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000 });
    await take(limiter);
    const controller = new AbortController();
    const aborted = take(limiter, controller.signal);
    const times = grantTimes(limiter, 1);
    controller.abort(new Error("shutdown"));
    await expect(aborted).rejects.toThrow("shutdown");
    await vi.advanceTimersByTimeAsync(3000);
    expect(times).toEqual([1000]);
  });

  it("uses the injected clock", async () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 1, windowMs: 100, now: () => now });
    await take(limiter);
    now = 100;
    await take(limiter);
    expect(now).toBe(100);
  });
});

describe("RateLimiter grants counted from their answer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse("2026-03-01T12:00:00Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a grant's window starts when it is done, and an in-flight grant holds its slot", async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000 });
    const start = Date.now();
    const grant = await limiter.acquireGrant();
    let grantedAt: number | undefined;
    void take(limiter).then(() => {
      grantedAt = Date.now() - start;
    });
    await vi.advanceTimersByTimeAsync(3000);
    expect(grantedAt).toBeUndefined();
    grant.done();
    await vi.advanceTimersByTimeAsync(999);
    expect(grantedAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(grantedAt).toBe(4000);
  });

  it("done() twice counts once, from the first call", async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 100 });
    const grant = await limiter.acquireGrant();
    grant.done();
    await vi.advanceTimersByTimeAsync(50);
    grant.done();
    const start = Date.now();
    let waited: number | undefined;
    void take(limiter).then(() => {
      waited = Date.now() - start;
    });
    await vi.advanceTimersByTimeAsync(200);
    expect(waited).toBe(50);
  });
});
