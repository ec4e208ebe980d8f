import { randomUUID } from "node:crypto";

/** An error the token service answers in Entra ID's shape, e.g. 401 `invalid_client` AADSTS7000215. */
export class AadError extends Error {
  override name = "AadError";

  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadstsCode: number,
    description: string,
  ) {
    super(description);
  }
}

/** Entra ID's error body, with the AADSTS code both in the description and in `error_codes`. */
export function aadErrorBody(error: AadError, rootUrl: string, now: number): unknown {
  const traceId = randomUUID();
  const timestamp = new Date(now)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return {
    error: error.error,
    error_description: `AADSTS${error.aadstsCode}: ${error.message} Trace ID: ${traceId} Timestamp: ${timestamp}`,
    error_codes: [error.aadstsCode],
    timestamp,
    trace_id: traceId,
    correlation_id: randomUUID(),
    error_uri: `${rootUrl}/error?code=${error.aadstsCode}`,
  };
}
