/** A Graph error the emulator answers with, in Graph's shape (a response, unlike the uploader's client-side GraphError). */
export class GraphErrorResponse extends Error {
  override name = "GraphErrorResponse";

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
  error: GraphErrorResponse,
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
