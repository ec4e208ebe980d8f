import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GraphError } from "./graph-error.js";
import { NetworkError, type NetworkFailureKind } from "./network-error.js";
import {
  backoffMs,
  decideRetry,
  isRetryableNetworkError,
  isRetryableStatus,
  type RetryDecision,
  retryAfterMs,
  THROTTLED_MIN_DELAY_MS,
} from "./retry.js";

const PINNED = Date.parse("2026-03-01T12:00:00Z");

describe("retryAfterMs", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(PINNED);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "x-ms-retry-after-ms": "1500" }, 1500],
    [{ "retry-after-ms": "100", "x-ms-retry-after-ms": "900", "retry-after": "5" }, 100],
    [{ "x-ms-retry-after-ms": "900", "retry-after": "5" }, 900],
    [{ "retry-after": "5" }, 5000],
    [{ "retry-after": "2.128" }, 2128],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after": " 3 " }, 3000],
    [{ "retry-after": "Sun, 01 Mar 2026 12:00:07 GMT" }, 7000],
    [{ "retry-after": "Sun, 01 Mar 2026 11:59:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": "-1" }, undefined],
    [{ "retry-after-ms": "abc", "retry-after": "1" }, 1000],
    [{}, undefined],
  ])("%j -> %s", (headers, expected) => {
    expect(retryAfterMs(new Headers(headers))).toBe(expected);
  });

  it("measures an HTTP-date against the given clock", () => {
    const headers = new Headers({ "retry-after": "Sun, 01 Mar 2026 12:00:07 GMT" });
    expect(retryAfterMs(headers, PINNED + 2000)).toBe(5000);
  });
});

describe("isRetryableStatus", () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [501, false],
    [505, false],
    [507, false],
    [200, false],
  ])("%i -> %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

/** A NetworkError of a kind and code, as sendOnce builds it. */
function networkError(kind: NetworkFailureKind, code: string): NetworkError {
  return new NetworkError({ kind, code, host: "graph.example.test", proxy: null });
}

describe("isRetryableNetworkError", () => {
  it.each<[NetworkFailureKind, string, number, boolean]>([
    ["reset", "ECONNRESET", 0, true],
    ["timeout", "ETIMEDOUT", 5, true],
    ["refused", "ECONNREFUSED", 0, true],
    ["unreachable", "EHOSTUNREACH", 0, true],
    ["dns", "ENOTFOUND", 0, false],
    ["dns", "EAI_AGAIN", 0, true],
    ["dns", "EAI_AGAIN", 1, false],
    ["tls", "CERT_HAS_EXPIRED", 0, false],
    ["proxy", "HTTP 407", 0, false],
    ["port", "bad port", 0, false],
    ["other", "EUNKNOWN", 0, false],
  ])("%s %s after %i retries -> %s", (kind, code, retries, expected) => {
    expect(isRetryableNetworkError(networkError(kind, code), retries)).toBe(expected);
  });
});

describe("backoffMs", () => {
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 0.5, 3000],
    [6, 1, 32_000],
    [7, 0, 30_000],
    [7, 1, 60_000],
    [20, 1, 60_000],
  ])("attempt %i, random %d -> %i ms", (attempt, r, expected) => {
    expect(backoffMs(attempt, { random: () => r })).toBe(expected);
  });

  it("takes base and cap", () => {
    expect(backoffMs(3, { baseMs: 10, capMs: 25, random: () => 1 })).toBe(25);
    expect(backoffMs(2, { baseMs: 10, capMs: 1000, random: () => 0 })).toBe(10);
  });
});

describe("decideRetry: the one decision", () => {
  const policy = { retries: 3, budgetMs: 60_000, baseMs: 100, random: () => 1 };
  const graph = (status: number, retryAfter?: number) =>
    new GraphError({ status, code: "c", message: "m", requestId: null, retryAfterMs: retryAfter });
  it.each<[string, unknown, { retriesSoFar: number; elapsedMs: number; minDelayMs?: number }, RetryDecision]>(
    [
      ["a 500 backs off", graph(500), { retriesSoFar: 0, elapsedMs: 0 }, { retry: true, delayMs: 100 }],
      ["the backoff doubles", graph(502), { retriesSoFar: 2, elapsedMs: 0 }, { retry: true, delayMs: 400 }],
      ["Retry-After wins", graph(429, 250), { retriesSoFar: 0, elapsedMs: 0 }, { retry: true, delayMs: 250 }],
      [
        "a 503 with Retry-After 0",
        graph(503, 0),
        { retriesSoFar: 0, elapsedMs: 0 },
        { retry: true, delayMs: 0 },
      ],
      [
        "a 429 without Retry-After waits the floor",
        graph(429),
        { retriesSoFar: 0, elapsedMs: 0 },
        { retry: true, delayMs: THROTTLED_MIN_DELAY_MS },
      ],
      [
        "a 503 without Retry-After waits the floor",
        graph(503),
        { retriesSoFar: 1, elapsedMs: 0 },
        { retry: true, delayMs: 2000 },
      ],
      [
        "a caller's least wait",
        graph(504),
        { retriesSoFar: 0, elapsedMs: 0, minDelayMs: 700 },
        { retry: true, delayMs: 700 },
      ],
      [
        "a 400 is final",
        graph(400),
        { retriesSoFar: 0, elapsedMs: 0 },
        { retry: false, reason: "not retryable" },
      ],
      [
        "a 403 is final",
        graph(403),
        { retriesSoFar: 0, elapsedMs: 0 },
        { retry: false, reason: "not retryable" },
      ],
      [
        "retries spent",
        graph(500),
        { retriesSoFar: 3, elapsedMs: 0 },
        { retry: false, reason: "retries spent" },
      ],
      [
        "the wait would overrun the budget",
        graph(429, 5000),
        { retriesSoFar: 0, elapsedMs: 56_000 },
        { retry: false, reason: "retry budget spent" },
      ],
      [
        "a reset backs off",
        networkError("reset", "ECONNRESET"),
        { retriesSoFar: 1, elapsedMs: 0 },
        { retry: true, delayMs: 200 },
      ],
      [
        "a name that does not resolve fails fast",
        networkError("dns", "ENOTFOUND"),
        { retriesSoFar: 0, elapsedMs: 0 },
        { retry: false, reason: "not transient" },
      ],
      [
        "an untrusted certificate fails fast",
        networkError("tls", "SELF_SIGNED_CERT_IN_CHAIN"),
        { retriesSoFar: 0, elapsedMs: 0 },
        { retry: false, reason: "not transient" },
      ],
      [
        "anything else is thrown as it is",
        new Error("bug"),
        { retriesSoFar: 0, elapsedMs: 0 },
        { retry: false, reason: "not a Graph or network failure" },
      ],
    ],
  )("%s", (_, failure, state, expected) => {
    expect(decideRetry(failure, state, policy)).toEqual(expected);
  });
});
