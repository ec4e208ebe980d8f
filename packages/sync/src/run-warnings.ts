import { type MappingFile, unusedMapKeys } from "./mapping.js";
import { unmatchedPatterns } from "./patterns.js";
import type { RunWarning } from "./report.js";
import type { WalkEntry } from "./walk.js";

/**
 * What the walk suggests was a mistake: a folder that yielded no file (empty, or a volume that is not mounted), and
 * an include pattern that matched nothing (`*.cert` for `.cer` files).
 */
export function walkWarnings(
  roots: string[],
  entries: readonly WalkEntry[],
  include: string[] | undefined,
  isFolder: (root: string) => boolean,
): RunWarning[] {
  const yielding = new Set(entries.map((entry) => entry.root));
  const warnings: RunWarning[] = roots
    .filter((root) => !yielding.has(root) && isFolder(root))
    .map((root) => ({
      code: "empty_folder",
      message: `${root} yielded no file${include?.length ? " that --include matches" : ""}: is it empty, or not mounted? (--allow-empty if that is expected)`,
      subject: root,
    }));
  const unmatched = include?.length
    ? unmatchedPatterns(
        include,
        entries.map((entry) => entry.relative),
      )
    : [];
  for (const pattern of unmatched) {
    warnings.push({
      code: "unmatched_include",
      message: `--include '${pattern}' matched no file`,
      subject: pattern,
    });
  }
  return warnings;
}

/** Every `--map` key that names no file or certificate of the run. */
export function mapWarnings(
  mapping: MappingFile | null,
  relatives: ReadonlySet<string>,
  sha256s: ReadonlySet<string>,
): RunWarning[] {
  if (!mapping) return [];
  return unusedMapKeys(mapping, relatives, sha256s).map((key) => ({
    code: "unused_map_key",
    message: `--map key "${key}" matches no file: keys are paths relative to the folder given (or sha256:<hex>)`,
    subject: key,
  }));
}
