import pRetry, { AbortError } from "p-retry";
import type { Logger } from "pino";
import { AuthError } from "./auth-error.js";
import { type Exchange, exchange } from "./exchange.js";
import { GraphError } from "./graph-error.js";
import { graphErrorFrom } from "./graph-error-body.js";
import { NetworkError } from "./network-error.js";
import type { RateLimiter } from "./pacing.js";
import type { RemoteCertificate } from "./remote.js";
import { backoffMs, isRetryableNetworkError, isRetryableStatus } from "./retry.js";
import { sleep } from "./sleep.js";
import type { TokenProvider } from "./token-provider.js";

/** The client's settings one request needs. */
export interface RequestSettings {
  tokenProvider: TokenProvider;
  fetch: typeof fetch;
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
  method: "GET" | "POST" | "PATCH";
  url: string;
  body?: string;
  signal: AbortSignal | undefined;
  logger: Logger;
  /** For a create: finds the object an earlier attempt may have created. */
  recover?: () => Promise<RemoteCertificate | undefined>;
}

/** The answer that settled the operation, or the object a create with an unknown outcome turned out to have made. */
export type Outcome =
  | { answer: Exchange; attempts: number }
  | { recovered: RemoteCertificate; attempts: number };

// Failures where the request provably never reached the server, so a create can be re-sent without a look.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
]);

/** One operation: p-retry drives the attempts; the delay (Retry-After or backoff) is awaited in shouldRetry. */
export async function sendRequest(spec: RequestSpec, options: RequestSettings): Promise<Outcome> {
  const log = spec.logger.child({ method: spec.method, path: new URL(spec.url).pathname });
  const limiter = spec.method === "GET" ? options.readLimiter : options.writeLimiter;
  const retries = options.retries ?? 6;
  const budgetMs = options.retryBudgetMs ?? 180_000;
  const started = performance.now();
  let attempts = 0;
  let refreshed = false;
  let unknownOutcome = false;

  const attempt = async (): Promise<Outcome> => {
    if (unknownOutcome && spec.recover) {
      const recovered = await spec.recover();
      if (recovered) {
        log.info({ id: recovered.id, attempt: attempts }, "create had succeeded; not re-sent");
        return { recovered, attempts };
      }
      log.info({ attempt: attempts }, "create had not succeeded; re-sending");
      unknownOutcome = false;
    }
    for (;;) {
      const grant = await limiter?.acquireGrant(spec.signal);
      attempts++;
      const sentAt = performance.now();
      let answer: Exchange;
      try {
        // Asked for after the wait (from the cache, unless it expired meanwhile): a long pacing wait must not leave
        // the request with a token that lapsed while it queued.
        const token = await options.tokenProvider.getToken({ signal: spec.signal });
        answer = await exchange({
          method: spec.method,
          url: spec.url,
          token,
          ...(spec.body === undefined ? {} : { body: spec.body }),
          timeoutMs: options.timeoutMs ?? 30_000,
          signal: spec.signal,
          fetch: options.fetch,
        });
      } catch (error) {
        if (!(error instanceof NetworkError)) throw new AbortError(asError(error));
        log.debug(
          {
            attempt: attempts,
            code: error.code,
            clientRequestId: error.clientRequestId,
            durationMs: Math.round(performance.now() - sentAt),
          },
          "no answer",
        );
        if (spec.method === "POST" && !NOT_SENT_CODES.has(error.code)) unknownOutcome = true;
        throw error;
      } finally {
        grant?.done();
      }
      const durationMs = Math.round(performance.now() - sentAt);
      log.debug(
        {
          attempt: attempts,
          status: answer.status,
          requestId: answer.requestId,
          clientRequestId: answer.clientRequestId,
          durationMs,
        },
        "answer",
      );
      if (answer.status >= 200 && answer.status < 300) return { answer, attempts };
      if (answer.status === 401 && !refreshed) {
        refreshed = true;
        log.info({ attempt: attempts, requestId: answer.requestId }, "token refused; refreshing once");
        // The grant is already given back: a slow token request holds none.
        await options.tokenProvider.getToken({ forceRefresh: true, signal: spec.signal });
        continue;
      }
      const error = graphErrorFrom(answer, attempts);
      if (answer.status === 401 || answer.status === 403) {
        throw new AbortError(
          new AuthError(
            `Graph refused the token: ${error.status} ${error.code}: ${error.message}` +
              (error.requestId ? ` (request-id ${error.requestId})` : ""),
            {
              status: error.status,
              cause: error,
            },
          ),
        );
      }
      if (error.retryAfterMs !== undefined && (error.status === 429 || error.status === 503)) {
        const until = Date.now() + error.retryAfterMs;
        options.writeLimiter?.pauseUntil(until);
        options.readLimiter?.pauseUntil(until);
      }
      if (!isRetryableStatus(error.status)) throw new AbortError(error);
      if (spec.method === "POST" && error.status >= 500) unknownOutcome = true;
      throw error;
    }
  };

  try {
    return await pRetry(attempt, {
      retries,
      minTimeout: 0,
      factor: 1,
      ...(spec.signal ? { signal: spec.signal } : {}),
      shouldRetry: async ({ error, attemptNumber }) => {
        const retryable =
          (error instanceof GraphError && isRetryableStatus(error.status)) ||
          (error instanceof NetworkError && isRetryableNetworkError(error));
        if (!retryable) return false;
        const retryDelayMs =
          (error instanceof GraphError ? error.retryAfterMs : undefined) ??
          backoffMs(attemptNumber, {
            ...(options.backoffBaseMs === undefined ? {} : { baseMs: options.backoffBaseMs }),
            ...(options.backoffCapMs === undefined ? {} : { capMs: options.backoffCapMs }),
          });
        // A create the server may still be processing (a timeout) needs time to land before we look for it.
        const delayMs = unknownOutcome
          ? Math.max(retryDelayMs, options.recoveryDelayMs ?? 2000)
          : retryDelayMs;
        const bindings = {
          attempt: attempts,
          delayMs,
          ...(error instanceof GraphError
            ? { status: error.status, code: error.code, requestId: error.requestId }
            : { code: (error as NetworkError).code }),
        };
        if (performance.now() - started + delayMs > budgetMs) {
          log.warn(bindings, "retry budget spent; giving up");
          return false;
        }
        log.warn(bindings, "retrying");
        await sleep(delayMs, spec.signal);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof GraphError || error instanceof NetworkError) error.attempts = attempts;
    throw error;
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
