import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { createRunBudget, DEFAULT_RUN_KDF_BUDGET } from "./kdf-budget.js";
import { createLegacyParser, type LegacyParser } from "./legacy-parser.js";
import { ParseError } from "./parse-error.js";
import { failedFile, shownPath } from "./parsed-file.js";
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
 * How long a worker may hold jobs without answering. Three times the worst case of a file at the key-derivation cap
 * (MAX_FILE_KDF_WORK, 30,000,000 iterations: about 30 s of one core for the slowest digests, 10 s for SHA-256), it
 * stops one pathological file from hanging the batch without refusing a costly but allowed one.
 */
const STALL_MS = 90_000;

/** Jobs per message: batching amortises the message cost, which rivals parsing one small certificate. */
const BATCH_SIZE = 32;
/** Jobs a worker may hold, so a fast worker is never idle while waiting for the next message. */
const WORKER_WINDOW = 4 * BATCH_SIZE;

/** How a pool is started. */
export interface ParserPoolOptions {
  /** Worker threads (default: one per core). */
  threads?: number;
  /** How long a worker may hold jobs without answering before the file is refused. */
  stallMs?: number;
  /** Key-derivation iterations the pool's files may spend beyond each file's free allowance (see kdf-budget.ts). */
  kdfBudget?: number;
  /** Let idle workers not keep the process alive (for a pool that is never closed). */
  unrefWhenIdle?: boolean;
}

/** Starts a pool of parser workers (default: one per core). */
export function createParserPool(options: ParserPoolOptions = {}): ParserPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const stallMs = options.stallMs ?? STALL_MS;
  const workerUrl = new URL("./parser-worker.js", import.meta.url);
  const kdfBudget = createRunBudget(options.kdfBudget ?? DEFAULT_RUN_KDF_BUDGET);
  const budget = new BigInt64Array(kdfBudget);
  let legacy: LegacyParser | undefined;
  /** Jobs handed to the legacy child process, so that close() can reject them. */
  const legacyJobs = new Set<Job>();
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
    // A closing pool holds its workers until they exit (close() waits on them): a late "online" must not let go.
    if (!options.unrefWhenIdle || closed) return;
    if (slot.inFlight.size > 0) slot.worker.ref();
    else slot.worker.unref();
  };

  /** Sends a file that needs OpenSSL's legacy provider to the child process that has it. */
  const toLegacy = (job: Job): void => {
    legacy ??= createLegacyParser(workerUrl, stallMs, {
      read: () => ({ left: Number(Atomics.load(budget, 0)), whole: Number(budget[1]) }),
      spend: (iterations) => void Atomics.sub(budget, 0, BigInt(iterations)),
    });
    legacyJobs.add(job);
    void legacy.parseFile(job.path, job.options, shownPath(job.path)).then((file) => {
      if (legacyJobs.delete(job)) job.resolve(file);
    });
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
      worker: new Worker(workerUrl, {
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
        workerData: { kdfBudget },
      }),
      inFlight: new Map(),
      watchdog: undefined,
      retired: false,
    };
    // Idle from the start: a pool that is never given a file does not hold the process open while its threads boot.
    if (options.unrefWhenIdle) slot.worker.unref();
    slot.worker.on("online", () => armWatchdog(slot));
    slot.worker.on("message", ({ results }: WorkerResponse) => {
      for (const { id, file, legacy: needsLegacy } of results) {
        const job = slot.inFlight.get(id);
        slot.inFlight.delete(id);
        if (job && needsLegacy) toLegacy(job);
        else job?.resolve(file);
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
      for (const job of legacyJobs) job.reject(error);
      legacyJobs.clear();
      legacy?.close();
      await Promise.all(
        slots.map(async (slot) => {
          clearTimeout(slot.watchdog);
          for (const job of slot.inFlight.values()) job.reject(error);
          // Held while it stops: an idle worker of an unrefWhenIdle pool would otherwise leave nothing to wait on,
          // and a caller awaiting close() from a top-level await would end the process with exit code 13.
          slot.worker.ref();
          await slot.worker.terminate();
        }),
      );
    },
  };
}
