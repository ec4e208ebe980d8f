import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningEmulator } from "@intune-codesign/graph-emulator";
import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import {
  afterEachRequest,
  faultsOffAfterFirst,
  listAll,
  requestLine,
  TEST_TOKEN,
  withEmulator,
} from "@intune-codesign/testkit/emulator";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import { afterEach, describe, expect, it } from "vitest";
import { AuthError } from "./auth-error.js";
import { buildBody, type CertificateBody } from "./body.js";
import { GraphClient } from "./client.js";
import { FileTokenProvider } from "./file-token-provider.js";
import { GraphError } from "./graph-error.js";
import { NetworkError } from "./network-error.js";
import { RateLimiter } from "./pacing.js";
import { PermissionError } from "./permission-error.js";
import { THROTTLED_MIN_DELAY_MS } from "./retry.js";

let emulator: RunningEmulator | undefined;
let server: Server | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  server?.close();
  server = undefined;
});

/** An emulator holding one certificate, and the body to PATCH it with. */
async function seeded(options: Parameters<typeof withEmulator>[0] = {}) {
  const setup = await withEmulator({ patchResponse: 204, ...options });
  emulator = setup.emulator;
  const body = buildBody(await makeCertificateInfo("Retry Target"));
  const [object] = emulator.seed([
    { subject: body.subject, issuer: body.issuer, expirationDateTime: body.expirationDateTime },
  ]);
  return { ...setup, id: object!.id, body };
}

function gapMs(e: RunningEmulator, from = 0): number {
  const requests = e.requests();
  return requests[from + 1]!.startedAt - requests[from]!.startedAt;
}

/** The real limiter, telling the test when a throttled answer has paused it. */
class ObservedLimiter extends RateLimiter {
  paused = false;

  override pauseUntil(epochMs: number): void {
    super.pauseUntil(epochMs);
    this.paused = true;
  }
}

describe("retries against the emulator", () => {
  it.each([
    ["500", "PATCH 500 500"],
    ["502", "PATCH 502 502"],
    ["503", "PATCH 503 503"],
    ["504", "PATCH 504 504"],
    ["429", "PATCH 429 429"],
    ["503-retry-after", "PATCH 503 503-retry-after"],
    ["reset-before-response", "PATCH 0 reset-before-response"],
  ] as const)("retries once after %s and succeeds", async (kind, first) => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({ faults: { rate: 1, kinds: [kind], retryAfterSeconds: 0.1 } });
    const result = await client({ transport: faultsOffAfterFirst(e) }).update(id, body);
    expect(result).toMatchObject({ id, status: 204, attempts: 2 });
    expect(requestLine(e)).toEqual([first, "PATCH 204"]);
    expect(e.requests().map((r) => r.attempt)).toEqual([null, "1"]);
    if (kind === "429" || kind === "503-retry-after") expect(gapMs(e)).toBeGreaterThanOrEqual(98);
    // A throttling answer that names no delay waits at least 2 s: an immediate retry counts against the limit.
    if (kind === "503") expect(gapMs(e)).toBeGreaterThanOrEqual(THROTTLED_MIN_DELAY_MS - 2);
  });

  it("honours a fractional Retry-After from the emulator's own throttling", async () => {
    const { emulator: e, client, id, body } = await seeded({ writeLimit: { limit: 1, windowMs: 150 } });
    const c = client();
    await c.update(id, body);
    const second = await c.update(id, body);
    expect(second.attempts).toBe(2);
    expect(requestLine(e)).toEqual(["PATCH 204", "PATCH 429", "PATCH 204"]);
    expect(e.requests()[2]!.startedAt - e.requests()[0]!.startedAt).toBeGreaterThanOrEqual(148);
  });

  it("honours Retry-After as an HTTP-date (whole seconds, rounded up by the server)", async () => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({
      faults: { rate: 1, kinds: ["429-http-date"], retryAfterSeconds: 0.05 },
    });
    const result = await client({ transport: faultsOffAfterFirst(e) }).update(id, body);
    expect(result.attempts).toBe(2);
    expect(requestLine(e)).toEqual(["PATCH 429 429-http-date", "PATCH 204"]);
    const [first, second] = e.requests();
    expect(second!.startedAt).toBeGreaterThanOrEqual(Math.ceil((first!.startedAt + 50) / 1000) * 1000 - 2);
  });

  it("times a slow answer out and retries it", async () => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({ faults: { rate: 1, kinds: ["latency"], latencyMs: 400 } });
    const result = await client({ transport: faultsOffAfterFirst(e), timeoutMs: 100 }).update(id, body);
    expect(result).toMatchObject({ status: 204, attempts: 2 });
  });

  it("gives up after `retries` retries with the exact attempt count", async () => {
    const { emulator: e, client, id, body } = await seeded({ faults: { rate: 1, kinds: ["503"] } });
    const error = await client({ retries: 2 })
      .update(id, body)
      .catch((x: unknown) => x);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 503, code: "ServiceUnavailable", attempts: 3 });
    expect((error as GraphError).requestId).toBe(e.requests()[2]?.id);
    expect(requestLine(e)).toEqual(["PATCH 503 503", "PATCH 503 503", "PATCH 503 503"]);
  });

  it("gives up on resets with a NetworkError carrying the code and attempts", async () => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({ faults: { rate: 1, kinds: ["reset-before-response"] } });
    const error = await client({ retries: 1 })
      .update(id, body)
      .catch((x: unknown) => x);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "ECONNRESET", attempts: 2 });
    expect(e.requests()).toHaveLength(2);
  });

  it("stops when the next wait would overrun the retry budget", async () => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({
      faults: { rate: 1, kinds: ["429"], retryAfterSeconds: 0.3 },
    });
    const error = await client({ retryBudgetMs: 200 })
      .update(id, body)
      .catch((x: unknown) => x);
    expect(error).toMatchObject({ status: 429, code: "TooManyRequests", attempts: 1 });
    expect(e.requests()).toHaveLength(1);
  });

  it("a 429 with Retry-After pauses every worker sharing the limiter", async () => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({
      faults: { rate: 1, kinds: ["429"], retryAfterSeconds: 0.2 },
    });
    const writeLimiter = new ObservedLimiter({ limit: 100, windowMs: 1000 });
    const c = client({ transport: faultsOffAfterFirst(e), writeLimiter });
    const first = c.update(id, body);
    await waitFor(() => writeLimiter.paused);
    const second = c.update(id, body);
    expect((await Promise.all([first, second])).map((r) => r.attempts)).toEqual([2, 1]);
    const [throttled, ...rest] = e.requests();
    expect(throttled?.status).toBe(429);
    for (const r of rest) expect(r.startedAt - throttled!.startedAt).toBeGreaterThanOrEqual(198);
  });

  it("aborting during a retry wait rejects at once with the signal's reason", async () => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({ faults: { rate: 1, kinds: ["429"], retryAfterSeconds: 5 } });
    const controller = new AbortController();
    const started = Date.now();
    const pending = client({ signal: controller.signal }).update(id, body);
    await waitFor(() => e.requests().length === 1);
    controller.abort(new Error("shutting down"));
    await expect(pending).rejects.toThrow("shutting down");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e.requests()).toHaveLength(1);
  });
});

