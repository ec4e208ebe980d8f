import { describe, expect, it } from "vitest";
import { formatDateTimeOffset, normaliseDateTimeOffset, parseDateTimeOffset } from "./date-time-offset.js";

describe("normaliseDateTimeOffset", () => {
  it.each([
    ["2027-11-29T22:38:25Z", "2027-11-29T22:38:25.0000000Z"],
    ["2027-11-29T22:38:25.1234567Z", "2027-11-29T22:38:25.1234567Z"],
    ["2027-11-29T22:38:25.123456789Z", "2027-11-29T22:38:25.1234567Z"],
    ["2016-12-31T23:57:57.2481234-08:00", "2017-01-01T07:57:57.2481234Z"],
    ["2027-11-29T00:30+01:30", "2027-11-28T23:00:00.0000000Z"],
    ["2024-02-29T12:00:00z", "2024-02-29T12:00:00.0000000Z"],
    ["0099-06-01T00:00:00Z", "0099-06-01T00:00:00.0000000Z"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseDateTimeOffset(input)).toBe(expected);
  });

  it.each([
    "2027-11-29T22:38:25",
    "2027-11-29",
    "2023-02-29T00:00:00Z",
    "2027-13-01T00:00:00Z",
    "2027-11-29T24:00:00Z",
    "2027-11-29T23:60:00Z",
    "2027-11-29T12:00:00+24:00",
    "2027-11-29T22:38:25+0100",
    "not a date",
  ])("rejects %s", (input) => {
    expect(normaliseDateTimeOffset(input)).toBeNull();
  });
});

describe("formatDateTimeOffset", () => {
  it("writes UTC with 7 fractional digits", () => {
    expect(formatDateTimeOffset(Date.UTC(2027, 10, 29, 22, 38, 25, 125))).toBe(
      "2027-11-29T22:38:25.1250000Z",
    );
  });
});

describe("parseDateTimeOffset", () => {
  it("gives whole seconds and 100 ns ticks, whatever the offset", () => {
    expect([
      parseDateTimeOffset("2027-11-29T22:38:25.0000001Z"),
      parseDateTimeOffset("2027-11-30T00:38:25.0000001+02:00"),
      parseDateTimeOffset("2027-11-29T22:38:25.00000019Z"),
      parseDateTimeOffset("2027-11-29T22:38:25"),
    ]).toEqual([
      { epochSeconds: 1827527905, ticks: 1 },
      { epochSeconds: 1827527905, ticks: 1 },
      { epochSeconds: 1827527905, ticks: 1 },
      null,
    ]);
  });
});
