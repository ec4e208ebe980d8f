/** The request got no HTTP answer (reset, refused, timeout, DNS); the outcome of a write is unknown. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  /** The system or fetch error code: `ECONNRESET`, `ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`, … */
  readonly code: string;
  /** HTTP requests sent for the operation. */
  attempts: number;
  /** The `client-request-id` of the last request, for tracing one whose answer never came. */
  readonly clientRequestId: string | null;

  constructor(
    message: string,
    options: { code: string; attempts?: number; clientRequestId?: string | null; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.attempts = options.attempts ?? 1;
    this.clientRequestId = options.clientRequestId ?? null;
  }
}
