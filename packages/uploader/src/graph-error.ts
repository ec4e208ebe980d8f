/** What a Graph error response says, plus how many HTTP requests the operation took. */
export interface GraphErrorDetails {
  status: number;
  code: string;
  message: string;
  requestId: string | null;
  attempts?: number;
  retryAfterMs?: number | undefined;
}

/** Graph answered with an error status; carries what a support case needs (status, Graph code, request-id). */
export class GraphError extends Error {
  override readonly name = "GraphError";
  /** HTTP status of the last response. */
  readonly status: number;
  /** Graph's `error.code`, or `unknownError` when the body was not a Graph error. */
  readonly code: string;
  /** Graph's `request-id` (from `innerError`/`innererror`, else the response header), for support cases. */
  readonly requestId: string | null;
  /** HTTP requests sent for the operation, retries and the 401 re-send included. */
  attempts: number;
  /** The server's requested delay before a retry, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(details: GraphErrorDetails) {
    super(details.message);
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.attempts = details.attempts ?? 1;
    this.retryAfterMs = details.retryAfterMs;
  }
}
