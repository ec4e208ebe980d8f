import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.js";

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0, 400);
  it.each([
    ["2.128", 2128],
    ["1", 1000],
    ["0.001", 1],
    [" 3 ", 3000],
    ["Sun, 29 Nov 2026 12:00:03 GMT", 2600],
    ["Sun, 29 Nov 2026 11:59:59 GMT", 0],
    ["soon", undefined],
    ["-1", undefined],
    ["", undefined],
  ])("%j → %s ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
