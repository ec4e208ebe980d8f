import type { Exchange } from "./exchange.js";
import { GraphError } from "./graph-error.js";
import { retryAfterMs } from "./retry.js";

/** Builds a GraphError from an error answer, reading `innerError` and `innererror` (the spec and responses differ). */
export function graphErrorFrom(answer: Exchange, attempts: number): GraphError {
  const error = field(answer.json, "error");
  const inner = field(error, "innerError") ?? field(error, "innererror");
  const code = field(error, "code");
  const message = field(error, "message");
  const requestId = field(inner, "request-id");
  return new GraphError({
    status: answer.status,
    code: typeof code === "string" && code !== "" ? code : "unknownError",
    message: typeof message === "string" && message !== "" ? message : `Graph answered HTTP ${answer.status}`,
    requestId: typeof requestId === "string" ? requestId : answer.requestId,
    attempts,
    retryAfterMs: retryAfterMs(answer.headers),
  });
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
