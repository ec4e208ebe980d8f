import pRetry, { AbortError } from "p-retry";
import { type Logger, pino } from "pino";
import { AuthError } from "./auth-error.js";
import type { CertificateBody } from "./body.js";
import { validateGraphUrl } from "./cloud.js";
import { type Exchange, exchange } from "./exchange.js";
import { GraphError } from "./graph-error.js";
import { graphErrorFrom } from "./graph-error-body.js";
import { NetworkError } from "./network-error.js";
import type { RateLimiter } from "./pacing.js";
import { matchesCertificate, type RemoteCertificate, toRemoteCertificate } from "./remote.js";
import { backoffMs, isRetryableNetworkError, isRetryableStatus } from "./retry.js";
import { sleep } from "./sleep.js";
import type { TokenProvider } from "./token-provider.js";

/** How the client reaches Graph and how patient it is. */
export interface GraphClientOptions {
  /** e.g. `https://graph.microsoft.com/beta`; plain http only to loopback. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  /** Parent logger; a silent one when absent. */
  logger?: Logger;
  /** Per HTTP request; default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 6. */
  retries?: number;
  /** Total time one operation may spend, waits included; default 180 s. */
  retryBudgetMs?: number;
  /** Backoff base and cap when the server gives no Retry-After; default 1 s and 60 s. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Shared by all workers for POST/PATCH. */
  writeLimiter?: RateLimiter;
  /** Shared by all workers for GET. */
  readLimiter?: RateLimiter;
  /** Aborts everything (shutdown). */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** The outcome of a create or update. */
export interface WriteResult {
  id: string;
  /** HTTP requests sent for this write (retries and the 401 re-send included; a recovery listing not). */
  attempts: number;
  /** Status of the answer that settled the write (201, 200, 204; 200 of the listing when recovered). */
  status: number;
  /** The object Graph returned, null after a 204. */
  object: RemoteCertificate | null;
  /** True when a create whose outcome was unknown turned out to have succeeded. */
  recovered?: boolean;
}

/** Per-call options of the read operations. */
export interface ReadOptions {
  signal?: AbortSignal;
}

/** Per-call options of the write operations; `logger` carries per-certificate bindings. */
export interface WriteOptions {
  signal?: AbortSignal;
  logger?: Logger;
}

interface RequestSpec {
  method: "GET" | "POST" | "PATCH";
  url: string;
  body?: string;
  signal: AbortSignal | undefined;
  logger: Logger;
  /** For a create: finds the object an earlier attempt may have created. */
  recover?: (signal: AbortSignal | undefined) => Promise<RemoteCertificate | undefined>;
}

type Outcome = { answer: Exchange; attempts: number } | { recovered: RemoteCertificate; attempts: number };

const COLLECTION = "deviceAppManagement/enterpriseCodeSigningCertificates";

// Failures where the request provably never reached the server, so a create can be re-sent without a look.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
]);

