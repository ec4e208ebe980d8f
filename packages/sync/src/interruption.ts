import type { Logger } from "pino";

/** How long requests in flight may run after a stop signal before they are aborted. */
const GRACE_MS = 10_000;

/** The two stages of a clean stop, as signals the run polls and passes to Graph requests. */
export interface Interruption {
  /** Set on the first stop signal (SIGINT, SIGTERM; SIGBREAK on Windows): take no new work. */
  readonly stopping: AbortSignal;
  /** Set after the grace period or a second signal: abort requests in flight. */
  readonly aborting: AbortSignal;
  dispose(): void;
}

/**
 * The signals that stop a run. Windows never delivers SIGTERM (Task Scheduler's "End" kills the process outright);
 * there Ctrl+Break (SIGBREAK) stops a run cleanly, as Ctrl+C (SIGINT) does everywhere.
 */
export function stopSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === "win32" ? ["SIGINT", "SIGTERM", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
}

/**
 * Turns the stop signals into a clean stop: no new work, requests in flight get GRACE_MS, a second signal aborts
 * them.
 */
export function watchSignals(logger: Logger, platform: NodeJS.Platform = process.platform): Interruption {
  const stop = new AbortController();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      logger.warn({ signal }, "second signal: aborting requests in flight");
      abort.abort();
      return;
    }
    logger.warn({ signal, graceMs: GRACE_MS }, "stopping: no new work; requests in flight may finish");
    stop.abort();
    timer = setTimeout(() => abort.abort(), GRACE_MS);
    timer.unref();
  };
  const signals = stopSignals(platform);
  for (const signal of signals) process.on(signal, onSignal);
  return {
    stopping: stop.signal,
    aborting: abort.signal,
    dispose() {
      clearTimeout(timer);
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
