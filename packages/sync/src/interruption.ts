import type { Logger } from "pino";

/** How long requests in flight may run after SIGINT/SIGTERM before they are aborted. */
const GRACE_MS = 10_000;

/** The two stages of a clean stop, as signals the run polls and passes to Graph requests. */
export interface Interruption {
  /** Set on the first SIGINT/SIGTERM: take no new work. */
  readonly stopping: AbortSignal;
  /** Set after the grace period or a second signal: abort requests in flight. */
  readonly aborting: AbortSignal;
  dispose(): void;
}

/** Turns SIGINT/SIGTERM into a clean stop: no new work, requests in flight get GRACE_MS, a second signal aborts them. */
export function watchSignals(logger: Logger): Interruption {
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
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    stopping: stop.signal,
    aborting: abort.signal,
    dispose() {
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
