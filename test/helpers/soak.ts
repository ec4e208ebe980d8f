import { appendFileSync } from "node:fs";

/** True when `pnpm soak` (scripts/soak.mjs) runs the tests at their long sizes. */
export const SOAK = process.env.INTUNE_CODESIGN_SOAK === "1";

/** The test's size in `pnpm test`, or the soak's. */
export function scaled<T>(short: T, long: T): T {
  return SOAK ? long : short;
}

/** Per-test timeout: the suite's minute, or an hour for a soak. */
export const TEST_TIMEOUT_MS = SOAK ? 3_600_000 : 60_000;

/**
 * Keeps a test's figures for scripts/soak.mjs (one JSON line per call, in the file named by SOAK_FIGURES), and
 * prints them, so the figures of a `pnpm test` run can be read in its output too.
 */
export function recordFigures(name: string, figures: Record<string, number | string>): void {
  const line = JSON.stringify({ name, ...figures });
  const file = process.env.SOAK_FIGURES;
  if (file) appendFileSync(file, `${line}\n`);
  else console.log(`figures ${line}`);
}
