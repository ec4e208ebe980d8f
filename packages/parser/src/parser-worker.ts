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

parentPort?.on("message", async ({ jobs }: WorkerRequest) => {
  // Only MSIX packages make a job asynchronous (their ZIP reader is); the rest resolve at once.
  const results = await Promise.all(
    jobs.map(async ({ id, path, options }) => ({ id, file: await parseFileSync(path, options) })),
  );
  // The DER buffers are copied, not transferred: a certificate is a few hundred bytes, and detaching each small
  // buffer cost more than the copy.
  parentPort?.postMessage({ results } satisfies WorkerResponse);
});
