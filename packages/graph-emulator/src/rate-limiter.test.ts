import { describe, expect, it } from "vitest";
import { formatRetryAfterSeconds, SlidingLogLimiter } from "./rate-limiter.js";

describe("SlidingLogLimiter", () => {
  it("allows `limit` requests per window and waits until a retry fits", () => {
    const limiter = new SlidingLogLimiter({ limit: 3, windowMs: 20_000 });
    expect(limiter.take("app", 1_000)).toEqual({ allowed: true });
    expect(limiter.take("app", 1_500)).toEqual({ allowed: true });
    expect(limiter.take("app", 2_000)).toEqual({ allowed: true });
    // The throttled request itself counts, so two of the three must leave: at 1_500 + 20_000.
    expect(limiter.take("app", 18_872)).toEqual({ allowed: false, retryAfterMs: 2_628 });
    expect(limiter.take("other", 18_872)).toEqual({ allowed: true });
    expect(limiter.take("app", 21_500)).toEqual({ allowed: true });
  });

  it("counts throttled requests: a retry before the advertised time is throttled again and waits longer", () => {
    const limiter = new SlidingLogLimiter({ limit: 1, windowMs: 1_000 });
    expect(limiter.take("early", 0)).toEqual({ allowed: true });
    expect(limiter.take("early", 100)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect(limiter.take("early", 1_000)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect(limiter.take("early", 2_000)).toEqual({ allowed: true });

    expect(limiter.take("patient", 0)).toEqual({ allowed: true });
    expect(limiter.take("patient", 100)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect(limiter.take("patient", 1_100)).toEqual({ allowed: true });
  });
});

describe("formatRetryAfterSeconds", () => {
  it.each([
    [2128, "2.128"],
    [2000, "2"],
    [1100, "1.1"],
    [0.2, "0.001"],
    [1500.4, "1.501"],
  ])("%d ms → %s", (ms, expected) => {
    expect(formatRetryAfterSeconds(ms)).toBe(expected);
  });
});
