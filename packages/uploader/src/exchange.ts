import { randomUUID } from "node:crypto";
import { NetworkError } from "./network-error.js";
import { networkErrorCode } from "./retry.js";

/** One HTTP request and its fully read answer. */
export interface Exchange {
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
export interface ExchangeRequest {
  method: "GET" | "POST" | "PATCH";
  url: string;
  token: string;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  fetch: typeof fetch;
}

/**
 * Sends one request and reads the whole answer under a timeout. No answer becomes a NetworkError whose
 * message never quotes the underlying error: fetch can echo header values, and one of them is the token.
 */
export async function exchange(request: ExchangeRequest): Promise<Exchange> {
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
  try {
    const response = await request.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body ?? null,
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
    const where = `${request.method} ${new URL(request.url).pathname}`;
    if (timedOut) {
      throw new NetworkError(`${where} got no answer within ${request.timeoutMs} ms`, {
        code: "ETIMEDOUT",
        clientRequestId,
      });
    }
    const code = networkErrorCode(error) ?? "EUNKNOWN";
    throw new NetworkError(`${where} failed without an HTTP answer (${code})`, { code, clientRequestId });
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
