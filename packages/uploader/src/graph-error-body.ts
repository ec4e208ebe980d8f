import { AuthError } from "./auth-error.js";
import { GraphError } from "./graph-error.js";
import { missingPermissions, PermissionError } from "./permission-error.js";
import { retryAfterMs } from "./retry.js";
import type { GraphAnswer } from "./send-once.js";

/** Builds a GraphError from an error answer, reading `innerError` and `innererror` (the spec and responses differ). */
export function graphErrorFrom(answer: GraphAnswer, attempts: number): GraphError {
  if (answer.status >= 300 && answer.status < 400) return redirectError(answer, attempts);
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

/** A redirect is never followed: another host's answer must not be taken for the tenant's, nor a body re-sent there. */
function redirectError(answer: GraphAnswer, attempts: number): GraphError {
  const location = answer.headers.get("location");
  return new GraphError({
    status: answer.status,
    code: "redirect",
    message: `Graph answered HTTP ${answer.status} redirecting to ${location ?? "(no Location)"}; redirects are not followed: check --graph-url`,
    requestId: answer.requestId,
    attempts,
  });
}

/**
 * What a refusal (401 after the one token refresh, or 403) means for the admin: a PermissionError when Intune
 * names the permission it wants, else an AuthError.
 */
export function refusalError(error: GraphError): AuthError {
  const requestId = error.requestId ? ` (request-id ${error.requestId})` : "";
  const permissions = missingPermissions(error.message);
  if (permissions) {
    return new PermissionError(
      `Graph refused the request (${error.status} ${error.code}): the app needs the application permission ${permissions.join(" or ")}, with admin consent${requestId}`,
      { status: error.status, permissions, cause: error },
    );
  }
  return new AuthError(
    `Graph refused the token: ${error.status} ${error.code}: ${error.message}${requestId}`,
    {
      status: error.status,
      cause: error,
    },
  );
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
