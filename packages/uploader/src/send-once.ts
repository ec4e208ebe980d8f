import { randomUUID } from "node:crypto";
import { NetworkError } from "./network-error.js";
import { classifyNetworkFailure } from "./network-failure.js";
import type { Transport } from "./transport.js";

/** Graph's answer to one request, fully read. */
export interface GraphAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when empty or not JSON. */
  json: unknown;
  /** Graph's `request-id` response header. */
  requestId: string | null;
  /** The `client-request-id` we sent: Graph support can trace a request by it even when no answer came. */
  clientRequestId: string;
}

/** What one HTTP request needs; the token goes only into the Authorization header. */
export interface GraphRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  token: string;
  body?: string;
  /** Requests of this operation sent before this one; a re-send carries it as `Retry-Attempt`, as Microsoft's SDKs do. */
  retryAttempt: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  transport: Transport;
}

/**
 * Sends one request and reads the whole answer under a timeout. A redirect is not followed (the token and body
 * stay with the configured host). No answer becomes a NetworkError naming the host, proxy and cause.
 */
export async function sendOnce(request: GraphRequest): Promise<GraphAnswer> {
  // Linked by hand, not with AbortSignal.any: Node 20 keeps a WeakRef on the caller's signal for every signal
  // derived from it, and the caller's signal lives for the whole run (100,000 requests, 100,000 WeakRefs).
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${request.timeoutMs} ms`, "TimeoutError"));
  }, request.timeoutMs);
  const onAbort = () => controller.abort(request.signal?.reason);
  if (request.signal?.aborted) onAbort();
  else request.signal?.addEventListener("abort", onAbort, { once: true });
  const clientRequestId = randomUUID();
  const headers: Record<string, string> = {
    authorization: `Bearer ${request.token}`,
    accept: "application/json",
    "client-request-id": clientRequestId,
  };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  if (request.retryAttempt > 0) headers["retry-attempt"] = String(request.retryAttempt);
  try {
    const response = await request.transport.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body ?? null,
      redirect: "manual",
      signal: controller.signal,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: parseJson(text),
      requestId: response.headers.get("request-id"),
      clientRequestId,
    };
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    const url = new URL(request.url);
    const failure = timedOut
      ? { kind: "timeout" as const, code: "ETIMEDOUT" }
      : classifyNetworkFailure(error);
    throw new NetworkError({
      ...failure,
      host: url.host,
      proxy: request.transport.proxyFor(url),
      request: `${request.method} ${url.pathname}`,
      timeoutMs: request.timeoutMs,
      clientRequestId,
    });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onAbort);
  }
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
