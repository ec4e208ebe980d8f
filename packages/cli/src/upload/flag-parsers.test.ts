import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { parsePruneClasses, parseStatusClasses } from "./flag-parsers.js";

describe("class-list flags", () => {
  it("--prune takes known classes, trimmed, empty items dropped", () => {
    expect(parsePruneClasses(" orphan, ,superseded ")).toEqual(["orphan", "superseded"]);
  });

  it.each(["", ",", "orphan,unmanaged", "Orphan"])("--prune %j is refused", (value) => {
    expect(() => parsePruneClasses(value)).toThrow(
      new InvalidArgumentError(
        "expected a comma-separated list of orphan, expired, superseded (unmanaged objects are never pruned)",
      ),
    );
  });

  it("--fail-on takes the status classes and flags", () => {
    expect(parseStatusClasses("expired,expiring,drift,missing")).toEqual([
      "expired",
      "expiring",
      "drift",
      "missing",
    ]);
  });

  it.each(["", "drifted", "drift,orphans"])("--fail-on %j is refused unless every item is known", (value) => {
    expect(() => parseStatusClasses(value)).toThrow(/^expected a comma-separated list of in_sync, drift, /);
  });
});
