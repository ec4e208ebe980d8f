import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NetworkError } from "./network-error.js";
import { backoffMs, isRetryableNetworkError, isRetryableStatus, retryAfterMs } from "./retry.js";

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

describe("isRetryableNetworkError", () => {
  const fetchFailure = (code: string) =>
    new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
  it.each([
    [new NetworkError("reset", { code: "ECONNRESET" }), true],
    [new NetworkError("timeout", { code: "ETIMEDOUT" }), true],
    [new NetworkError("odd", { code: "EUNKNOWN" }), false],
    [fetchFailure("ECONNREFUSED"), true],
    [fetchFailure("ENOTFOUND"), true],
    [fetchFailure("UND_ERR_SOCKET"), true],
    [fetchFailure("ERR_INVALID_ARG_TYPE"), false],
    [new DOMException("timed out", "TimeoutError"), true],
    [new Error("plain"), false],
    ["ECONNRESET", false],
  ])("%s -> %s", (error, expected) => {
    expect(isRetryableNetworkError(error)).toBe(expected);
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
