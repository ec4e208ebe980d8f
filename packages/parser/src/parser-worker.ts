import { parentPort, workerData } from "node:worker_threads";
import { createRunBudget, readRunBudget, useRunBudget } from "./kdf-budget.js";
import { deferLegacyToChildProcess, hasLegacyProvider, takeLegacyDemand } from "./legacy-crypto.js";
import { parseFileSync } from "./parse-file.js";
import type { FilePath, ParsedFile, ParseOptions } from "./types.js";

/** A batch of files for one worker; a legacy child process also gets what is left of the run's KDF budget. */
export interface WorkerRequest {
  jobs: { id: number; path: FilePath; options: ParseOptions }[];
  budget?: { left: number; whole: number };
}

/** The results of one batch, in the request's order. */
export interface WorkerResponse {
  /** `legacy`: the file needs an algorithm from OpenSSL's legacy provider, which this thread lacks. */
  results: { id: number; file: ParsedFile; legacy?: boolean }[];
  /** What a legacy child process spent of the budget it was given. */
  budgetSpent?: number;
}

/**
 * Parses a batch. Only MSIX packages are read asynchronously (their ZIP reader is), so a batch without one is
 * answered at once.
 */
function run({ jobs }: WorkerRequest): WorkerResponse["results"] | Promise<WorkerResponse["results"]> {
  const results = jobs.map(({ id, path, options }) => {
    takeLegacyDemand();
    const file = parseFileSync(path, options);
    if (file instanceof Promise) return file.then((parsed) => ({ id, file: parsed }));
    return takeLegacyDemand() !== null && file.error ? { id, file, legacy: true } : { id, file };
  });
  return results.some((result) => result instanceof Promise)
    ? Promise.all(results)
    : (results as WorkerResponse["results"]);
}

/** Calls `answer` with a batch's results, at once when they are ready. */
function whenRun(request: WorkerRequest, answer: (results: WorkerResponse["results"]) => void): void {
  const results = run(request);
  if (results instanceof Promise) void results.then(answer);
  else answer(results);
}

if (parentPort) {
  // A pool's worker thread: every worker of the pool draws on one shared key-derivation budget.
  if (workerData?.kdfBudget) useRunBudget(workerData.kdfBudget);
  if (!hasLegacyProvider()) deferLegacyToChildProcess();
  const port = parentPort;
  // The DER buffers are copied, not transferred: a certificate is a few hundred bytes, and detaching each small
  // buffer cost more than the copy.
  port.on("message", (request: WorkerRequest) =>
    whenRun(request, (results) => port.postMessage({ results } satisfies WorkerResponse)),
  );
} else if (process.send) {
  // The legacy child process (started with --openssl-legacy-provider); a Node.js whose OpenSSL cannot load that
  // provider falls back to node-forge's pure-JS RC2 and DES (and RC4) here.
  process.on("message", (request: WorkerRequest) => {
    const { left, whole } = request.budget ?? { left: 0, whole: 0 };
    useRunBudget(createRunBudget(left, whole));
    whenRun(request, (results) =>
      process.send?.({
        results: results.map(({ id, file }) => ({ id, file })),
        budgetSpent: left - readRunBudget().left,
      } satisfies WorkerResponse),
    );
  });
}
