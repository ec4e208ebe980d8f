import type { ParserPool } from "@intune-codesign/parser";

let early: Promise<ParserPool> | undefined;

/**
 * Starts `inspect`'s parser pool before the command line is parsed: `inspect` reads every file it is given, and its
 * worker threads take about 100 ms to boot, which would otherwise come after the CLI has loaded. The pool lets the
 * process exit while it is idle, so a run that never takes it (a usage error) is not held open by it.
 */
export function prestartParserPool(args: readonly string[]): void {
  if (args[0] !== "inspect" || args.some((arg) => arg === "--help" || arg === "-h")) return;
  early = import("@intune-codesign/parser").then(({ createParserPool }) =>
    createParserPool({ unrefWhenIdle: true }),
  );
}

/** The pool started early, else a new one; the caller closes it. */
export async function takeParserPool(): Promise<ParserPool> {
  const pool = early;
  early = undefined;
  return pool ?? (await import("@intune-codesign/parser")).createParserPool();
}
