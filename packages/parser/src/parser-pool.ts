import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { failedFile } from "./parse-bytes.js";
import { ParseError } from "./parse-error.js";
import { shownPath } from "./parse-file.js";
import type { WorkerRequest, WorkerResponse } from "./parser-worker.js";
import type { FilePath, ParsedFile, ParseOptions } from "./types.js";

/** Parses files on worker threads; each call resolves on its own, so callers keep their own order. */
export interface ParserPool {
  /**
   * Reads and parses one file on a worker; never rejects for bad input, even input that stalls or kills a worker:
   * that file gets an `unsupported` error and the batch goes on.
   */
  parseFile(path: FilePath, options?: ParseOptions): Promise<ParsedFile>;
  /** Stops the workers; calls still pending reject. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  path: FilePath;
  options: ParseOptions;
  /** Sent alone, after its batch stalled or killed a worker: if it happens again, this file is the cause. */
  isolated: boolean;
  resolve(file: ParsedFile): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Job>;
  /** Fires when the worker has answered nothing for STALL_MS while holding jobs. */
  watchdog: NodeJS.Timeout | undefined;
  retired: boolean;
}

/**
 * How long a worker may hold jobs without answering. Far above any sane file (a PKCS#12 at the 10,000,000
 * iteration cap takes seconds), it stops one pathological file from hanging the batch.
 */
const STALL_MS = 60_000;

/** Jobs per message: batching amortises the message cost, which rivals parsing one small certificate. */
const BATCH_SIZE = 32;
/** Jobs a worker may hold, so a fast worker is never idle while waiting for the next message. */
const WORKER_WINDOW = 4 * BATCH_SIZE;

/** Starts a pool of parser workers (default: one per core). */
export function createParserPool(options: { threads?: number; stallMs?: number } = {}): ParserPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const stallMs = options.stallMs ?? STALL_MS;
  const workerUrl = new URL("./parser-worker.js", import.meta.url);
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let flushScheduled = false;
  let closed = false;

  // An isolated job is only ever sent alone to an idle worker: a slot holding one holds nothing else.
  const room = (slot: Slot): number =>
    slot.inFlight.size === 1 && slot.inFlight.values().next().value?.isolated
      ? 0
      : WORKER_WINDOW - slot.inFlight.size;

  const flush = (): void => {
    flushScheduled = false;
    // A short queue (a caller keeping few files in flight) is shared out, not handed whole to one worker.
    const share = Math.ceil(queue.length / slots.length);
    while (queue.length > 0) {
      const slot = slots.reduce((a, b) => (room(b) > room(a) ? b : a));
      // An isolated job runs in a worker of its own, so that a stall there can only be its own doing.
      if (room(slot) <= 0 || (queue[0]!.isolated && slot.inFlight.size > 0)) return;
      const jobs = queue[0]!.isolated
        ? queue.splice(0, 1)
        : queue.splice(0, Math.min(BATCH_SIZE, room(slot), share));
      for (const job of jobs) slot.inFlight.set(job.id, job);
      const request: WorkerRequest = { jobs: jobs.map(({ id, path, options }) => ({ id, path, options })) };
      slot.worker.postMessage(request);
      armWatchdog(slot);
    }
  };

  const scheduleFlush = (): void => {
    if (flushScheduled) return;
    flushScheduled = true;
    // setImmediate lets a caller's synchronous loop enqueue many files before the first batch leaves.
    setImmediate(flush);
  };

  const armWatchdog = (slot: Slot): void => {
    clearTimeout(slot.watchdog);
    slot.watchdog =
      slot.inFlight.size > 0 ? setTimeout(() => retireSlot(slot, "stalled"), stallMs) : undefined;
  };

  /**
   * Replaces a worker that stalled or died. Its jobs go back to the front of the queue, each to be sent alone; a job
   * that was already alone is the culprit and gets a typed error instead of a third try.
   */
  const retireSlot = (slot: Slot, why: string): void => {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.watchdog);
    void slot.worker.terminate();
    const retry: Job[] = [];
    for (const job of slot.inFlight.values()) {
      if (!job.isolated) {
        retry.push({ ...job, isolated: true });
        continue;
      }
      const path = shownPath(job.path);
      const limit =
        why === "stalled" ? `took longer than ${stallMs / 1000} s` : `stopped the parser (${why})`;
      job.resolve(failedFile(path, new ParseError("unsupported", `refused: parsing this file ${limit}`)));
    }
    slot.inFlight.clear();
    queue.unshift(...retry);
    if (closed) return;
    slots.splice(slots.indexOf(slot), 1, startSlot());
    if (queue.length > 0) scheduleFlush();
  };

  const startSlot = (): Slot => {
    const slot: Slot = {
      // Parsing makes only short-lived garbage: a small young generation keeps each worker's memory small.
      worker: new Worker(workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: 8 } }),
      inFlight: new Map(),
      watchdog: undefined,
      retired: false,
    };
    slot.worker.on("online", () => armWatchdog(slot));
    slot.worker.on("message", ({ results }: WorkerResponse) => {
      for (const { id, file } of results) {
        slot.inFlight.get(id)?.resolve(file);
        slot.inFlight.delete(id);
      }
      armWatchdog(slot);
      if (queue.length > 0) scheduleFlush();
    });
    slot.worker.on("error", (error) => retireSlot(slot, error.name));
    slot.worker.on("exit", (code) => {
      if (!closed) retireSlot(slot, `worker exit code ${code}`);
    });
    return slot;
  };

  for (let i = 0; i < threads; i++) slots.push(startSlot());

  return {
    parseFile(path, parseOptions = {}) {
      if (closed) return Promise.reject(new Error("parser pool is closed"));
      return new Promise<ParsedFile>((resolve, reject) => {
        queue.push({ id: nextId++, path, options: parseOptions, isolated: false, resolve, reject });
        scheduleFlush();
      });
    },
    async close() {
      closed = true;
      const error = new Error("parser pool closed");
      for (const job of queue.splice(0)) job.reject(error);
      await Promise.all(
        slots.map(async (slot) => {
          clearTimeout(slot.watchdog);
          for (const job of slot.inFlight.values()) job.reject(error);
          await slot.worker.terminate();
        }),
      );
    },
  };
}
