import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphErrorResponse } from "./graph-error-response.js";

/** Certificates are a few kilobytes; anything far larger is a client bug, not an upload. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Reads the whole request body, refusing bodies over 4 MiB with 413. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new GraphErrorResponse(413, "RequestEntityTooLarge", "The request body is too large.");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Sends a JSON body with the given status and headers, unless the client already went away. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = "application/json; charset=utf-8",
): void {
  if (response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "Content-Type": contentType,
    "Content-Length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** Sends an empty response (204 and the like). */
export function sendEmpty(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  if (response.destroyed) return;
  response.writeHead(status, headers);
  response.end();
}

/** The first value of a request header, or null. */
export function headerValue(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
