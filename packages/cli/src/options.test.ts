import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { UsageError } from "./exit-codes.js";
import { checkPathsExist, parseNonNegativeInteger, parsePositiveInteger, parseSize } from "./options.js";

describe("parseSize", () => {
  it.each([
    ["1048576", 1048576],
    ["0", 0],
    ["10MiB", 10 * 1024 * 1024],
    ["10mib", 10 * 1024 * 1024],
    ["10M", 10 * 1024 * 1024],
    ["10MB", 10_000_000],
    ["512KiB", 524288],
    ["512k", 524288],
    ["2kb", 2000],
    ["1GiB", 1024 ** 3],
    ["1g", 1024 ** 3],
    ["3GB", 3_000_000_000],
    ["100b", 100],
    ["1.5KiB", 1536],
    ["0.5b", 0],
    ["10 MiB", 10 * 1024 * 1024],
    ["  64KiB  ", 65536],
  ])("%j -> %d", (value, expected) => {
    expect(parseSize(value)).toBe(expected);
  });

  it.each(["", "MiB", "-1", "1e6", "10TiB", "10 M iB", "ten", "1.MiB", ".5k"])("%j is refused", (value) => {
    expect(() => parseSize(value)).toThrow(
      new InvalidArgumentError("expected a size such as 10MiB, 512KiB or 1048576"),
    );
  });
});

describe("parsePositiveInteger and parseNonNegativeInteger", () => {
  it.each([
    ["1", 1, 1],
    ["8", 8, 8],
    ["100000", 100000, 100000],
    ["0", null, 0],
    ["-1", null, null],
    ["1.5", null, null],
    ["abc", null, null],
    ["NaN", null, null],
    ["Infinity", null, null],
  ])("%j -> positive %s, non-negative %s", (value, positive, nonNegative) => {
    if (positive === null)
      expect(() => parsePositiveInteger(value)).toThrow(
        new InvalidArgumentError("expected a positive integer"),
      );
    else expect(parsePositiveInteger(value)).toBe(positive);
    if (nonNegative === null)
      expect(() => parseNonNegativeInteger(value)).toThrow(
        new InvalidArgumentError("expected a non-negative integer"),
      );
    else expect(parseNonNegativeInteger(value)).toBe(nonNegative);
  });
});

describe("checkPathsExist", () => {
  it("passes when every path exists and names every missing one otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-options-"));
    expect(() => checkPathsExist([dir])).not.toThrow();
    const missing = [join(dir, "a"), join(dir, "b")];
    expect(() => checkPathsExist([dir, ...missing])).toThrow(
      new UsageError(`no such file or folder: ${missing.join(", ")}`),
    );
  });
});