/** Graph's enterpriseCodeSigningCertificates collection, with auth, retries, pacing and safe creates. */
export class GraphClient {
  private readonly base: URL;
  private readonly collectionUrl: string;
  private readonly logger: Logger;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GraphClientOptions) {
    this.base = validateGraphUrl(options.baseUrl);
    this.collectionUrl = `${this.base.href.replace(/\/+$/, "")}/${COLLECTION}`;
    this.logger = options.logger ?? pino({ enabled: false });
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Every certificate in the tenant, following each `@odata.nextLink`. */
  async list(options: ReadOptions = {}): Promise<RemoteCertificate[]> {
    const found: RemoteCertificate[] = [];
    let url: string | undefined = this.collectionUrl;
    while (url) {
      const outcome = await this.send({ method: "GET", url, ...this.context(options) });
      const answer = answerOf(outcome);
      const page = answer.json as { value?: unknown; "@odata.nextLink"?: unknown } | undefined;
      if (!Array.isArray(page?.value)) throw invalidAnswer(answer, outcome.attempts, "no value array");
      for (const item of page.value) {
        const remote = toRemoteCertificate(item);
        if (remote) found.push(remote);
      }
      const next = page["@odata.nextLink"];
      url = typeof next === "string" ? this.sameOriginUrl(next, answer, outcome.attempts) : undefined;
    }
    return found;
  }

  /** One certificate; a missing one is a GraphError with status 404. */
  async get(id: string, options: ReadOptions = {}): Promise<RemoteCertificate> {
    const outcome = await this.send({ method: "GET", url: this.itemUrl(id), ...this.context(options) });
    const answer = answerOf(outcome);
    const remote = toRemoteCertificate(answer.json);
    if (!remote) throw invalidAnswer(answer, outcome.attempts, "no object id");
    return remote;
  }

  /** POSTs a certificate; after an unknown outcome it looks for the object before ever re-sending. */
  async create(body: CertificateBody, options: WriteOptions = {}): Promise<WriteResult> {
    const outcome = await this.send({
      method: "POST",
      url: this.collectionUrl,
      body: JSON.stringify(body),
      ...this.context(options),
      recover: async (signal) =>
        (await this.list(signal ? { signal } : {})).find((remote) => matchesCertificate(remote, body)),
    });
    if ("recovered" in outcome) {
      const { recovered, attempts } = outcome;
      return { id: recovered.id, attempts, status: 200, object: recovered, recovered: true };
    }
    const object = toRemoteCertificate(outcome.answer.json);
    if (!object) throw invalidAnswer(outcome.answer, outcome.attempts, "no object id");
    return { id: object.id, attempts: outcome.attempts, status: outcome.answer.status, object };
  }

  /** PATCHes a certificate with the full body; 200 and 204 are both success. */
  async update(id: string, body: CertificateBody, options: WriteOptions = {}): Promise<WriteResult> {
    const outcome = await this.send({
      method: "PATCH",
      url: this.itemUrl(id),
      body: JSON.stringify(body),
      ...this.context(options),
    });
    const { answer, attempts } = { answer: answerOf(outcome), attempts: outcome.attempts };
    return { id, attempts, status: answer.status, object: toRemoteCertificate(answer.json) };
  }

  private context(options: WriteOptions): { signal: AbortSignal | undefined; logger: Logger } {
    const signals = [this.options.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    return {
      signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
      logger: options.logger ?? this.logger,
    };
  }

  private itemUrl(id: string): string {
    return `${this.collectionUrl}/${encodeURIComponent(id)}`;
  }

  /** The token must never follow a link to another host. */
  private sameOriginUrl(link: string, answer: Exchange, attempts: number): string {
    let url: URL;
    try {
      url = new URL(link, this.collectionUrl);
    } catch {
      throw invalidAnswer(answer, attempts, "unparseable @odata.nextLink");
    }
    if (url.origin !== this.base.origin)
      throw invalidAnswer(answer, attempts, `@odata.nextLink to ${url.origin}`);
    return url.href;
  }

  /** One operation: p-retry drives the attempts; the delay (Retry-After or backoff) is awaited in shouldRetry. */
  private async send(spec: RequestSpec): Promise<Outcome> {
    const log = spec.logger.child({ method: spec.method, path: new URL(spec.url).pathname });
    const limiter = spec.method === "GET" ? this.options.readLimiter : this.options.writeLimiter;
    const retries = this.options.retries ?? 6;
    const budgetMs = this.options.retryBudgetMs ?? 180_000;
    const started = performance.now();
    let attempts = 0;
    let refreshToken = false;
    let refreshed = false;
    let unknownOutcome = false;

    const attempt = async (): Promise<Outcome> => {
      if (unknownOutcome && spec.recover) {
        const recovered = await spec.recover(spec.signal);
        if (recovered) {
          log.info({ id: recovered.id, attempt: attempts }, "create had succeeded; not re-sent");
          return { recovered, attempts };
        }
        log.info({ attempt: attempts }, "create had not succeeded; re-sending");
        unknownOutcome = false;
      }
      for (;;) {
        const token = await this.options.tokenProvider.getToken({
          forceRefresh: refreshToken,
          signal: spec.signal,
        });
        refreshToken = false;
        // Taken after the token so that nothing but the exchange below stands between a grant and its done().
        const grant = await limiter?.acquireGrant(spec.signal);
        attempts++;
        const sentAt = performance.now();
        let answer: Exchange;
        try {
          answer = await exchange({
            method: spec.method,
            url: spec.url,
            token,
            ...(spec.body === undefined ? {} : { body: spec.body }),
            timeoutMs: this.options.timeoutMs ?? 30_000,
            signal: spec.signal,
            fetch: this.fetch,
          });
        } catch (error) {
          if (!(error instanceof NetworkError)) throw new AbortError(asError(error));
          log.debug({ attempt: attempts, code: error.code }, "no answer");
          if (spec.method === "POST" && !NOT_SENT_CODES.has(error.code)) unknownOutcome = true;
          throw error;
        } finally {
          grant?.done();
        }
        const durationMs = Math.round(performance.now() - sentAt);
        log.debug(
          { attempt: attempts, status: answer.status, requestId: answer.requestId, durationMs },
          "answer",
        );
        if (answer.status >= 200 && answer.status < 300) return { answer, attempts };
        if (answer.status === 401 && !refreshed) {
          refreshed = true;
          refreshToken = true;
          log.info({ attempt: attempts, requestId: answer.requestId }, "token refused; refreshing once");
          continue;
        }
        const error = graphErrorFrom(answer, attempts);
        if (answer.status === 401 || answer.status === 403) {
          throw new AbortError(
            new AuthError(`Graph refused the token: ${error.status} ${error.code}: ${error.message}`, {
              status: error.status,
              cause: error,
            }),
          );
        }
        if (error.retryAfterMs !== undefined && (error.status === 429 || error.status === 503)) {
          const until = Date.now() + error.retryAfterMs;
          this.options.writeLimiter?.pauseUntil(until);
          this.options.readLimiter?.pauseUntil(until);
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
          const delayMs =
            (error instanceof GraphError ? error.retryAfterMs : undefined) ??
            backoffMs(attemptNumber, {
              ...(this.options.backoffBaseMs === undefined ? {} : { baseMs: this.options.backoffBaseMs }),
              ...(this.options.backoffCapMs === undefined ? {} : { capMs: this.options.backoffCapMs }),
            });
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
}

function answerOf(outcome: Outcome): Exchange {
  if ("answer" in outcome) return outcome.answer;
  throw new Error("only a create can be recovered");
}

function invalidAnswer(answer: Exchange, attempts: number, what: string): GraphError {
  return new GraphError({
    status: answer.status,
    code: "invalidResponse",
    message: `Graph's answer is not what the API promises: ${what}`,
    requestId: answer.requestId,
    attempts,
  });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
