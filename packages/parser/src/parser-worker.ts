import { parentPort } from "node:worker_threads";
import { parseFileSync } from "./parse-file.js";
import type { FilePath, ParsedFile, ParseOptions } from "./types.js";

/** A batch of files for one worker. */
export interface WorkerRequest {
  jobs: { id: number; path: FilePath; options: ParseOptions }[];
}

/** The results of one batch, in the request's order. */
export interface WorkerResponse {
  results: { id: number; file: ParsedFile }[];
}

parentPort?.on("message", ({ jobs }: WorkerRequest) => {
  const pending = jobs.map(({ id, path, options }) => ({ id, file: parseFileSync(path, options) }));
  // The DER buffers are copied, not transferred: a certificate is a few hundred bytes, and detaching each small
  // buffer cost more than the copy.
  const post = (results: WorkerResponse["results"]) =>
    parentPort?.postMessage({ results } satisfies WorkerResponse);
  // Only MSIX packages are read asynchronously (their ZIP reader is); a batch without one is answered at once.
  if (!pending.some(({ file }) => file instanceof Promise)) post(pending as WorkerResponse["results"]);
  else void Promise.all(pending.map(async ({ id, file }) => ({ id, file: await file }))).then(post);
});
