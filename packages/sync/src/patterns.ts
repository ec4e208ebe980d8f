import picomatch from "picomatch";

/**
 * Compiles `--include`/`--exclude` patterns as .gitignore reads them: a pattern without a slash matches a file name
 * at any depth (`*.key` matches `team1/a.key`); one with a slash matches the path relative to its folder
 * (`team1/*.pem`; a leading `/` only anchors it), and one ending in a slash matches everything below.
 */
export function patternMatcher(patterns: string[]): (relative: string) => boolean {
  const byName = patterns.filter((p) => !p.includes("/"));
  const byPath = patterns.filter((p) => p.includes("/")).map(pathPattern);
  const name = byName.length > 0 ? picomatch(byName, { dot: true, basename: true }) : null;
  const path = byPath.length > 0 ? picomatch(byPath, { dot: true }) : null;
  return (relative) => (name?.(relative) ?? false) || (path?.(relative) ?? false);
}

/** The patterns that match none of `relatives` (the paths a walk kept), for a warning that names each. */
export function unmatchedPatterns(patterns: string[], relatives: readonly string[]): string[] {
  return patterns.filter((pattern) => {
    const matches = patternMatcher([pattern]);
    return !relatives.some(matches);
  });
}

/** A pattern with a slash as picomatch takes it: a leading slash only anchors; `dir/` is everything below `dir`. */
function pathPattern(pattern: string): string {
  if (/^[^/]+\/$/.test(pattern)) return `**/${pattern}**`;
  const relative = pattern.replace(/^\/+/, "");
  return relative.endsWith("/") ? `${relative}**` : relative;
}
