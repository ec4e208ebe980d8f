import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { WorkerRequest, WorkerResponse } from "./parser-worker.js";
import type { FilePath, ParsedFile, ParseOptions } from "./types.js";

/** Parses files on worker threads; each call resolves on its own, so callers keep their own order. */
export interface ParserPool {
  /** Reads and parses one file on a worker; never rejects for bad input. */
  parseFile(path: FilePath, options?: ParseOptions): Promise<ParsedFile>;
  /** Stops the workers; calls still pending reject. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  path: FilePath;
  options: ParseOptions;
  resolve(file: ParsedFile): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Job>;
}

/** Jobs per message: batching amortises the message cost, which rivals parsing one small certificate. */
const BATCH_SIZE = 32;
/** Jobs a worker may hold, so a fast worker is never idle while waiting for the next message. */
const WORKER_WINDOW = 4 * BATCH_SIZE;

/** Starts a pool of parser workers (default: one per core). */
export function createParserPool(options: { threads?: number } = {}): ParserPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const workerUrl = new URL("./parser-worker.js", import.meta.url);
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let flushScheduled = false;
  let closed = false;

  const flush = (): void => {
    flushScheduled = false;
    // A short queue (a caller keeping few files in flight) is shared out, not handed whole to one worker.
    const share = Math.ceil(queue.length / slots.length);
    while (queue.length > 0) {
      const slot = slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
      const room = WORKER_WINDOW - slot.inFlight.size;
      if (room <= 0) return;
      const jobs = queue.splice(0, Math.min(BATCH_SIZE, room, share));
      for (const job of jobs) slot.inFlight.set(job.id, job);
      const request: WorkerRequest = { jobs: jobs.map(({ id, path, options }) => ({ id, path, options })) };
      slot.worker.postMessage(request);
    }
  };

  const scheduleFlush = (): void => {
    if (flushScheduled) return;
    flushScheduled = true;
    // setImmediate lets a caller's synchronous loop enqueue many files before the first batch leaves.
    setImmediate(flush);
  };

  const failSlot = (slot: Slot, error: Error): void => {
    for (const job of slot.inFlight.values()) job.reject(error);
    slot.inFlight.clear();
    if (!closed) slots.splice(slots.indexOf(slot), 1, startSlot());
  };

  const startSlot = (): Slot => {
    const slot: Slot = { worker: new Worker(workerUrl), inFlight: new Map() };
    slot.worker.on("message", ({ results }: WorkerResponse) => {
      for (const { id, file } of results) {
        slot.inFlight.get(id)?.resolve(file);
        slot.inFlight.delete(id);
      }
      if (queue.length > 0) scheduleFlush();
    });
    slot.worker.on("error", (error) => failSlot(slot, error));
    slot.worker.on("exit", (code) => {
      if (!closed) failSlot(slot, new Error(`parser worker exited with code ${code}`));
    });
    return slot;
  };

  for (let i = 0; i < threads; i++) slots.push(startSlot());

  return {
    parseFile(path, parseOptions = {}) {
      if (closed) return Promise.reject(new Error("parser pool is closed"));
      return new Promise<ParsedFile>((resolve, reject) => {
        queue.push({ id: nextId++, path, options: parseOptions, resolve, reject });
        scheduleFlush();
      });
    },
    async close() {
      closed = true;
      const error = new Error("parser pool closed");
      for (const job of queue.splice(0)) job.reject(error);
      await Promise.all(
        slots.map(async (slot) => {
          for (const job of slot.inFlight.values()) job.reject(error);
          await slot.worker.terminate();
        }),
      );
    },
  };
}
