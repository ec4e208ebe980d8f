import type { PruneClass } from "@intune-codesign/sync";
import { STATUS_CLASSES } from "@intune-codesign/sync/status-classes";
import { InvalidArgumentError } from "commander";
import ms from "ms";
import * as v from "valibot";

/** Flag parsers the commands declare at start-up: they load nothing of the engine (the classes are repeated here). */
const PRUNE_CLASSES = ["orphan", "expired", "superseded"] as const satisfies readonly PruneClass[];
const PruneClassSchema = v.picklist(PRUNE_CLASSES);

/** Parses `30d`, `12h`, `90m` or `0` into milliseconds: a commander argument parser. A bare number has no unit. */
export function parseDuration(value: string): number {
  const text = value.trim();
  if (text === "0") return 0;
  const parsed = /^\d+(?:\.\d+)?\s*[a-z]+$/i.test(text) ? ms(text as ms.StringValue) : undefined;
  if (typeof parsed !== "number" || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError("expected a duration such as 30d, 12h or 90m");
  }
  return parsed;
}

/** Parses `--prune orphan,expired,superseded`: a commander argument parser. */
export function parsePruneClasses(value: string): PruneClass[] {
  const classes = value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const known = classes.filter((name) => v.is(PruneClassSchema, name));
  if (known.length < classes.length || classes.length === 0) {
    throw new InvalidArgumentError(
      `expected a comma-separated list of ${PRUNE_CLASSES.join(", ")} (unmanaged objects are never pruned)`,
    );
  }
  return known;
}

/** What `status --fail-on` accepts: the classes and the two flags. */
const FAIL_ON_CLASSES = [...STATUS_CLASSES, "expired", "expiring"] as const;

const StatusClassSchema = v.picklist(FAIL_ON_CLASSES);

/** A class or flag `--fail-on` can name. */
export type FailOnClass = (typeof FAIL_ON_CLASSES)[number];

/** Parses `--fail-on expired,expiring,drift,missing`: a commander argument parser. */
export function parseStatusClasses(value: string): FailOnClass[] {
  const classes = value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const known = classes.filter((name) => v.is(StatusClassSchema, name));
  if (known.length < classes.length || classes.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${FAIL_ON_CLASSES.join(", ")}`);
  }
  return known;
}
