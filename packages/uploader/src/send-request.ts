import type { Logger } from "pino";
import { GraphError } from "./graph-error.js";
import { graphErrorFrom, refusalError } from "./graph-error-body.js";
import { NetworkError } from "./network-error.js";
import type { RateLimiter } from "./pacing.js";
import type { RemoteCertificate } from "./remote.js";
import { decideRetry } from "./retry.js";
import { type GraphAnswer, sendOnce } from "./send-once.js";
import { sleep } from "./sleep.js";
import { StoppedError } from "./stopped-error.js";
import type { TokenProvider } from "./token-provider.js";
import type { Transport } from "./transport.js";

// Writes that must not be blindly repeated: a create could duplicate; a delete's repeat answers 404.
const MAY_APPLY_TWICE = new Set(["POST", "DELETE"]);

/** The client's settings one request needs. */
export interface RequestSettings {
  tokenProvider: TokenProvider;
  transport: Transport;
  timeoutMs?: number | undefined;
  retries?: number | undefined;
  retryBudgetMs?: number | undefined;
  backoffBaseMs?: number | undefined;
  backoffCapMs?: number | undefined;
  recoveryDelayMs?: number | undefined;
  writeLimiter?: RateLimiter | undefined;
  readLimiter?: RateLimiter | undefined;
}

/** One Graph operation to send. */
export interface RequestSpec {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: string;
  /** Aborts the request, sent or not (the run's end). */
  signal: AbortSignal | undefined;
  /** Ends the waits before a send (rate-limit slot, back-off) with a StoppedError; a request already sent goes on. */
  stop?: AbortSignal | undefined;
  logger: Logger;
  /** For a create: finds the object an earlier attempt may have created. */
  recover?: () => Promise<RemoteCertificate | undefined>;
}

/**
 * The answer that settled the operation; the object a create with an unknown outcome turned out to have made;
 * or, for a delete whose earlier answer was lost, the 404 that shows it was done.
 */
export type Outcome =
  | { answer: GraphAnswer; attempts: number }
  | { recovered: RemoteCertificate; attempts: number }
  | { alreadyDone: GraphAnswer; attempts: number };

/**
 * One operation as an explicit attempt loop: send, judge the answer, then ask decideRetry (the one place that
 * decides) and sleep (the one place that waits). A 401 gets one token refresh and an immediate re-send.
 */
export async function sendRequest(spec: RequestSpec, settings: RequestSettings): Promise<Outcome> {
  const log = spec.logger.child({ method: spec.method, path: new URL(spec.url).pathname });
  const policy = {
    retries: settings.retries ?? 6,
    budgetMs: settings.retryBudgetMs ?? 180_000,
    baseMs: settings.backoffBaseMs,
    capMs: settings.backoffCapMs,
  };
  const started = performance.now();
  let attempts = 0;
  let retriesSoFar = 0;
  let refreshed = false;
  // A create or delete that may have taken effect although its answer was lost or was a 5xx.
  let maybeApplied = false;

  for (;;) {
    if (spec.stop?.aborted) throw new StoppedError(attempts);
    if (maybeApplied && spec.recover) {
      const recovered = await spec.recover();
      if (recovered) {
        log.info({ id: recovered.id, attempt: attempts }, "create had succeeded; not re-sent");
        return { recovered, attempts };
      }
      log.info({ attempt: attempts }, "create had not succeeded; re-sending");
      maybeApplied = false;
    }
    let failure: GraphError | NetworkError;
    const sent = await sendPaced(spec, settings, attempts + 1, log);
    if ("answer" in sent) {
      attempts++;
      const { answer } = sent;
      if (answer.status >= 200 && answer.status < 300) return { answer, attempts };
      if (answer.status === 404 && spec.method === "DELETE" && maybeApplied) {
        log.info({ attempt: attempts }, "delete had succeeded before its answer was lost");
        return { alreadyDone: answer, attempts };
      }
      if (answer.status === 401 && !refreshed) {
        refreshed = true;
        log.info({ attempt: attempts, requestId: answer.requestId }, "token refused; refreshing once");
        await settings.tokenProvider.getToken({ forceRefresh: true, signal: spec.signal });
        continue;
      }
      failure = graphErrorFrom(answer, attempts);
      if (failure.retryAfterMs !== undefined && (failure.status === 429 || failure.status === 503)) {
        const until = Date.now() + failure.retryAfterMs;
        settings.writeLimiter?.pauseUntil(until);
        settings.readLimiter?.pauseUntil(until);
      }
      if (failure.status >= 500 && MAY_APPLY_TWICE.has(spec.method)) maybeApplied = true;
    } else {
      // A failed token request sent nothing to Graph; a failed Graph request may have reached it.
      if (sent.requestSent) attempts++;
      failure = sent.failure;
      failure.attempts = Math.max(attempts, 1);
      if (sent.requestSent && !failure.notSent && MAY_APPLY_TWICE.has(spec.method)) maybeApplied = true;
    }

    const decision = decideRetry(
      failure,
      {
        retriesSoFar,
        elapsedMs: performance.now() - started,
        // A create the server may still be processing (a timeout) needs time to land before we look for it.
        ...(maybeApplied && spec.recover ? { minDelayMs: settings.recoveryDelayMs ?? 2000 } : {}),
      },
      policy,
    );
    const bindings = { attempt: attempts, ...failureBindings(failure) };
    if (!decision.retry) {
      if (decision.reason.endsWith("spent")) log.warn(bindings, `${decision.reason}; giving up`);
      throw failure instanceof GraphError && (failure.status === 401 || failure.status === 403)
        ? refusalError(failure)
        : failure;
    }
    log.warn({ ...bindings, delayMs: decision.delayMs }, "retrying");
    await beforeSend((signal) => sleep(decision.delayMs, signal), spec, attempts);
    retriesSoFar++;
  }
}

