import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { NetworkError } from "./network-error.js";
import { classifyNetworkFailure } from "./network-failure.js";
import type { Transport } from "./transport.js";

/** What the token requests of one credential showed below its error: a network failure, or an error answer. */
export interface IdentityObservations {
  networkFailure?: NetworkError | undefined;
  errorAnswer?: { status: number; path: string } | undefined;
}

/**
 * @azure/identity's HTTP client over our transport, so that token requests take the same proxy route as Graph's
 * (its own pipeline reads the proxy variables by other rules) and fail with the same NetworkError. MSAL replaces
 * a failure's cause with a bare `network_error`, so what happened is also kept in `observed`.
 */
export function identityHttpClient(
  transport: Transport,
  observed: IdentityObservations,
  timeoutMs: number,
): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      if (request.body !== undefined && typeof request.body !== "string") {
        throw new Error(`unexpected ${typeof request.body} body for ${url.pathname}`);
      }
      const limit = request.timeout > 0 ? request.timeout : timeoutMs;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), limit);
      const onAbort = () => controller.abort();
      request.abortSignal?.addEventListener("abort", onAbort);
      try {
        const response = await transport.fetch(url, {
          method: request.method,
          headers: Object.fromEntries(request.headers),
          body: request.body ?? null,
          redirect: "manual",
          signal: controller.signal,
        });
        const bodyAsText = await response.text();
        if (response.status >= 400) observed.errorAnswer = { status: response.status, path: url.pathname };
        return { request, status: response.status, headers: pipelineHeaders(response.headers), bodyAsText };
      } catch (error) {
        if (request.abortSignal?.aborted) throw error;
        const failure = new NetworkError({
          ...classifyNetworkFailure(error),
          host: url.host,
          proxy: transport.proxyFor(url),
          request: `${request.method} ${url.pathname}`,
          timeoutMs: limit,
        });
        observed.networkFailure = failure;
        throw failure;
      } finally {
        clearTimeout(timer);
        request.abortSignal?.removeEventListener("abort", onAbort);
      }
    },
  };
}

/** core-rest-pipeline's header map over a fetch answer's headers (names are case-insensitive). */
function pipelineHeaders(headers: Headers): HttpHeaders {
  const map = new Map<string, string>();
  headers.forEach((value, name) => {
    map.set(name.toLowerCase(), value);
  });
  return {
    get: (name) => map.get(name.toLowerCase()),
    has: (name) => map.has(name.toLowerCase()),
    set: (name, value) => {
      map.set(name.toLowerCase(), String(value));
    },
    delete: (name) => {
      map.delete(name.toLowerCase());
    },
    toJSON: () => Object.fromEntries(map),
    [Symbol.iterator]: () => map.entries(),
  };
}
