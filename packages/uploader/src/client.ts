import { type Logger, pino } from "pino";
import * as v from "valibot";
import type { CertificateBody } from "./body.js";
import { validateGraphUrl } from "./cloud.js";
import { GraphError } from "./graph-error.js";
import { ListPageSchema } from "./graph-json.js";
import type { RateLimiter } from "./pacing.js";
import { matchesCertificate, type RemoteCertificate, toRemoteCertificate } from "./remote.js";
import type { GraphAnswer } from "./send-once.js";
import { type Outcome, type RequestSettings, sendRequest } from "./send-request.js";
import type { TokenProvider } from "./token-provider.js";
import { defaultTransport, type Transport } from "./transport.js";

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
  /** Backoff base and cap when the server gives no Retry-After; default 1 s and 60 s (a 429 or 503 waits ≥ 2 s). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Least wait before looking for a create whose outcome is unknown; default 2 s. */
  recoveryDelayMs?: number;
  /** Shared by all workers for POST/PATCH/DELETE. */
  writeLimiter?: RateLimiter;
  /** Shared by all workers for GET. */
  readLimiter?: RateLimiter;
  /** Aborts everything (shutdown). */
  signal?: AbortSignal;
  /**
   * Stops new sends (a stop signal's first stage): a request still waiting for its rate-limit slot or a back-off
   * fails with a StoppedError, having sent nothing; one already sent goes on until `signal`.
   */
  stop?: AbortSignal;
  /** How requests leave the process; default the process's proxy-aware transport (HTTPS_PROXY, NO_PROXY). */
  transport?: Transport;
  /**
   * Whether a listed object is the certificate a create sent, when its answer was lost; default the same subject,
   * issuer and expiry instant as strings. A tenant that renders names itself needs names compared as names.
   */
  isCreated?: (remote: RemoteCertificate, body: CertificateBody) => boolean;
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

/** The outcome of a delete. */
export interface DeleteResult {
  id: string;
  /** HTTP requests sent for this delete. */
  attempts: number;
  /** 204 (or 200); 404 when an earlier attempt's answer was lost and the retry found the object gone. */
  status: number;
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

const COLLECTION = "deviceAppManagement/enterpriseCodeSigningCertificates";

/** The signal and logger every request of one operation shares. */
type RequestContext = { signal: AbortSignal | undefined; stop: AbortSignal | undefined; logger: Logger };

/** Graph's enterpriseCodeSigningCertificates collection, with auth, retries, pacing and safe creates. */
export class GraphClient {
  private readonly base: URL;
  private readonly collectionUrl: string;
  private readonly logger: Logger;
  private readonly settings: RequestSettings;

  constructor(private readonly options: GraphClientOptions) {
    this.base = validateGraphUrl(options.baseUrl);
    this.collectionUrl = `${this.base.href.replace(/\/+$/, "")}/${COLLECTION}`;
    this.logger = options.logger ?? pino({ enabled: false });
    this.settings = { ...options, transport: options.transport ?? defaultTransport() };
  }

  /** The tenant's certificates a page at a time, so that a caller over a large tenant keeps only what it needs. */
  listPages(options: ReadOptions = {}): AsyncGenerator<RemoteCertificate[]> {
    return this.pages(this.context(options));
  }

  private async *pages(context: RequestContext): AsyncGenerator<RemoteCertificate[]> {
    let url: string | undefined = this.collectionUrl;
    while (url) {
      const outcome = await sendRequest({ method: "GET", url, ...context }, this.settings);
      const answer = answerOf(outcome);
      const page = v.safeParse(ListPageSchema, answer.json);
      if (!page.success) throw invalidAnswer(answer, outcome.attempts, "no value array");
      const next = page.output["@odata.nextLink"];
      url = next === undefined ? undefined : this.sameOriginUrl(next, answer, outcome.attempts);
      yield page.output.value.flatMap((item) => toRemoteCertificate(item) ?? []);
    }
  }

  /** POSTs a certificate; after an unknown outcome it looks for the object before ever re-sending. */
  async create(body: CertificateBody, options: WriteOptions = {}): Promise<WriteResult> {
    const context = this.context(options);
    const outcome = await sendRequest(
      {
        method: "POST",
        url: this.collectionUrl,
        body: JSON.stringify(body),
        ...context,
        recover: () => this.findCreated(body, context),
      },
      this.settings,
    );
    if ("recovered" in outcome) {
      const { recovered, attempts } = outcome;
      return { id: recovered.id, attempts, status: 200, object: recovered, recovered: true };
    }
    const answer = answerOf(outcome);
    const object = toRemoteCertificate(answer.json);
    if (!object) throw invalidAnswer(answer, outcome.attempts, "no object id");
    return { id: object.id, attempts: outcome.attempts, status: answer.status, object };
  }

  /** PATCHes a certificate with the full body; 200 and 204 are both success. */
  async update(id: string, body: CertificateBody, options: WriteOptions = {}): Promise<WriteResult> {
    const outcome = await sendRequest(
      {
        method: "PATCH",
        url: this.itemUrl(id),
        body: JSON.stringify(body),
        ...this.context(options),
      },
      this.settings,
    );
    const answer = answerOf(outcome);
    return {
      id,
      attempts: outcome.attempts,
      status: answer.status,
      object: toRemoteCertificate(answer.json),
    };
  }

  /**
   * DELETEs a certificate, paced and retried as a write. A missing object is a GraphError 404, unless an earlier
   * attempt of this delete may have applied (its answer was lost, or was a 5xx): then the 404 means done.
   */
  async delete(id: string, options: WriteOptions = {}): Promise<DeleteResult> {
    const outcome = await sendRequest(
      { method: "DELETE", url: this.itemUrl(id), ...this.context(options) },
      this.settings,
    );
    const answer = "alreadyDone" in outcome ? outcome.alreadyDone : answerOf(outcome);
    return { id, attempts: outcome.attempts, status: answer.status };
  }

  /** The object a create with an unknown outcome may have made: the listing is read only up to the page holding it. */
  private async findCreated(body: CertificateBody, context: RequestContext) {
    for await (const page of this.pages({ ...context, logger: this.logger })) {
      const isCreated = this.options.isCreated ?? matchesCertificate;
      const found = page.find((remote) => isCreated(remote, body));
      if (found) return found;
    }
    return undefined;
  }

  private context(options: WriteOptions): RequestContext {
    const [run, call] = [this.options.signal, options.signal];
    return {
      signal: run && call ? AbortSignal.any([run, call]) : (run ?? call),
      stop: this.options.stop,
      logger: options.logger ?? this.logger,
    };
  }

  private itemUrl(id: string): string {
    return `${this.collectionUrl}/${encodeURIComponent(id)}`;
  }

  /** The token must never follow a link to another host. */
  private sameOriginUrl(link: string, answer: GraphAnswer, attempts: number): string {
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
}

function answerOf(outcome: Outcome): GraphAnswer {
  if ("answer" in outcome) return outcome.answer;
  throw new Error("only a create can be recovered, and only a delete be already done");
}

function invalidAnswer(answer: GraphAnswer, attempts: number, what: string): GraphError {
  return new GraphError({
    status: answer.status,
    code: "invalidResponse",
    message: `Graph's answer is not what the API promises: ${what}`,
    requestId: answer.requestId,
    attempts,
  });
}