describe("401 handling", () => {
  it("refreshes the token once and re-sends (a rotated token file is re-read)", async () => {
    const { emulator: e, tokenFile, id, body } = await seeded();
    writeFileSync(tokenFile, "stale-token\n");
    const client = new GraphClient({
      baseUrl: e.url,
      tokenProvider: new FileTokenProvider(tokenFile),
      transport: afterEachRequest(() => writeFileSync(tokenFile, `${TEST_TOKEN}\r\n`)),
    });
    const result = await client.update(id, body);
    expect(result).toMatchObject({ status: 204, attempts: 2 });
    expect(requestLine(e)).toEqual(["PATCH 401", "PATCH 204"]);
  });

  it("an injected expired-token 401 is followed by exactly one re-send", async () => {
    const {
      emulator: e,
      client,
      id,
      body,
    } = await seeded({ faults: { rate: 1, kinds: ["401-expired-token"] } });
    const result = await client({ transport: faultsOffAfterFirst(e) }).update(id, body);
    expect(result.attempts).toBe(2);
    expect(requestLine(e)).toEqual(["PATCH 401 401-expired-token", "PATCH 204"]);
  });

  it("a 401 that persists after the refresh is an AuthError after exactly two requests", async () => {
    const { emulator: e, tokenFile, client, id, body } = await seeded();
    writeFileSync(tokenFile, "never-valid\n");
    const error = await client()
      .update(id, body)
      .catch((x: unknown) => x);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as AuthError).message).toContain("InvalidAuthenticationToken");
    expect(requestLine(e)).toEqual(["PATCH 401", "PATCH 401"]);
  });
});