/**
 * A wait before a send (a rate-limit slot, a back-off), ended by the run's end with its reason, or by the run's stop
 * with a StoppedError: nothing of this attempt was sent. Linked by hand, not with AbortSignal.any (see send-once.ts).
 */
async function beforeSend<T>(
  wait: (signal: AbortSignal | undefined) => Promise<T>,
  spec: RequestSpec,
  attempts: number,
): Promise<T> {
  const { signal, stop } = spec;
  if (!stop) return wait(signal);
  const controller = new AbortController();
  const onEnd = () => controller.abort(signal?.reason);
  const onStop = () => controller.abort(new StoppedError(attempts));
  if (signal?.aborted) onEnd();
  else if (stop.aborted) onStop();
  signal?.addEventListener("abort", onEnd, { once: true });
  stop.addEventListener("abort", onStop, { once: true });
  try {
    return await wait(controller.signal);
  } finally {
    signal?.removeEventListener("abort", onEnd);
    stop.removeEventListener("abort", onStop);
  }
}

/** A Graph answer, or the network failure of the token request (nothing sent) or of the Graph request. */
type Sent = { answer: GraphAnswer } | { failure: NetworkError; requestSent: boolean };

/** Sends attempt `attempt` under the limiter's pacing; a NetworkError is returned, anything else thrown. */
async function sendPaced(
  spec: RequestSpec,
  settings: RequestSettings,
  attempt: number,
  log: Logger,
): Promise<Sent> {
  const limiter = spec.method === "GET" ? settings.readLimiter : settings.writeLimiter;
  const grant = limiter && (await beforeSend((signal) => limiter.acquireGrant(signal), spec, attempt - 1));
  let requestSent = false;
  const sentAt = performance.now();
  try {
    // Asked for after the wait (from the cache, unless it expired meanwhile): a long pacing wait must not leave
    // the request with a token that lapsed while it queued.
    const token = await settings.tokenProvider.getToken({ signal: spec.signal });
    requestSent = true;
    const answer = await sendOnce({
      method: spec.method,
      url: spec.url,
      token,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      retryAttempt: attempt - 1,
      timeoutMs: settings.timeoutMs ?? 30_000,
      signal: spec.signal,
      transport: settings.transport,
    });
    log.debug(
      {
        attempt,
        status: answer.status,
        requestId: answer.requestId,
        clientRequestId: answer.clientRequestId,
        durationMs: Math.round(performance.now() - sentAt),
      },
      "answer",
    );
    return { answer };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    log.debug(
      {
        attempt,
        kind: error.kind,
        code: error.code,
        host: error.host,
        clientRequestId: error.clientRequestId,
        durationMs: Math.round(performance.now() - sentAt),
      },
      "no answer",
    );
    return { failure: error, requestSent };
  } finally {
    grant?.done();
  }
}

function failureBindings(failure: GraphError | NetworkError) {
  return failure instanceof GraphError
    ? { status: failure.status, code: failure.code, requestId: failure.requestId }
    : { kind: failure.kind, code: failure.code, host: failure.host };
}
