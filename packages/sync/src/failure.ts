import { AuthError, GraphError, NetworkError, StoppedError } from "@intune-codesign/uploader";

/** A failed write or look-up as the report shows it: a stable code and a message with what support needs. */
export interface Failure {
  code: string;
  message: string;
  attempts: number;
  /** The credential or the app's permissions are at fault, not the certificate. */
  auth: boolean;
  /** Microsoft could not be reached (DNS, connection, TLS, proxy): no HTTP answer came. */
  unreachable: boolean;
}

/** Maps an error from the uploader to a report code; Graph's request-id stays in the message for support cases. */
export function describeFailure(error: unknown, interrupted: boolean): Failure {
  const attempts = (error as { attempts?: number }).attempts ?? 1;
  if (error instanceof GraphError) {
    const requestId = error.requestId ? ` (request-id ${error.requestId})` : "";
    const message = `HTTP ${error.status} ${error.code}: ${error.message}${requestId}`;
    if (error.status === 404)
      return { code: "not_found", message, attempts, auth: false, unreachable: false };
    if (error.status === 401 || error.status === 403)
      return { code: "auth_failed", message, attempts, auth: true, unreachable: false };
    return { code: "graph_error", message, attempts, auth: false, unreachable: false };
  }
  if (error instanceof AuthError)
    return { code: "auth_failed", message: error.message, attempts, auth: true, unreachable: false };
  if (interrupted || error instanceof StoppedError)
    return {
      code: "interrupted",
      message:
        error instanceof StoppedError
          ? error.message
          : "the run was interrupted before this request finished",
      attempts,
      auth: false,
      unreachable: false,
    };
  if (error instanceof NetworkError)
    return { code: "network_error", message: error.message, attempts, auth: false, unreachable: true };
  return {
    code: "internal_error",
    message: error instanceof Error ? error.message : String(error),
    attempts,
    auth: false,
    unreachable: false,
  };
}

/** A candidate's file no longer holds its certificate when it is read again to be sent. */
export const FILE_CHANGED = {
  code: "file_changed",
  message: "the file changed during the run; the next run sends its certificates",
} as const;
