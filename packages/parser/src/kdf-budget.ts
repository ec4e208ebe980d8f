import { ParseError } from "./parse-error.js";

/**
 * Bounds on password-based key derivation, the only work in parsing whose cost a file chooses. Costs are counted
 * in iterations (a PBKDF2 iteration per output block, a PKCS#12 KDF hash, scrypt as 2·N·r·p), each about a
 * microsecond or less on one core of a current machine.
 */

/** One derivation may ask for at most this many iterations. */
export const MAX_KDF_ITERATIONS = 10_000_000;
/** All derivations for one file (every password candidate) together: about 30 s of one core at worst. */
export const MAX_FILE_KDF_WORK = 30_000_000;
/**
 * What every file may spend without drawing on the run's budget: enough for a 600,000-iteration file tried with
 * four password candidates (given, its OpenSSL 1.0 spelling, empty, absent).
 */
export const FREE_FILE_KDF_WORK = 4_000_000;
/** What a run (a parser pool, or a process parsing on its own) may spend beyond the files' free allowance. */
export const DEFAULT_RUN_KDF_BUDGET = 100_000_000;

/** Words only a run-budget refusal says: it depends on the run (what other files spent), not on the file. */
const RUN_BUDGET_REFUSAL = "this run's key-derivation budget";

/**
 * Whether a parse error is the run's budget refusing the file: the same file may open in another run, so it must not
 * be remembered as the file's outcome. Told by its words, which survive the worker, the legacy child and PEM blocks.
 */
export function isRunBudgetRefusal(error: { message: string }): boolean {
  return error.message.includes(RUN_BUDGET_REFUSAL);
}

/** The run's remaining budget, shared by every worker of a pool through one SharedArrayBuffer. */
let runBudget = new BigInt64Array(createRunBudget());
let fileWork = 0;

/** A fresh shared budget for a pool's workers: what is left, then the whole (for the message). */
export function createRunBudget(
  iterations: number = DEFAULT_RUN_KDF_BUDGET,
  whole: number = iterations,
): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(16);
  new BigInt64Array(buffer).set([BigInt(iterations), BigInt(whole)]);
  return buffer;
}

/** Makes this thread draw on a pool's shared budget. */
export function useRunBudget(buffer: SharedArrayBuffer): void {
  runBudget = new BigInt64Array(buffer);
}

/** What is left of the run's budget, and the whole of it. */
export function readRunBudget(): { left: number; whole: number } {
  return { left: Number(Atomics.load(runBudget, 0)), whole: Number(runBudget[1]) };
}

/** Starts counting a new file's work. */
export function startFileKdfWork(): void {
  fileWork = 0;
}

/** Refuses an iteration count above the per-derivation cap (or below 1) before anything is derived. */
export function checkIterations(iterations: bigint, what: string): number {
  if (iterations > BigInt(MAX_KDF_ITERATIONS)) {
    throw new ParseError(
      "unsupported",
      `${what} iteration count ${iterations} exceeds ${MAX_KDF_ITERATIONS}`,
    );
  }
  if (iterations < 1n) throw new ParseError("malformed", `${what} iteration count ${iterations} is below 1`);
  return Number(iterations);
}

/** Books `work` iterations for the current file before they run, or refuses the file with the limit it hit. */
export function chargeKdfWork(work: number): void {
  const before = fileWork;
  fileWork += work;
  if (fileWork > MAX_FILE_KDF_WORK) {
    throw new ParseError(
      "unsupported",
      `refused: key derivation for this file would exceed ${MAX_FILE_KDF_WORK} iterations (every password candidate counted)`,
    );
  }
  const excess = Math.max(0, fileWork - FREE_FILE_KDF_WORK) - Math.max(0, before - FREE_FILE_KDF_WORK);
  if (excess === 0) return;
  const left = Atomics.sub(runBudget, 0, BigInt(excess));
  if (left < BigInt(excess)) {
    throw new ParseError(
      "unsupported",
      `refused: ${RUN_BUDGET_REFUSAL} (${runBudget[1]} iterations beyond ${FREE_FILE_KDF_WORK} per file) is spent by costlier files`,
    );
  }
}
