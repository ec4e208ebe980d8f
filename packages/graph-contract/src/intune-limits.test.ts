import { describe, expect, it } from "vitest";
import { formatRateLimit, INTUNE_REQUEST_LIMIT, INTUNE_WRITE_LIMIT } from "./intune-limits.js";

describe("formatRateLimit", () => {
  it("spells Intune's limits as the flags read them", () => {
    expect([formatRateLimit(INTUNE_WRITE_LIMIT), formatRateLimit(INTUNE_REQUEST_LIMIT)]).toEqual([
      "100/20s",
      "1000/20s",
    ]);
  });
  it("falls back to milliseconds for a window of no whole seconds", () => {
    expect(formatRateLimit({ limit: 10, windowMs: 500 })).toBe("10/500ms");
  });
});
