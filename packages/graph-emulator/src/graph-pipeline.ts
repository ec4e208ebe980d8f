import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { parseRetryAfter } from "@intune-codesign/graph-contract";
import type { ConnectionResetter } from "./connection-reset.js";
import { type FaultInjector, type RequestKind, resetsAfterApplying } from "./fault-injector.js";
import { GraphErrorResponse, graphErrorBody } from "./graph-error-response.js";
import { type GraphRoute, type ResourceContext, resolveGraphPath, serveResource } from "./graph-resource.js";
import { headerValue, readBody, sendEmpty, sendJson } from "./http-io.js";
import { authorize } from "./permissions.js";
import { formatRetryAfterSeconds } from "./rate-limiter.js";
import type { IntuneThrottle } from "./throttling.js";
import type { TokenOwner, TokenRegistry } from "./token-registry.js";
import type { FaultKind } from "./types.js";

/** What the Graph side of the emulator needs per request. */
export interface GraphContext extends ResourceContext {
  rootUrl: string;
  tokens: TokenRegistry;
  throttle: IntuneThrottle;
  faults(): FaultInjector | null;
  now: () => number;
  /** Aborted when the emulator closes, so latency faults do not hold it open. */
  closing: AbortSignal;
  connections: ConnectionResetter;
}

/** The identifiers a request carries through its handling. */
export interface RequestIds {
  requestId: string;
  clientRequestId: string | null;
}

/** How a Graph request ended: the status sent (0 for a reset), the fault injected and the Retry-After, if any. */
export interface GraphOutcome {
  status: number;
  fault: FaultKind | null;
  retryAfterMs: number | null;
}

const ODATA_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/**
 * Handles a Graph request in Graph's order: authentication, throttling, routing, then (when enabled) one
 * fault draw, then the resource itself. The body is read in full first, so a request is applied (after a
 * latency fault too) whether or not its client is still waiting, as a real server would.
 */
export async function handleGraphRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  ids: RequestIds,
  context: GraphContext,
): Promise<GraphOutcome> {
  let fault: FaultKind | null = null;
  try {
    const owner = authenticate(request, context);
    throttle(request.method ?? "GET", owner, context);
    const { version, route } = resolveGraphPath(url.pathname);
    const method = request.method ?? "GET";
    authorize(method, owner, `${context.rootUrl}${url.pathname}`, ids.requestId);
    const resourceRequest = {
      method,
      url,
      contentType: headerValue(request, "content-type") ?? "",
      body: await readBody(request),
    };
    fault = context.faults()?.next(requestKind(method, route)) ?? null;
    if (fault === "reset-before-response") return reset(request, context, fault);
    if (fault !== null) await applyFault(fault, context);
    const reply = serveResource(resourceRequest, `${context.rootUrl}/${version}`, route, context);
    if (resetsAfterApplying(fault)) return reset(request, context, fault);
    const headers = { ...responseHeaders(ids), ...reply.headers };
    if (reply.body === undefined) sendEmpty(response, reply.status, headers);
    else sendJson(response, reply.status, reply.body, { ...headers, "OData-Version": "4.0" }, ODATA_JSON);
    return { status: reply.status, fault, retryAfterMs: null };
  } catch (error) {
    if (resetsAfterApplying(fault)) return reset(request, context, fault);
    const graphError =
      error instanceof GraphErrorResponse
        ? error
        : new GraphErrorResponse(500, "InternalServerError", "The emulator failed unexpectedly.");
    const date = new Date(context.now()).toISOString().slice(0, 19);
    const body = graphErrorBody(graphError, ids.requestId, ids.clientRequestId, date);
    sendJson(response, graphError.status, body, { ...responseHeaders(ids), ...graphError.headers });
    const retryAfter = graphError.headers["Retry-After"];
    const retryAfterMs = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, context.now());
    return { status: graphError.status, fault, retryAfterMs: retryAfterMs ?? null };
  }
}

/** Graph's message for an expired token, as a real expiry and the injected fault both answer. */
const TOKEN_EXPIRED = "Lifetime validation failed, the token is expired.";

function authenticate(request: IncomingMessage, context: GraphContext): TokenOwner {
  const header = headerValue(request, "authorization") ?? "";
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) throw invalidToken(context, "Access token is empty.");
  const check = context.tokens.check(token);
  if (check.ok) return check.owner;
  throw invalidToken(
    context,
    check.reason === "expired" ? TOKEN_EXPIRED : "Access token validation failure.",
  );
}

function throttle(method: string, owner: TokenOwner, context: GraphContext): void {
  const throttled = context.throttle.take(method, owner, context.now());
  if (throttled) {
    throw new GraphErrorResponse(429, "TooManyRequests", `Too many ${throttled.exceeded.join(" and ")}.`, {
      "Retry-After": formatRetryAfterSeconds(throttled.retryAfterMs),
    });
  }
}

/** Throws the fault's error response, or waits out a latency fault; reset faults are handled by the caller. */
async function applyFault(fault: FaultKind, context: GraphContext): Promise<void> {
  const options = context.faults()?.options;
  const retryAfterSeconds = options?.retryAfterSeconds ?? 1;
  switch (fault) {
    case "429":
      throw new GraphErrorResponse(429, "TooManyRequests", "Too many requests (injected fault).", {
        "Retry-After": String(retryAfterSeconds),
      });
    case "429-http-date": {
      // HTTP-dates have whole seconds; round up so a client never retries early.
      const retryAt = Math.ceil((context.now() + retryAfterSeconds * 1000) / 1000) * 1000;
      throw new GraphErrorResponse(429, "TooManyRequests", "Too many requests (injected fault).", {
        "Retry-After": new Date(retryAt).toUTCString(),
      });
    }
    case "500":
      throw new GraphErrorResponse(
        500,
        "InternalServerError",
        "An internal server error occurred (injected fault).",
      );
    case "502":
      throw new GraphErrorResponse(502, "BadGateway", "Bad gateway (injected fault).");
    case "503":
      throw new GraphErrorResponse(503, "ServiceUnavailable", "The service is unavailable (injected fault).");
    case "503-retry-after":
      throw new GraphErrorResponse(
        503,
        "ServiceUnavailable",
        "The service is unavailable (injected fault).",
        {
          "Retry-After": String(retryAfterSeconds),
        },
      );
    case "504":
      throw new GraphErrorResponse(504, "GatewayTimeout", "The gateway timed out (injected fault).");
    case "401-expired-token":
      throw invalidToken(context, TOKEN_EXPIRED);
    case "latency":
      await sleep(options?.latencyMs ?? 2000, undefined, { signal: context.closing });
      return;
    case "reset-before-response":
    case "reset-after-create":
    case "reset-after-delete":
      return;
  }
}

function invalidToken(context: GraphContext, message: string): GraphErrorResponse {
  return new GraphErrorResponse(401, "InvalidAuthenticationToken", message, {
    "WWW-Authenticate": `Bearer realm="", authorization_uri="${context.rootUrl}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  });
}

function responseHeaders(ids: RequestIds): Record<string, string> {
  return {
    "request-id": ids.requestId,
    ...(ids.clientRequestId === null ? {} : { "client-request-id": ids.clientRequestId }),
  };
}

function requestKind(method: string, route: GraphRoute): RequestKind {
  if (method === "POST" && route.kind === "collection") return "create";
  if (method === "DELETE" && route.kind === "item") return "delete";
  return "other";
}

function reset(request: IncomingMessage, context: GraphContext, fault: FaultKind | null): GraphOutcome {
  context.connections.reset(request.socket);
  return { status: 0, fault, retryAfterMs: null };
}
