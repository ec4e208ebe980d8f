/** An error the emulator answers in Graph's error shape. */
export class GraphError extends Error {
  override name = "GraphError";

  /** @param headers extra response headers, such as `Retry-After` or `Allow`. */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Graph's error body: `{"error":{"code","message","innerError":{"request-id","date","client-request-id"}}}`. */
export function graphErrorBody(
  error: GraphError,
  requestId: string,
  clientRequestId: string | null,
  date: string,
): unknown {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: { "request-id": requestId, date, "client-request-id": clientRequestId ?? requestId },
    },
  };
}
