import { type ChildProcess, fork } from "node:child_process";
import { ParseError } from "./parse-error.js";
import { failedFile } from "./parsed-file.js";
import type { WorkerRequest, WorkerResponse } from "./parser-worker.js";
import type { FilePath, ParsedFile, ParseOptions } from "./types.js";

/** Parses the files that need OpenSSL's legacy provider, one at a time, in a child process that has it loaded. */
export interface LegacyParser {
  parseFile(path: FilePath, options: ParseOptions, shown: string): Promise<ParsedFile>;
  close(): void;
}

interface LegacyJob {
  path: FilePath;
  options: ParseOptions;
  shown: string;
  resolve(file: ParsedFile): void;
}

/**
 * Starts the child on first use. `--openssl-legacy-provider` weakens nothing in this process: only the child, which
 * does nothing but parse, has RC2, RC4, DES, Blowfish, CAST5, IDEA, SEED and MD4. It shares the run's key-derivation
 * budget (`budget` reads and spends it) and the pool's watchdog.
 */
export function createLegacyParser(
  workerUrl: URL,
  stallMs: number,
  budget: { read(): { left: number; whole: number }; spend(iterations: number): void },
): LegacyParser {
  const queue: LegacyJob[] = [];
  let child: ChildProcess | undefined;
  let current: LegacyJob | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let closed = false;

  const finish = (file: ParsedFile): void => {
    clearTimeout(watchdog);
    current?.resolve(file);
    current = undefined;
    // An idle child must not keep the process alive (the process-wide pool of `parseFile` is never closed).
    if (queue.length === 0) {
      child?.unref();
      child?.channel?.unref();
    }
    next();
  };

  const fail = (why: string): void => {
    const job = current;
    child?.removeAllListeners();
    child?.kill("SIGKILL");
    child = undefined;
    if (job)
      finish(failedFile(job.shown, new ParseError("unsupported", `refused: parsing this file ${why}`)));
  };

  const start = (): ChildProcess => {
    const started = fork(workerUrl, [], {
      execArgv: ["--openssl-legacy-provider"],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    started.on("message", ({ results, budgetSpent }: WorkerResponse) => {
      budget.spend(budgetSpent ?? 0);
      const [result] = results;
      if (result)
        finish(result.file.path === current?.shown ? result.file : { ...result.file, path: current!.shown });
    });
    started.on("exit", (code, signal) =>
      fail(`stopped the legacy parser (${signal ?? `exit code ${code}`})`),
    );
    started.on("error", (error) => fail(`could not start the legacy parser (${error.message})`));
    return started;
  };

  const next = (): void => {
    if (current || closed) return;
    current = queue.shift();
    if (!current) return;
    child ??= start();
    child.ref();
    child.channel?.ref();
    const request: WorkerRequest = {
      jobs: [{ id: 0, path: current.path, options: current.options }],
      budget: budget.read(),
    };
    child.send(request);
    watchdog = setTimeout(() => fail(`took longer than ${stallMs / 1000} s`), stallMs);
  };

  return {
    parseFile(path, options, shown) {
      return new Promise((resolve) => {
        queue.push({ path, options, shown, resolve });
        next();
      });
    },
    close() {
      closed = true;
      clearTimeout(watchdog);
      child?.removeAllListeners();
      child?.kill("SIGKILL");
    },
  };
}