describe("forms the emulator does not send (a loopback server): retry-after-ms, x-ms-retry-after-ms, 408", () => {
  it.each([
    [429, { "retry-after-ms": "150", "retry-after": "10" }],
    [429, { "x-ms-retry-after-ms": "150", "retry-after": "10" }],
    [408, { "retry-after": "0.15" }],
  ])("retries a %i with %j after the advertised delay", async (status, retryHeaders) => {
    const arrivals: number[] = [];
    server = createServer((request, response) => {
      arrivals.push(Date.now());
      if (arrivals.length === 1) {
        response.writeHead(status, { ...retryHeaders, "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: { code: "TooManyRequests", message: "slow down", innerError: { "request-id": "r1" } },
          }),
        );
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ value: [] }));
      request.resume();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const client = new GraphClient({
      baseUrl: `http://127.0.0.1:${port}/beta`,
      tokenProvider: { getToken: async () => TEST_TOKEN },
    });
    expect(await listAll(client)).toEqual([]);
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(148);
    expect(arrivals[1]! - arrivals[0]!).toBeLessThan(5000);
  });

  it("reads the request-id from innererror as well as innerError", async () => {
    server = createServer((_, response) => {
      response.writeHead(409, { "content-type": "application/json", "request-id": "header-id" });
      response.end(
        JSON.stringify({
          error: { code: "Conflict", message: "exists", innererror: { "request-id": "body-id" } },
        }),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const client = new GraphClient({
      baseUrl: `http://127.0.0.1:${port}/beta`,
      tokenProvider: { getToken: async () => TEST_TOKEN },
    });
    const body = { subject: "x" } as unknown as CertificateBody;
    const error = await client.update("id", body).catch((x: unknown) => x);
    expect(error).toMatchObject({
      status: 409,
      code: "Conflict",
      message: "exists",
      requestId: "body-id",
      attempts: 1,
    });
  });
});

/** A loopback server answering each request with the next of `answers` (the last repeats); records arrivals. */
async function scripted(
  answers: Array<{ status: number; headers?: Record<string, string>; body?: unknown }>,
) {
  const arrivals: Array<{ at: number; method: string; retryAttempt: string | undefined }> = [];
  server = createServer((request, response) => {
    const retryAttempt = request.headers["retry-attempt"];
    arrivals.push({
      at: Date.now(),
      method: request.method ?? "",
      retryAttempt: retryAttempt as string | undefined,
    });
    const answer = answers[Math.min(arrivals.length, answers.length) - 1]!;
    request.resume();
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new GraphClient({
    baseUrl: `http://127.0.0.1:${port}/beta`,
    tokenProvider: { getToken: async () => TEST_TOKEN },
  });
  return { client, arrivals, port };
}

const INTUNE_FORBIDDEN = JSON.stringify({
  _version: 3,
  Message:
    "Application must have one of the following scopes: DeviceManagementApps.ReadWrite.All - Operation ID (for customer support): 5e0b1c55-0000-0000-0000-000000000000",
});

describe("answers the emulator does not send (a loopback server)", () => {
  it("a 429 without Retry-After waits at least 2 s, then sends Retry-Attempt", async () => {
    const { client, arrivals } = await scripted([
      { status: 429, body: { error: { code: "TooManyRequests", message: "slow down" } } },
      { status: 200, body: { value: [] } },
    ]);
    expect(await listAll(client)).toEqual([]);
    expect(arrivals.map((a) => a.retryAttempt)).toEqual([undefined, "1"]);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(THROTTLED_MIN_DELAY_MS - 2);
  });

  it("a redirect is not followed: an error naming its target, after one request", async () => {
    const { client, arrivals } = await scripted([
      { status: 302, headers: { location: "https://elsewhere.example.test/beta/x" }, body: { value: [] } },
    ]);
    const error = await listAll(client).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 302, code: "redirect", attempts: 1 });
    expect((error as Error).message).toContain("redirecting to https://elsewhere.example.test/beta/x");
    expect(arrivals).toHaveLength(1);
  });

  it("Intune's 403 names the missing permission (a PermissionError, also an AuthError), after one request", async () => {
    const { client, arrivals } = await scripted([
      { status: 403, body: { error: { code: "Forbidden", message: INTUNE_FORBIDDEN } } },
    ]);
    const body = { subject: "x" } as unknown as CertificateBody;
    const error = await client.update("id", body).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      status: 403,
      reason: "permission",
      permissions: ["DeviceManagementApps.ReadWrite.All"],
    });
    expect((error as Error).message).toContain(
      "the app needs the application permission DeviceManagementApps.ReadWrite.All, with admin consent",
    );
    expect(arrivals).toHaveLength(1);
  });

  it("a 401 UnknownError wrapping Intune's refusal: one token refresh, then the missing permission", async () => {
    const { client, arrivals } = await scripted([
      { status: 401, body: { error: { code: "UnknownError", message: INTUNE_FORBIDDEN } } },
    ]);
    const error = await listAll(client).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({ status: 401, permissions: ["DeviceManagementApps.ReadWrite.All"] });
    expect(arrivals.map((a) => a.method)).toEqual(["GET", "GET"]);
  });
});

describe("failures below HTTP", () => {
  it("a Graph host whose name does not resolve fails at once, naming the host: no retries", async () => {
    const client = new GraphClient({
      baseUrl: "https://graph.microsfot.invalid/beta",
      tokenProvider: { getToken: async () => TEST_TOKEN },
    });
    const started = Date.now();
    const error = await listAll(client).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      kind: "dns",
      code: "ENOTFOUND",
      host: "graph.microsfot.invalid",
      proxy: null,
      attempts: 1,
    });
    expect((error as Error).message).toBe(
      "GET /beta/deviceAppManagement/enterpriseCodeSigningCertificates: could not reach graph.microsfot.invalid: its name did not resolve (DNS) (ENOTFOUND)",
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("a refused connection names host and cause after its retries", async () => {
    const { port } = await scripted([{ status: 200 }]);
    await new Promise((resolve) => server!.close(resolve));
    const client = new GraphClient({
      baseUrl: `http://127.0.0.1:${port}/beta`,
      tokenProvider: { getToken: async () => TEST_TOKEN },
      retries: 1,
      backoffBaseMs: 10,
    });
    const error = await listAll(client).catch((x: unknown) => x);
    expect(error).toMatchObject({
      kind: "refused",
      code: "ECONNREFUSED",
      host: `127.0.0.1:${port}`,
      attempts: 2,
    });
  });
});
